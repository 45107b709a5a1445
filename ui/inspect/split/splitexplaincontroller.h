#pragma once

#include "ui/inspect/split/splitexplainworker.h"

#include <QtCore/QObject>
#include <QtCore/QThread>
#include <memory>

/**
 * Runs split-level explanations (confusion, subset accuracy, Shapley summary, robustness,
 * pointing game) without blocking the GUI: owns the worker QThread and its
 * SplitExplainWorker and forwards only the answers of the newest request. GUI thread.
 */
class SplitExplainController final : public QObject
{
    Q_OBJECT
public:
    explicit SplitExplainController(QObject *parent = nullptr);
    /** Cancels a running analysis, then quits and joins the worker thread. */
    ~SplitExplainController() override;

    /** Starts an analysis; supersedes (cancels) one in progress. */
    void start(const SplitRequest &request);
    /** Asks the running analysis to stop at the next batch; cancelled() follows. */
    void cancel();
    /**
     * Cancels the running analysis and drops whatever it still sends (its inputs changed):
     * cancelled() and idle() are emitted at once. No-op when idle.
     */
    void abandon();

    bool isRunning() const { return m_running; }

Q_SIGNALS:
    void started();
    void progressChanged(const Progress &progress);
    void finished(std::shared_ptr<const SplitExplanation> result);
    void failed(const QString &message, const QString &details);
    void cancelled();
    /** After finished, failed or cancelled: the controller is idle again. */
    void idle();

private:
    void onProgress(int generation, const Progress &progress);
    void onFinished(int generation, std::shared_ptr<const SplitExplanation> result);
    void onFailed(int generation, const QString &message, const QString &details);
    void onCancelled(int generation);
    void settle();

    QThread m_thread;
    SplitExplainWorker *m_worker = nullptr; // owned by m_thread's finished() → deleteLater
    std::shared_ptr<CancelFlag> m_cancel;
    int m_generation = 0;
    bool m_running = false;
};
