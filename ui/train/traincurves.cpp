#include "ui/train/traincurves.h"

#include "ui/train/curveplot.h"

#include <QtCore/QSettings>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QGridLayout>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QSlider>
#include <QtWidgets/QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace {

const QString kSmoothingKey = QStringLiteral("trainPanel/smoothing");
const QString kLogScaleKey = QStringLiteral("trainPanel/logScale");

QString epochPlotEmptyNote()
{
    return TrainCurves::tr("Appears after the first epoch's validation");
}

QVector<double> percent(const QVector<double> &fractions)
{
    QVector<double> result = fractions;
    for (double &value : result)
        value *= 100.0;
    return result;
}

} // namespace

TrainCurves::TrainCurves(QWidget *parent) : QWidget(parent)
{
    m_loss = new CurvePlot(tr("Training loss"), tr("step"), tr("loss"), this);
    m_loss->setObjectName(QStringLiteral("lossPlot"));
    m_epochLoss = new CurvePlot(tr("Loss per epoch"), tr("epoch"), tr("loss"), this);
    m_epochLoss->setObjectName(QStringLiteral("epochLossPlot"));
    m_epochLoss->setLiveSeries({tr("validation"), tr("training (mean)")});
    m_epochLoss->setIntegerKeys(true);
    m_epochLoss->setPointMarkers(true);
    m_accuracy = new CurvePlot(tr("Validation accuracy"), tr("epoch"), tr("accuracy (%)"), this);
    m_accuracy->setObjectName(QStringLiteral("accuracyPlot"));
    m_accuracy->setIntegerKeys(true);
    m_accuracy->setPointMarkers(true);
    m_accuracy->setFixedValueRange(0.0, 100.0);
    m_accuracy->setLiveSeries({tr("current run"), tr("cross-modal R@1")}); // the second only for runs that align modalities
    m_learningRate = new CurvePlot(tr("Learning rate"), tr("step"), tr("rate"), this);
    m_learningRate->setObjectName(QStringLiteral("learningRatePlot"));
    for (CurvePlot *plot : {m_loss, m_learningRate}) {
        plot->setIntegerKeys(true);
        plot->setEmptyNote(tr("Appears with the first training steps"));
    }
    for (CurvePlot *plot : {m_epochLoss, m_accuracy})
        plot->setEmptyNote(epochPlotEmptyNote());

    m_smoothing = new QSlider(Qt::Horizontal, this);
    m_smoothing->setObjectName(QStringLiteral("smoothingSlider"));
    m_smoothing->setRange(0, 99);
    m_smoothing->setToolTip(tr("Exponential moving average of the training loss: 0 shows the raw per-step values, "
                               "higher values smooth more. The raw values stay faintly behind."));
    m_smoothing->setMaximumWidth(180);
    m_smoothingValue = new QLabel(this);
    m_smoothingValue->setMinimumWidth(QFontMetrics(font()).horizontalAdvance(QStringLiteral("0.00")) + 4);
    m_logScale = new QCheckBox(tr("&Log scale"), this);
    m_logScale->setObjectName(QStringLiteral("logScaleBox"));
    m_logScale->setToolTip(tr("Show the training loss on a logarithmic axis"));

    auto *controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Smoothing:"), this));
    controls->addWidget(m_smoothing);
    controls->addWidget(m_smoothingValue);
    controls->addSpacing(12);
    controls->addWidget(m_logScale);
    controls->addStretch(1);
    auto *lossColumn = new QVBoxLayout;
    lossColumn->setSpacing(2);
    lossColumn->addWidget(m_loss, 1);
    lossColumn->addLayout(controls);

    auto *grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->addLayout(lossColumn, 0, 0);
    grid->addWidget(m_epochLoss, 0, 1);
    grid->addWidget(m_accuracy, 1, 0);
    grid->addWidget(m_learningRate, 1, 1);
    grid->setRowStretch(0, 1);
    grid->setRowStretch(1, 1);
    grid->setColumnStretch(0, 1);
    grid->setColumnStretch(1, 1);

    connect(m_smoothing, &QSlider::valueChanged, this, &TrainCurves::onSmoothingChanged);
    connect(m_logScale, &QCheckBox::toggled, this, [this](bool on) {
        m_loss->setLogScale(on);
        QSettings().setValue(kLogScaleKey, on);
    });
    QSettings settings;
    m_smoothing->setValue(settings.value(kSmoothingKey, 60).toInt());
    onSmoothingChanged(m_smoothing->value());
    m_logScale->setChecked(settings.value(kLogScaleKey, false).toBool());
}

void TrainCurves::onSmoothingChanged(int value)
{
    m_smoothingValue->setText(QString::number(value / 100.0, 'f', 2));
    m_loss->setSmoothing(value / 100.0);
    QSettings().setValue(kSmoothingKey, value);
}

void TrainCurves::clearLive()
{
    for (CurvePlot *plot : {m_loss, m_epochLoss, m_accuracy, m_learningRate})
        plot->clearLive();
    m_accuracy->setEmptyNote(epochPlotEmptyNote());
    setRecallIsTheScore(false); // the next run says what its score is
}

void TrainCurves::addSteps(const QList<StepReport> &steps)
{
    QVector<double> keys;
    QVector<double> losses;
    QVector<double> rates;
    keys.reserve(steps.size());
    for (const StepReport &step : steps) {
        keys << double(step.step);
        losses << step.loss;
        rates << step.learningRate;
    }
    m_loss->addLivePoints(0, keys, losses);
    m_learningRate->addLivePoints(0, keys, rates);
}

void TrainCurves::setRecallIsTheScore(bool on)
{
    if (on == m_recallIsTheScore)
        return;
    m_recallIsTheScore = on;
    relabelScorePlot();
}

void TrainCurves::setTask(TaskKind task)
{
    if (task == m_task)
        return;
    m_task = task;
    relabelScorePlot();
}

void TrainCurves::relabelScorePlot()
{
    m_accuracy->clearLive();
    if (m_recallIsTheScore) {
        m_accuracy->setLabels(tr("Validation R@1 (cross-modal)"), tr("mean R@1 (%)"));
        m_accuracy->setFixedValueRange(0.0, 100.0);
        m_accuracy->setOverlays({}); // other runs' accuracies are no R@1
        return;
    }
    switch (m_task) {
    case TaskKind::Classify:
        m_accuracy->setLabels(tr("Validation accuracy"), tr("accuracy (%)"));
        m_accuracy->setFixedValueRange(0.0, 100.0);
        break;
    case TaskKind::Regress: // R² is unbounded below: the axis follows the data
        m_accuracy->setLabels(tr("Validation mean R²"), tr("mean R²"));
        m_accuracy->clearFixedValueRange();
        break;
    case TaskKind::Multilabel:
        m_accuracy->setLabels(tr("Validation mAP"), tr("mean average precision"));
        m_accuracy->setFixedValueRange(0.0, 1.0);
        break;
    }
    drawScoreOverlays();
}

QVector<double> TrainCurves::scoreValues(const QVector<double> &values) const
{
    return m_task == TaskKind::Classify ? percent(values) : values;
}

void TrainCurves::addEpoch(const EpochReport &report)
{
    const bool recall = std::isfinite(report.valRecallAt1);
    const bool recallAlone = recall && !std::isfinite(report.valAccuracy); // a contrastive run: no task score
    // A reconstruction run scores nothing but its loss, which the loss plot beside this one draws.
    m_accuracy->setEmptyNote(!recall && !std::isfinite(report.valAccuracy)
                                 ? tr("No validation score: this run learns without labels by reconstruction; its "
                                      "validation loss is in the loss plot, its linear probe in the run's report")
                                 : epochPlotEmptyNote());
    setRecallIsTheScore(recallAlone);
    if (!recallAlone)
        setTask(report.task);
    const QVector<double> epoch{double(report.epoch + 1)};
    m_epochLoss->addLivePoints(0, epoch, {report.valLoss});
    m_epochLoss->addLivePoints(1, epoch, {report.trainLoss});
    if (recallAlone) {
        m_accuracy->addLivePoints(0, epoch, {100.0 * report.valRecallAt1});
        return;
    }
    m_accuracy->addLivePoints(0, epoch, scoreValues({report.valAccuracy}));
    if (recall && m_task == TaskKind::Classify) // percent beside percent; an R² or mAP axis has no room for it
        m_accuracy->addLivePoints(1, epoch, {100.0 * report.valRecallAt1});
}

void TrainCurves::addLiveRun(const RunCurves &run)
{
    m_loss->addLivePoints(0, run.steps, run.stepLoss);
    m_learningRate->addLivePoints(0, run.steps, run.learningRate);
    m_epochLoss->addLivePoints(0, run.epochs, run.valLoss);
    m_epochLoss->addLivePoints(1, run.epochs, run.trainLoss);
    const bool recallAlone = !run.valRecallAt1.isEmpty() && std::none_of(run.valAccuracy.begin(), run.valAccuracy.end(),
                                                                          [](double v) { return std::isfinite(v); });
    setRecallIsTheScore(recallAlone);
    if (recallAlone) {
        QVector<double> recall;
        for (double value : run.valRecallAt1)
            recall << 100.0 * value;
        m_accuracy->addLivePoints(0, run.epochs.mid(0, recall.size()), recall);
        return;
    }
    setTask(run.task);
    m_accuracy->addLivePoints(0, run.epochs, scoreValues(run.valAccuracy));
}

void TrainCurves::setOverlays(const QList<RunCurves> &runs)
{
    QList<CurveSeries> loss;
    QList<CurveSeries> valLoss;
    QList<CurveSeries> rate;
    for (const RunCurves &run : runs) {
        loss << CurveSeries{run.name, run.steps, run.stepLoss};
        valLoss << CurveSeries{run.name, run.epochs, run.valLoss};
        rate << CurveSeries{run.name, run.steps, run.learningRate};
    }
    m_loss->setOverlays(loss);
    m_epochLoss->setOverlays(valLoss);
    m_learningRate->setOverlays(rate);
    m_overlays = runs;
    drawScoreOverlays();
}

void TrainCurves::drawScoreOverlays()
{
    QList<CurveSeries> scores;
    if (m_recallIsTheScore)
        return;
    for (const RunCurves &run : std::as_const(m_overlays)) {
        if (run.task == m_task) // an R² and an accuracy share no axis
            scores << CurveSeries{run.name, run.epochs, scoreValues(run.valAccuracy)};
    }
    m_accuracy->setOverlays(scores);
}
