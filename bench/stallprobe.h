#pragma once

#include <QtCore/QElapsedTimer>
#include <QtCore/QObject>
#include <QtCore/QTimer>
#include <QtCore/QtGlobal>
#include <algorithm>
#include <vector>

class StallSampler;

/** CPU time the calling thread (or with `process`, the whole process) has used, in ms. */
double cpuMs(bool process = false);

/** One gap between two probe ticks: wall time, and how much of it the GUI thread spent running. */
struct Gap
{
    double atSeconds = 0; ///< when the gap ended, from the probe's start
    double wallMs = 0;
    double guiCpuMs = 0;  ///< the GUI thread ran: our own work on the event loop
    double runQueueMs = 0; ///< it was ready but waited for a CPU (other threads and processes ran)
    /** The rest it slept or was blocked (the probe's own 1 ms wait, a lock, a disk or X server round trip). */
    double blockedMs() const { return std::max(0.0, wallMs - guiCpuMs - runQueueMs); }
};

/** Milliseconds the constructing thread has waited on a run queue (/proc/.../schedstat); 0 when unknown. */
class RunQueueClock
{
public:
    RunQueueClock();
    ~RunQueueClock();
    RunQueueClock(const RunQueueClock &) = delete;
    RunQueueClock &operator=(const RunQueueClock &) = delete;
    double waitedMs() const;

private:
    int m_fd = -1;
};

/**
 * A 1 ms timer on the GUI thread: each gap between two timeouts is how long the event loop
 * could not run it, split into the GUI thread's own running time, its wait for a CPU and the
 * rest (asleep or blocked). Constructed and run on the GUI thread.
 */
class StallProbe final : public QObject
{
public:
    StallProbe();
    void start();
    void stop();
    double seconds() const;
    const std::vector<Gap> &gaps() const { return m_gaps; }
    /** Told of every tick, so it can notice when they stop. */
    void setSampler(StallSampler *sampler) { m_sampler = sampler; }

private:
    void tick();

    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    double m_lastCpu = 0;
    double m_lastWaited = 0;
    double m_seconds = 0;
    RunQueueClock m_runQueue;
    StallSampler *m_sampler = nullptr;
    std::vector<Gap> m_gaps;
};

/** Distribution of one part of the gaps, in ms. */
struct GapStats
{
    std::size_t samples = 0;
    double p50 = 0, p99 = 0, max = 0;
    long over16 = 0, over50 = 0;
};

enum class Part { Wall, Busy, RunQueue, Blocked };

GapStats statistics(const std::vector<Gap> &gaps, Part part);
void printStats(const char *label, const GapStats &stats);
/** The `count` longest gaps with their split into running, run-queue wait and blocked time. */
void printLongest(const std::vector<Gap> &gaps, int count);
