#pragma once

#include "core/train/trainevents.h"
#include "ui/train/runhistory.h"

#include <QtWidgets/QWidget>

class CurvePlot;
class QCheckBox;
class QLabel;
class QSlider;

/**
 * The Train tab's four live plots — training loss per step (EMA slider, log toggle),
 * loss per epoch (validation and training mean), the task's validation score per epoch
 * (accuracy, mean R² or mAP), learning rate per step — with other runs' curves overlaid
 * (the score plot overlays only runs of the same task). GUI thread.
 */
class TrainCurves final : public QWidget
{
    Q_OBJECT
public:
    explicit TrainCurves(QWidget *parent = nullptr);

    void clearLive();
    void addSteps(const QList<StepReport> &steps);
    void addEpoch(const EpochReport &report);
    /** A resumed run's recorded curves as the start of the live ones. */
    void addLiveRun(const RunCurves &run);
    /** Other runs' curves drawn alongside the live ones. */
    void setOverlays(const QList<RunCurves> &runs);
    /**
     * The score plot shows this task's metric (a second, dashed series the validation R@1 of a
     * run that also aligns the modalities); called as a run's task becomes known.
     */
    void setTask(TaskKind task);
    TaskKind task() const { return m_task; }

    CurvePlot *lossPlot() const { return m_loss; }
    CurvePlot *epochLossPlot() const { return m_epochLoss; }
    CurvePlot *accuracyPlot() const { return m_accuracy; }
    CurvePlot *learningRatePlot() const { return m_learningRate; }
    QSlider *smoothingSlider() const { return m_smoothing; }
    QCheckBox *logScaleBox() const { return m_logScale; }

private:
    void onSmoothingChanged(int value);
    /** valAccuracy as the score plot draws it: percent for accuracy, as is otherwise. */
    QVector<double> scoreValues(const QVector<double> &values) const;
    void drawScoreOverlays();
    /** A contrastive run has no task score: the score plot shows its cross-modal R@1 instead. */
    void setRecallIsTheScore(bool on);
    /** Titles, axis and overlays of the score plot for the task (or R@1); clears its live points. */
    void relabelScorePlot();

    TaskKind m_task = TaskKind::Classify;
    bool m_recallIsTheScore = false;
    QList<RunCurves> m_overlays;
    CurvePlot *m_loss;
    CurvePlot *m_epochLoss;
    CurvePlot *m_accuracy;
    CurvePlot *m_learningRate;
    QSlider *m_smoothing;
    QLabel *m_smoothingValue;
    QCheckBox *m_logScale;
};
