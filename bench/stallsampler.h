#pragma once

#include <QtCore/QString>
#include <QtCore/QStringList>
#include <atomic>
#include <thread>
#include <vector>

/**
 * Finds out what the GUI thread is doing during a long stall: a watchdog thread notices that
 * the probe's heartbeat stopped, reads the GUI thread's scheduler state, system call and wait
 * channel from /proc, and (when it sleeps) interrupts it with a signal to take its stack.
 * Construct and beat() on the GUI thread; the watchdog runs on its own std::thread.
 */
class StallSampler
{
public:
    struct Sample
    {
        double atSeconds = 0;   ///< since start()
        double stalledMs = 0;   ///< how long the heartbeat had stopped when sampled
        char state = '?';       ///< R running/runnable, S sleeping, D uninterruptible (I/O)
        QString syscall;        ///< e.g. "futex", "poll", "fsync", "running"
        QString wchan;          ///< kernel function it waits in
        QStringList stack;      ///< user-space frames of the GUI thread, innermost first
    };

    StallSampler();
    ~StallSampler();
    StallSampler(const StallSampler &) = delete;
    StallSampler &operator=(const StallSampler &) = delete;

    /** Starts watching; a stall longer than `thresholdMs` is sampled once. */
    void start(double thresholdMs);
    void stop();
    /** Called by the probe on every tick (GUI thread). */
    void beat();
    const std::vector<Sample> &samples() const { return m_samples; }

private:
    void watch();
    Sample sample(double stalledMs);

    int m_guiTid = 0;
    double m_thresholdMs = 30;
    std::atomic<long long> m_lastBeatNs{0};
    std::atomic_bool m_running{false};
    std::thread m_thread;
    long long m_startNs = 0;
    std::vector<Sample> m_samples;
};
