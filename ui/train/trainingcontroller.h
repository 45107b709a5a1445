#pragma once

#include "core/data/dataset.h"
#include "core/model/modelconfig.h"
#include "core/train/trainconfig.h"
#include "core/train/trainevents.h"
#include "core/util/progress.h"

#include <QtCore/QList>
#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtCore/QThread>
#include <memory>

class TrainingJob;
class TrainingWorker;

/**
 * Runs one core TrainingJob at a time on a worker QThread it owns and forwards the job's
 * reports as queued signals (step reports batched, at most ~20 deliveries a second).
 * Lives on the GUI thread; pause, resume and stop never block it.
 */
class TrainingController final : public QObject
{
    Q_OBJECT
public:
    enum class State { Idle, Running, Paused, Stopping };
    Q_ENUM(State)

    explicit TrainingController(QObject *parent = nullptr);
    /** Cancels a run in progress (it writes its checkpoint), then joins the worker thread. */
    ~TrainingController() override;

    /** Starts a fresh run into `runDir` on an already loaded dataset; false with a sentence if it cannot. */
    bool start(std::shared_ptr<const Dataset> dataset, const ModelConfig &model, const TrainConfig &train,
               const QString &runDir, QString *error);
    /**
     * Continues the interrupted run in `runDir` from its last checkpoint. `dataset` is used
     * when it is the run's own dataset (same folder); otherwise the job loads it itself.
     */
    bool resumeRun(const QString &runDir, std::shared_ptr<const Dataset> dataset, QString *error);

    void pause();
    void resume();
    /** Cancels the run: it stops at the next batch and writes a checkpoint. */
    void stop();
    /**
     * Stops the run and keeps the event loop turning until the worker reported back or
     * `timeoutMs` passed (window close). True when the run has ended.
     */
    bool stopAndWait(int timeoutMs);

    State state() const { return m_state; }
    bool isActive() const { return m_state != State::Idle; }
    QString runDir() const { return m_runDir; }
    const ModelConfig &modelConfig() const { return m_model; }
    const TrainConfig &trainConfig() const { return m_train; }

Q_SIGNALS:
    void started(const QString &runDir, bool resumed);
    void stateChanged(TrainingController::State state);
    /** Dataset loading (resume of another dataset) and the final test evaluation. */
    void progressChanged(const Progress &progress);
    /** Every step since the previous delivery, oldest first. */
    void stepsReported(const QList<StepReport> &steps);
    void epochFinished(const EpochReport &report);
    void messageLogged(MessageLevel level, const QString &text);
    void finished(const FinishReport &report);

private:
    bool launch(std::shared_ptr<TrainingJob> job, bool resumed, QString *error);
    void setState(State state);
    void onSteps(int generation, const QList<StepReport> &steps);
    void onEpoch(int generation, const EpochReport &report);
    void onMessage(int generation, MessageLevel level, const QString &text);
    void onProgress(int generation, const Progress &progress);
    void onFinished(int generation, const FinishReport &report);

    QThread m_thread;
    TrainingWorker *m_worker = nullptr; // deleted on m_thread's finished()
    std::shared_ptr<TrainingJob> m_job;
    int m_generation = 0;
    State m_state = State::Idle;
    QString m_runDir;
    ModelConfig m_model;
    TrainConfig m_train;
};
