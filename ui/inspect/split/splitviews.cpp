#include "ui/inspect/split/splitviews.h"

#include "core/explain/explanation.h"
#include "ui/inspect/split/classifiercurvesview.h"
#include "ui/inspect/split/confusionmatrixview.h"
#include "ui/inspect/split/disagreementtable.h"
#include "ui/inspect/split/residualscatterplot.h"
#include "ui/inspect/split/robustnessplot.h"
#include "ui/inspect/split/splitcontributionplot.h"
#include "ui/inspect/split/splitexplaincontroller.h"
#include "ui/inspect/split/splitrunbar.h"
#include "ui/inspect/split/subsetaccuracytable.h"
#include "ui/inspect/split/tagscoretable.h"
#include "ui/widgets/notelabel.h"

#include <QtCore/QFileInfo>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QLabel>
#include <QtWidgets/QSplitter>
#include <QtWidgets/QStackedWidget>
#include <QtWidgets/QTabWidget>
#include <QtWidgets/QVBoxLayout>

#include <cmath>

namespace {

QString samplesText(int n)
{
    return n == 1 ? SplitViews::tr("1 sample") : SplitViews::tr("%1 samples").arg(n);
}

QString percent(double rate)
{
    return QStringLiteral("%1 %").arg(100.0 * rate, 0, 'f', 1);
}

/** The task's score as its users read it: accuracy in %, R² and mAP as numbers. */
QString scoreText(const SplitExplanation &r, double value)
{
    if (r.task == TaskKind::Classify)
        return percent(value);
    return std::isfinite(value) ? QString::number(value, 'f', 3) : QStringLiteral("—");
}

/** A page: the view above a wrapped caption. */
QWidget *captioned(QWidget *view, QLabel *caption, QWidget *parent)
{
    auto *page = new QWidget(parent);
    auto *column = new QVBoxLayout(page);
    column->setContentsMargins(4, 4, 4, 4);
    column->addWidget(view, 1);
    caption->setWordWrap(true);
    column->addWidget(caption);
    return page;
}

} // namespace

SplitViews::SplitViews(QWidget *parent) : QWidget(parent)
{
    m_controller = new SplitExplainController(this);
    m_runBar = new SplitRunBar(this);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("splitSummary"));
    m_pointing = new QLabel(this);
    m_pointing->setObjectName(QStringLiteral("pointingLabel"));

    m_confusion = new ConfusionMatrixView(this);
    m_confusion->setObjectName(QStringLiteral("confusionMatrix"));
    m_confusion->setToolTip(tr("Click a cell to list its samples"));
    m_subsets = new SubsetAccuracyTable(this);
    m_subsets->setObjectName(QStringLiteral("subsetTable"));
    m_subsetNote = new NoteLabel(this);
    m_subsetNote->setObjectName(QStringLiteral("subsetNote"));
    m_contribution = new SplitContributionPlot(this);
    m_contribution->setObjectName(QStringLiteral("contributionPlot"));
    m_contributionNote = new NoteLabel(this);
    m_robustness = new RobustnessPlot(this);
    m_robustness->setObjectName(QStringLiteral("robustnessPlot"));
    m_curves = new ClassifierCurvesView(this);
    m_curves->setObjectName(QStringLiteral("classifierCurves"));
    m_disagreements = new DisagreementTable(this);
    m_disagreements->setObjectName(QStringLiteral("disagreementTable"));
    m_residuals = new ResidualScatterPlot(this);
    m_residuals->setObjectName(QStringLiteral("residualScatter"));
    m_residuals->setToolTip(tr("Click a point to open that sample"));
    m_target = new QComboBox(this);
    m_target->setObjectName(QStringLiteral("residualTarget"));
    m_regressionPage = new QWidget(this);
    auto *regressionColumn = new QVBoxLayout(m_regressionPage);
    regressionColumn->setContentsMargins(0, 0, 0, 0);
    auto *targetRow = new QHBoxLayout;
    targetRow->addWidget(new QLabel(tr("Target"), m_regressionPage));
    targetRow->addWidget(m_target);
    targetRow->addStretch(1);
    regressionColumn->addLayout(targetRow);
    regressionColumn->addWidget(m_residuals, 1);
    m_tags = new TagScoreTable(this);
    m_tags->setObjectName(QStringLiteral("tagScoreTable"));
    m_outcomes = new QStackedWidget(this);
    m_outcomes->addWidget(m_confusion);
    m_outcomes->addWidget(m_regressionPage);
    m_outcomes->addWidget(m_tags);

    // Overview: the confusion matrix beside the subset accuracies and the contributions.
    // A plain column, not a splitter: the table is as tall as its rows, the plot takes the rest,
    // and the wrapped captions keep their height.
    auto *side = new QWidget(this);
    auto *sideColumn = new QVBoxLayout(side);
    sideColumn->setContentsMargins(0, 0, 0, 0);
    sideColumn->addWidget(captioned(m_subsets, m_subsetNote, side), 0);
    sideColumn->addWidget(captioned(m_contribution, m_contributionNote, side), 1);
    auto *overview = new QSplitter(Qt::Horizontal, this);
    overview->setObjectName(QStringLiteral("splitOverview"));
    overview->addWidget(m_outcomes);
    overview->addWidget(side);
    overview->setStretchFactor(0, 3);
    overview->setStretchFactor(1, 2);

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("splitSectionTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(overview, tr("Confusion && modalities"));
    m_tabs->addTab(m_robustness, tr("Robustness"));
    m_tabs->addTab(m_curves, tr("Probabilities"));
    m_tabs->addTab(m_disagreements, tr("Modalities disagree"));

    auto *header = new QHBoxLayout;
    header->addWidget(m_summary, 1);
    header->addWidget(m_pointing);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_runBar);
    layout->addLayout(header);
    layout->addWidget(m_tabs, 1);

    connect(m_runBar, &SplitRunBar::analyseRequested, this, &SplitViews::analyse);
    connect(m_runBar, &SplitRunBar::cancelRequested, this, &SplitViews::cancel);
    connect(m_controller, &SplitExplainController::progressChanged, m_runBar, &SplitRunBar::setProgress);
    connect(m_controller, &SplitExplainController::finished, this, &SplitViews::showResult);
    connect(m_controller, &SplitExplainController::failed, this, [this](const QString &message, const QString &details) {
        m_runBar->setStatus(details.isEmpty() ? message : tr("%1 %2").arg(message, details));
        Q_EMIT errorOccurred(message, details);
    });
    connect(m_controller, &SplitExplainController::cancelled, this,
            [this] { m_runBar->setStatus(tr("Cancelled; the views show the last finished analysis.")); });
    connect(m_controller, &SplitExplainController::idle, this, [this] { m_runBar->setRunning(false); });
    connect(m_confusion, &ConfusionMatrixView::cellClicked, this, &SplitViews::onCellClicked);
    connect(m_target, &QComboBox::currentIndexChanged, this, &SplitViews::showTarget);
    connect(m_residuals, &ResidualScatterPlot::sampleClicked, this, [this](int index) {
        if (m_dataset && index >= 0 && index < m_dataset->size())
            Q_EMIT samplesRequested({index}, tr("Predicted vs true: %1").arg(m_dataset->record(index).id));
    });
    connect(m_disagreements, &DisagreementTable::sampleClicked, this, [this](int index, const QString &id) {
        if (index >= 0)
            Q_EMIT samplesRequested({index}, tr("Modalities disagree: %1").arg(id));
    });
    clearResult();
    updateReady();
}

SplitViews::~SplitViews() = default;

void SplitViews::setDataset(std::shared_ptr<const Dataset> dataset)
{
    if (dataset == m_dataset)
        return;
    m_controller->abandon(); // a result for the old data must not land on the new
    m_dataset = std::move(dataset);
    clearResult();
    updateReady();
}

void SplitViews::setModelPath(const QString &modelPath)
{
    if (modelPath == m_modelPath)
        return;
    m_controller->abandon();
    m_modelPath = modelPath;
    clearResult();
    updateReady();
}

bool SplitViews::isRunning() const
{
    return m_controller->isRunning();
}

void SplitViews::analyse()
{
    if (!m_dataset || m_modelPath.isEmpty())
        return;
    SplitRequest request;
    request.modelPath = m_modelPath;
    request.dataset = m_dataset;
    request.split = m_runBar->split();
    request.options.robustness = m_runBar->robustness();
    request.options.batchSize = 32; // finer progress and quicker cancel than the CLI's 64
    m_resultTitle = m_runBar->splitTitle();
    m_runBar->setRunning(true);
    m_controller->start(request);
}

void SplitViews::cancel()
{
    m_controller->cancel();
    m_runBar->setStatus(tr("Cancelling…"));
}

QVector<int> SplitViews::samplesInCell(int truth, int predicted) const
{
    QVector<int> indices;
    if (!m_result)
        return indices;
    for (const SplitPrediction &p : m_result->predictions) {
        if (p.truth == truth && p.predicted == predicted)
            indices << p.index;
    }
    return indices;
}

void SplitViews::onCellClicked(int truth, int predicted)
{
    if (!m_result)
        return;
    const QVector<int> indices = samplesInCell(truth, predicted);
    if (indices.isEmpty()) {
        m_runBar->setStatus(tr("No %1 sample is %2 predicted as %3.")
                                .arg(m_resultTitle, m_result->classNames.value(truth), m_result->classNames.value(predicted)));
        return;
    }
    Q_EMIT samplesRequested(indices, tr("%1: true %2, predicted %3")
                                         .arg(m_resultTitle, m_result->classNames.value(truth),
                                              m_result->classNames.value(predicted)));
}

void SplitViews::showResult(std::shared_ptr<const SplitExplanation> result)
{
    m_result = std::move(result);
    const SplitExplanation &r = *m_result;
    if (!r.representation.isEmpty()) {
        showRepresentationResult(r);
        Q_EMIT analysisFinished();
        return;
    }
    m_summary->setText(tr("%1: %2, %3 %4").arg(m_resultTitle, samplesText(r.samples), r.scoreName(), scoreText(r, r.accuracy))
                       + (r.labeled < r.samples ? tr(" (over the %1 labeled)").arg(r.labeled) : QString()));
    QString tooltip;
    m_pointing->setText(pointingText(r, &tooltip));
    m_pointing->setToolTip(tooltip);

    showOutcomeView(r);
    if (r.task == TaskKind::Classify) {
        m_subsets->setAccuracies(r.subsetAccuracy, r.labeled);
        m_subsetNote->setText(tr("Each row: accuracy when the model sees only those modalities (the others marked "
                                 "absent). Chance with %1 classes: %2.")
                                  .arg(r.classNames.size())
                                  .arg(percent(r.classNames.isEmpty() ? 0.0 : 1.0 / double(r.classNames.size()))));
    } else {
        m_subsets->setScores(r.subsetAccuracy, r.labeled, r.scoreName());
        m_subsetNote->setText(r.task == TaskKind::Regress
            ? tr("Each row: the mean R² over the targets when the model sees only those modalities (the others marked "
                 "absent). 0 is as good as predicting the mean; below 0 is worse.")
            : tr("Each row: the mean average precision over the tags when the model sees only those modalities (the "
                 "others marked absent)."));
    }
    m_contribution->setContributions(r.meanAbsShapley, r.playerCount,
                                     r.task == TaskKind::Regress ? tr("%1's value").arg(r.classNames.value(0))
                                     : r.task == TaskKind::Multilabel ? tr("logit") : tr("log-probability"));
    const QString game = r.task == TaskKind::Regress    ? tr("the predicted %1").arg(r.classNames.value(0))
                       : r.task == TaskKind::Multilabel ? tr("the most probable tag's logit")
                                                        : tr("the predicted class's log-probability");
    QString note = tr("Shapley values of %1, exact over the modality subsets; per sample they sum to f(all) − f(none) "
                      "(largest deviation %2).")
                       .arg(game).arg(r.maxEfficiencyError, 0, 'g', 2);
    if (r.task == TaskKind::Multilabel)
        note += tr(" Each tag's own share is in the tag table.");
    if (r.hasGates)
        note += tr(" Mean gate weights: text %1, image %2, audio %3.")
                    .arg(r.meanGates[0], 0, 'f', 2).arg(r.meanGates[1], 0, 'f', 2).arg(r.meanGates[2], 0, 'f', 2);
    m_contributionNote->setText(note);
    if (r.hasRobustness)
        m_robustness->setCurves(r.robustness, r.scoreName());
    else
        m_robustness->clearData(tr("Tick \"Robustness curves (slower)\" and analyse again"));
    m_curves->setCurves(r.curves, r.classNames);
    m_tabs->setTabVisible(m_tabs->indexOf(m_curves), r.task == TaskKind::Classify);
    m_disagreements->setCases(r.disagreements);
    m_tabs->setTabText(m_tabs->indexOf(m_disagreements), tr("Modalities disagree (%1)").arg(r.disagreements.size()));
    m_runBar->setStatus(r.task == TaskKind::Classify ? tr("Done. Click a confusion cell to list its samples.")
                        : r.task == TaskKind::Regress ? tr("Done. Click a point to open that sample.")
                                                      : tr("Done. Sort the tag table by any column."));
    Q_EMIT analysisFinished();
}

void SplitViews::showRepresentationResult(const SplitExplanation &r)
{
    // A model trained without labels: no score, classes or disagreement, only its embedding.
    QStringList pairs;
    for (std::size_t p = 0; p < r.meanAgreement.size(); ++p) {
        if (r.agreementCount[p] > 0)
            pairs << tr("%1 %2").arg(modalityPairName(p)).arg(r.meanAgreement[p], 0, 'f', 2);
    }
    m_summary->setText(tr("%1: %2, no task score (learnt without labels)%3")
                           .arg(m_resultTitle, samplesText(r.samples),
                                pairs.isEmpty() ? QString() : tr("; mean agreement (cosine) %1").arg(pairs.join(QStringLiteral(", ")))));
    QString tooltip;
    m_pointing->setText(pointingText(r, &tooltip));
    m_pointing->setToolTip(tooltip);
    m_tabs->setTabText(0, tr("Modalities"));
    m_outcomes->setCurrentWidget(m_confusion);
    m_confusion->clear(tr("No confusion matrix: the model learnt without labels and predicts no class. "
                          "The Embeddings tab maps its embedding space and searches across its modalities."));
    m_subsets->clearAccuracies();
    m_subsetNote->setText(tr("No task to score by modality subset: the model learnt without labels."));
    m_contribution->setContributions(r.meanAbsShapley, r.playerCount, tr("embedding cosine"));
    m_contributionNote->setText(tr("Shapley values of the cosine between each sample's %1 embedding with some modalities and "
                                   "with all of them: how far each modality turns it (largest efficiency deviation %2).")
                                    .arg(r.representation).arg(r.maxEfficiencyError, 0, 'g', 2));
    m_robustness->clearData(tr("Robustness curves need a task score; this model has none"));
    m_tabs->setTabVisible(m_tabs->indexOf(m_curves), false);
    m_disagreements->clearCases();
    m_tabs->setTabText(m_tabs->indexOf(m_disagreements), tr("Modalities disagree (0)"));
    m_runBar->setStatus(tr("Done. The Embeddings tab maps and searches this model."));
}

void SplitViews::showOutcomeView(const SplitExplanation &r)
{
    const QString overviewTitle = r.task == TaskKind::Regress    ? tr("Predicted vs true && modalities")
                                : r.task == TaskKind::Multilabel ? tr("Tags && modalities")
                                                                 : tr("Confusion && modalities");
    m_tabs->setTabText(0, overviewTitle);
    if (r.task == TaskKind::Regress) {
        m_outcomes->setCurrentWidget(m_regressionPage);
        const QSignalBlocker quiet(m_target);
        m_target->clear();
        m_target->addItems(r.classNames);
        m_target->setVisible(r.classNames.size() > 1);
        showTarget(0);
    } else if (r.task == TaskKind::Multilabel) {
        m_outcomes->setCurrentWidget(m_tags);
        m_tags->setSplit(r);
    } else {
        m_outcomes->setCurrentWidget(m_confusion);
        m_confusion->setMatrix(r.classNames, r.confusion);
    }
}

void SplitViews::showTarget(int target)
{
    if (!m_result || m_result->task != TaskKind::Regress || target < 0)
        return;
    const std::vector<TargetScores> &scores = m_result->regression.targets;
    m_residuals->setPredictions(m_result->predictions, m_result->classNames.value(target), target);
    if (std::size_t(target) < scores.size()) {
        const TargetScores &s = scores[std::size_t(target)];
        m_residuals->setToolTip(tr("%1: R² %2, MAE %3, RMSE %4, Pearson %5 over %6 samples. Click a point to open that sample.")
                                    .arg(s.name).arg(s.r2, 0, 'f', 3).arg(s.mae, 0, 'g', 3).arg(s.rmse, 0, 'g', 3)
                                    .arg(s.pearson, 0, 'f', 3).arg(s.samples));
    }
}

void SplitViews::clearResult()
{
    m_result.reset();
    m_summary->setText(QString());
    m_pointing->setText(QString());
    m_pointing->setToolTip(QString());
    m_confusion->clear();
    m_residuals->clearData(tr("No split analysed"));
    m_tags->clearTags();
    m_outcomes->setCurrentWidget(m_confusion);
    m_subsets->clearAccuracies();
    m_subsetNote->setText(QString());
    m_contribution->clearData();
    m_contributionNote->setText(QString());
    m_robustness->clearData(tr("No split analysed"));
    m_curves->clear(tr("No split analysed"));
    m_disagreements->clearCases();
    m_tabs->setTabText(m_tabs->indexOf(m_disagreements), tr("Modalities disagree"));
}

void SplitViews::updateReady()
{
    if (!m_dataset)
        m_runBar->setReady(false, tr("Open a dataset to analyse a split."));
    else if (m_modelPath.isEmpty())
        m_runBar->setReady(false, tr("Load a trained model to analyse a split."));
    else
        m_runBar->setReady(true, tr("Explains every sample of the split with %1.").arg(QFileInfo(m_modelPath).fileName()));
}

QString SplitViews::pointingText(const SplitExplanation &result, QString *tooltip) const
{
    if (result.targetBoxes == 0) {
        *tooltip = tr("The pointing game needs samples with meta.target_box and an image.");
        return tr("Pointing game: no target boxes");
    }
    if (result.pointing.empty()) {
        *tooltip = tr("Target boxes: %1.").arg(samplesText(result.targetBoxes));
        return tr("Pointing game: the model returns no image attention");
    }
    QStringList lines;
    for (const PointingScore &score : result.pointing)
        lines << tr("%1: %2 (%3 of %4)").arg(score.source, percent(score.rate())).arg(score.hits).arg(score.total);
    *tooltip = tr("How often the attention peak falls inside the target box, per attention source:\n%1")
                   .arg(lines.join(QLatin1Char('\n')));
    const PointingScore &best = result.pointing.front();
    return tr("Pointing game: %1 (%2 of %3)").arg(percent(best.rate())).arg(best.hits).arg(best.total);
}
