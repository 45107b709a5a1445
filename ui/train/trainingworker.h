#pragma once

#include "core/train/trainevents.h"
#include "core/util/progress.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QList>
#include <QtCore/QObject>
#include <memory>
#include <mutex>

class TrainingJob;

/**
 * Runs a TrainingJob on the worker QThread that TrainingController owns. The job's
 * callbacks arrive on that thread (progress also from decoding threads); step reports are
 * collected and sent on at most every 50 ms, always before an epoch, message or finish.
 */
class TrainingWorker final : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    /** Runs on the worker thread until the job ends. */
    void run(int generation, std::shared_ptr<TrainingJob> job);

Q_SIGNALS:
    void stepsReported(int generation, const QList<StepReport> &steps);
    void epochFinished(int generation, const EpochReport &report);
    void messageLogged(int generation, MessageLevel level, const QString &text);
    void progressChanged(int generation, const Progress &progress);
    void finished(int generation, const FinishReport &report);

private:
    void addStep(int generation, const StepReport &step);
    void flushSteps(int generation);

    std::mutex m_mutex;
    QList<StepReport> m_pending;
    QElapsedTimer m_clock;
    qint64 m_lastFlushMs = 0;
    qint64 m_lastProgressMs = -1000;
};
