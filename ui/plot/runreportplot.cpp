#include "ui/plot/runreportplot.h"

#include "ui/train/runreportdata.h"

#include <cmath>

namespace {

const char kStyleProperty[] = "fusionscopeStyle";
enum class Style { Line, Markers, Reference };

/** A finite number from a record, or NaN for null, missing and non-numbers. */
double number(const QJsonObject &record, const char *key)
{
    const QJsonValue value = record.value(QLatin1String(key));
    return value.isDouble() ? value.toDouble() : std::nan("");
}

} // namespace

RunReportPlot::RunReportPlot(Kind kind, QWidget *parent) : ThemedPlot(parent), m_kind(kind)
{
    setObjectName(kind == Kind::Loss ? QStringLiteral("runLossPlot") : QStringLiteral("runAccuracyPlot"));
    legend->setVisible(true);
    axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    if (kind == Kind::Accuracy) {
        // Epochs are whole numbers: no 1.2, 1.4 … ticks.
        QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
        ticker->setTickStep(1.0);
        ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
        xAxis->setTicker(ticker);
        xAxis->setSubTicks(false);
    }
}

void RunReportPlot::setRun(const RunReportData &run)
{
    clearGraphs();
    if (m_kind == Kind::Loss)
        showLoss(run);
    else
        showAccuracy(run);
    styleGraphs();
    bool empty = true;
    for (int i = 0; i < graphCount(); ++i)
        empty = empty && graph(i)->data()->isEmpty();
    setNote(empty ? tr("No metrics recorded") : QString());
    legend->setVisible(!empty);
    rescaleAxes();
    padRanges();
    replot();
}

void RunReportPlot::showLoss(const RunReportData &run)
{
    xAxis->setLabel(tr("step"));
    yAxis->setLabel(tr("loss"));
    QCPGraph *steps = addGraph();
    steps->setName(tr("training loss (logged steps)"));
    steps->setProperty(kStyleProperty, int(Style::Line));
    for (const QJsonObject &record : run.records(QStringLiteral("step"))) {
        // mean_loss averages every step since the previous record: the honest curve when logging is sparse.
        double loss = number(record, "mean_loss");
        if (std::isnan(loss))
            loss = number(record, "loss");
        if (std::isfinite(loss))
            steps->addData(number(record, "step"), loss);
    }
    QCPGraph *train = addGraph();
    train->setName(tr("training loss (epoch mean)"));
    QCPGraph *val = addGraph();
    val->setName(tr("validation loss"));
    train->setProperty(kStyleProperty, int(Style::Markers));
    val->setProperty(kStyleProperty, int(Style::Markers));
    for (const QJsonObject &record : run.records(QStringLiteral("epoch"))) {
        const double step = number(record, "step");
        const double trainLoss = number(record, "train_loss");
        const double valLoss = number(record, "val_loss");
        if (std::isfinite(trainLoss))
            train->addData(step, trainLoss);
        if (std::isfinite(valLoss))
            val->addData(step, valLoss);
    }
}

void RunReportPlot::showAccuracy(const RunReportData &run)
{
    // The task's own score: accuracy, mean R² or mAP.
    const TaskKind task = run.task();
    const QString score = taskScoreName(task);
    const QByteArray key = taskScoreKey(task).toLatin1();
    m_unboundedBelow = task == TaskKind::Regress;
    xAxis->setLabel(tr("epoch"));
    yAxis->setLabel(score);
    QCPGraph *val = addGraph();
    val->setName(tr("validation %1").arg(score));
    val->setProperty(kStyleProperty, int(Style::Markers));
    double lastEpoch = 1.0;
    for (const QJsonObject &record : run.records(QStringLiteral("epoch"))) {
        const double epoch = number(record, "epoch") + 1.0;
        const double accuracy = number(record, key.constData());
        if (std::isfinite(accuracy))
            val->addData(epoch, accuracy);
        if (std::isfinite(epoch))
            lastEpoch = qMax(lastEpoch, epoch);
    }
    if (run.hasTest) {
        QCPGraph *test = addGraph();
        test->setName(tr("test %1 (final model)").arg(score));
        test->setProperty(kStyleProperty, int(Style::Reference));
        test->addData(1.0, run.testScore());
        test->addData(lastEpoch, run.testScore());
    }
}

void RunReportPlot::styleGraphs()
{
    const QPalette p = palette();
    for (int i = 0; i < graphCount(); ++i) {
        QCPGraph *g = graph(i);
        const auto style = Style(g->property(kStyleProperty).toInt());
        g->setPen(QPen(seriesColor(p, i), 2, style == Style::Reference ? Qt::DashLine : Qt::SolidLine));
        // Per-epoch series have few points: mark them so a one-epoch run still shows something.
        g->setScatterStyle(style == Style::Markers ? QCPScatterStyle(QCPScatterStyle::ssCircle, 6) : QCPScatterStyle());
    }
}

void RunReportPlot::padRanges()
{
    // Keep end points and markers off the axis lines.
    QCPRange x = xAxis->range();
    if (m_kind == Kind::Accuracy) {
        x = QCPRange(qMin(1.0, x.lower) - 0.2, qMax(1.0, x.upper) + 0.2);
        if (m_unboundedBelow) { // R² below 0 is worse than the mean, and still worth seeing
            yAxis->rescale();
            yAxis->setRange(qMin(0.0, yAxis->range().lower - 0.05), 1.04);
        } else {
            yAxis->setRange(0.0, 1.04);
        }
    } else {
        const QCPRange y = yAxis->range();
        const double yPad = qMax(y.size() * 0.06, 1e-3);
        yAxis->setRange(y.lower - yPad, y.upper + yPad);
        x = QCPRange(x.lower - x.size() * 0.02, x.upper + qMax(x.size() * 0.02, 0.5));
    }
    xAxis->setRange(x);
}

void RunReportPlot::applyTheme()
{
    ThemedPlot::applyTheme();
    styleGraphs();
}
