#pragma once

#include "core/data/dataset.h"
#include "core/explain/splitexplanation.h"

#include <QtCore/QVector>
#include <QtWidgets/QWidget>
#include <memory>

class ClassifierCurvesView;
class QComboBox;
class QStackedWidget;
class ResidualScatterPlot;
class TagScoreTable;
class ConfusionMatrixView;
class SplitContributionPlot;
class DisagreementTable;
class QLabel;
class QTabWidget;
class RobustnessPlot;
class SplitExplainController;
class SplitRunBar;
class SubsetAccuracyTable;

/**
 * The Inspect panel's split-level views: "Analyse split" runs Explainer::explainSplit on a
 * worker thread, then shows, by task, the confusion matrix (classify), predicted-vs-true and
 * residual scatter (regress) or the per-tag table (multilabel); the task's score per
 * modality subset, mean |Shapley| per modality, robustness curves in the task's score, ROC /
 * precision-recall / calibration of a classifier's probabilities, the pointing game and the
 * samples whose modalities disagree. Clicking a confusion cell, a scatter point or a
 * disagreeing sample asks for those samples (samplesRequested). GUI thread.
 */
class SplitViews final : public QWidget
{
    Q_OBJECT
public:
    explicit SplitViews(QWidget *parent = nullptr);
    ~SplitViews() override;

    /** The dataset to analyse; a new one cancels a run and clears the views. */
    void setDataset(std::shared_ptr<const Dataset> dataset);
    /** The model file to explain with; a different file cancels a run and clears the views. */
    void setModelPath(const QString &modelPath);
    QString modelPath() const { return m_modelPath; }

    /** Starts the analysis of the chosen split (as the Analyse button does). */
    void analyse();
    void cancel();
    bool isRunning() const;
    /** The last finished analysis, nullptr before one (or after the inputs changed). */
    std::shared_ptr<const SplitExplanation> result() const { return m_result; }
    /** Dataset indices of the samples in confusion cell (truth, predicted). */
    QVector<int> samplesInCell(int truth, int predicted) const;

Q_SIGNALS:
    /** Show these samples (dataset indices) in the navigator, under `title`. */
    void samplesRequested(const QVector<int> &datasetIndices, const QString &title);
    /** A run failed; the panel may show it in the error banner (it is also shown inline). */
    void errorOccurred(const QString &message, const QString &details);
    void analysisFinished();

private:
    void showResult(std::shared_ptr<const SplitExplanation> result);
    void clearResult();
    void updateReady();
    void onCellClicked(int truth, int predicted);
    void showTarget(int target);
    void showRepresentationResult(const SplitExplanation &r);
    void showOutcomeView(const SplitExplanation &result);
    QString pointingText(const SplitExplanation &result, QString *tooltip) const;

    SplitExplainController *m_controller;
    SplitRunBar *m_runBar;
    QLabel *m_summary;
    QLabel *m_pointing;
    QTabWidget *m_tabs;
    QStackedWidget *m_outcomes; ///< the confusion matrix, the residual scatter or the tag table, by task
    ConfusionMatrixView *m_confusion;
    QWidget *m_regressionPage;
    QComboBox *m_target;
    ResidualScatterPlot *m_residuals;
    TagScoreTable *m_tags;
    SubsetAccuracyTable *m_subsets;
    QLabel *m_subsetNote;
    SplitContributionPlot *m_contribution;
    QLabel *m_contributionNote;
    RobustnessPlot *m_robustness;
    ClassifierCurvesView *m_curves;
    DisagreementTable *m_disagreements;

    std::shared_ptr<const Dataset> m_dataset;
    QString m_modelPath;
    std::shared_ptr<const SplitExplanation> m_result;
    QString m_resultTitle; ///< the split the result covers, for titles
};
