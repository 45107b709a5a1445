#include "ui/train/trainingworker.h"

#include "core/train/trainingjob.h"

#include <QtCore/QDir>
#include <QtCore/QStringList>

#include <exception>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace {

constexpr qint64 kDeliveryIntervalMs = 50; // ≤ 20 deliveries a second: the plots repaint at most that often

} // namespace

namespace {

/**
 * Training saturates every core; at equal priority the GUI thread then waits up to hundreds
 * of milliseconds for a CPU (measured with bench/gui_stall). Nicer workers let the event loop
 * run first and cost training nothing when the GUI is idle. Threads this thread starts later
 * (LibTorch's OpenMP team, the batch prefetcher) inherit the value; OpenBLAS started its own
 * pool when the library loaded, from the main thread, so every thread but the main (GUI)
 * one is lowered, not only this one. On Linux a nice value belongs to a thread.
 */
void lowerWorkerPriorities()
{
    constexpr int kNice = 10;
    const QString mainThread = QString::number(getpid());
    const QStringList tasks = QDir(QStringLiteral("/proc/self/task")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &task : tasks) {
        if (task != mainThread)
            setpriority(PRIO_PROCESS, id_t(task.toLongLong()), kNice);
    }
    setpriority(PRIO_PROCESS, id_t(syscall(SYS_gettid)), kNice);
}

} // namespace

void TrainingWorker::run(int generation, std::shared_ptr<TrainingJob> job)
{
    lowerWorkerPriorities();
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_pending.clear();
        m_clock.start();
        m_lastFlushMs = -kDeliveryIntervalMs;
        m_lastProgressMs = -kDeliveryIntervalMs;
    }
    TrainingCallbacks callbacks;
    callbacks.stepFinished = [this, generation](const StepReport &step) { addStep(generation, step); };
    callbacks.epochFinished = [this, generation](const EpochReport &report) {
        flushSteps(generation);
        Q_EMIT epochFinished(generation, report);
    };
    callbacks.message = [this, generation](MessageLevel level, const QString &text) {
        flushSteps(generation);
        Q_EMIT messageLogged(generation, level, text);
    };
    callbacks.progress = [this, generation](const Progress &progress) {
        {
            // Dataset::load reports from its decoding threads too.
            std::lock_guard<std::mutex> lock(m_mutex);
            const qint64 now = m_clock.elapsed();
            const bool last = progress.total > 0 && progress.done >= progress.total;
            if (!last && now - m_lastProgressMs < kDeliveryIntervalMs)
                return;
            m_lastProgressMs = now;
        }
        Q_EMIT progressChanged(generation, progress);
    };
    job->setCallbacks(std::move(callbacks));

    FinishReport report;
    try {
        report = job->run(); // calls callbacks.finished too, which is not set: we report here
    } catch (const std::exception &error) {
        // run() promises not to throw; a broken promise must still end the run in the GUI.
        report.ok = false;
        report.reason = QString::fromUtf8(error.what());
        report.runDir = job->runDir();
    }
    flushSteps(generation);
    Q_EMIT finished(generation, report);
}

void TrainingWorker::addStep(int generation, const StepReport &step)
{
    QList<StepReport> batch;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_pending.append(step);
        const qint64 now = m_clock.elapsed();
        if (now - m_lastFlushMs < kDeliveryIntervalMs)
            return;
        m_lastFlushMs = now;
        batch.swap(m_pending);
    }
    Q_EMIT stepsReported(generation, batch);
}

void TrainingWorker::flushSteps(int generation)
{
    QList<StepReport> batch;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (m_pending.isEmpty())
            return;
        m_lastFlushMs = m_clock.elapsed();
        batch.swap(m_pending);
    }
    Q_EMIT stepsReported(generation, batch);
}
