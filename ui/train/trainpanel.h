#pragma once

#include "core/train/trainevents.h"
#include "core/util/progress.h"
#include "ui/train/runhistory.h"
#include "ui/train/trainingcontroller.h"

#include <QtWidgets/QWidget>

class ConfigComparison;
class DatasetController;
class ModelPanel;
class NoteLabel;
class QAction;
class QLabel;
class RunHistoryList;
class TrainActions;
class TrainCurves;
class TrainLogView;
class TrainProgress;

/**
 * The Train tab: start, pause, resume and stop a run of the Model tab's configuration on
 * the Data tab's dataset (the job runs on TrainingController's worker thread); progress,
 * live curves, the run history with overlaid curves and side-by-side configs, and the log.
 * GUI thread.
 */
class TrainPanel final : public QWidget
{
    Q_OBJECT
public:
    TrainPanel(DatasetController *datasets, ModelPanel *model, QWidget *parent = nullptr);

    /** Starts a fresh run; false (with the reason shown) when it cannot start. */
    bool startTraining();
    /** Continues an interrupted run folder from its last checkpoint. */
    bool resumeRun(const QString &runDir);
    /** Asks for an interrupted run folder, then resumes it. */
    void chooseRunToResume();
    bool isTraining() const { return m_controller->isActive(); }
    /** Stops with a checkpoint and keeps the event loop turning until the worker is done. */
    bool stopAndWait(int timeoutMs) { return m_controller->stopAndWait(timeoutMs); }

    QString runsDirectory() const;
    /** Remembers `dir` (QSettings "runsDirectory"); empty returns to the default next to the dataset. */
    void setRunsDirectory(const QString &dir);

    TrainingController *controller() const { return m_controller; }
    /** Start, Pause, Resume, Stop and Resume Run…, with shortcuts, for the window's menu. */
    QList<QAction *> trainActions() const;
    TrainCurves *curves() const { return m_curves; }
    RunHistoryList *history() const { return m_history; }
    ConfigComparison *comparison() const { return m_comparison; }
    TrainLogView *log() const { return m_log; }
    TrainProgress *progress() const { return m_progress; }

Q_SIGNALS:
    /** A run trained to the end and wrote runDir/model.pt. */
    void runFinished(const QString &runDir);
    void trainingActiveChanged(bool active);
    /** Something the user asked for failed (for the window's error banner). */
    void errorOccurred(const QString &message, const QString &details);
    /** The start note's link to the Model tab was clicked. */
    void modelTabRequested();
    /** "Open Model in the Model Tab" from the run history. */
    void openModelRequested(const QString &modelPath);

private:
    void createActions();
    void updateActions();
    void updateRunsDirectory();
    void chooseRunsDirectory();
    void onStarted(const QString &runDir, bool resumed);
    void onStateChanged(TrainingController::State state);
    void onSteps(const QList<StepReport> &steps);
    /** "val accuracy 93.1 %", "val mean R² 0.412", with ", val R@1 41.0 %" for runs that align modalities. */
    static QString scoreText(const EpochReport &report);
    void onEpoch(const EpochReport &report);
    void onFinished(const FinishReport &report);
    void onHistorySelection();
    void fail(const QString &message, const QString &details = {});

    DatasetController *m_datasets;
    ModelPanel *m_model;
    TrainingController *m_controller;
    TrainActions *m_actions = nullptr;
    QLabel *m_note;
    QLabel *m_runsDir;
    TrainProgress *m_progress;
    TrainCurves *m_curves;
    RunHistoryList *m_history;
    ConfigComparison *m_comparison;
    NoteLabel *m_comparisonNote;
    TrainLogView *m_log;
    bool m_historyRefreshed = false; ///< the running run's folder is listed
    RunCurves m_resumedCurves;       ///< a resumed run's curves before this session
};
