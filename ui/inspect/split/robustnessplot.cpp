#include "ui/inspect/split/robustnessplot.h"

#include "ui/inspect/split/modalitycolors.h"

#include <algorithm>

namespace {

int modalityIndex(const QString &modality)
{
    return modality == QLatin1String("image") ? 1 : modality == QLatin1String("audio") ? 2 : 0;
}

} // namespace

RobustnessPlot::RobustnessPlot(QWidget *parent) : ThemedPlot(parent)
{
    xAxis->setLabel(tr("severity (0 = clean, 1 = strongest)"));
    yAxis->setLabel(tr("accuracy"));
    xAxis->setRange(-0.02, 1.02);
    yAxis->setRange(0, 1.05);
    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    ticker->setTickStep(0.25);
    xAxis->setTicker(ticker);
    legend->setVisible(true);
    // The legend sits right of the axes so it never hides a curve.
    QCPLayoutGrid *side = new QCPLayoutGrid;
    plotLayout()->addElement(0, 1, side);
    side->addElement(0, 0, legend);
    side->addElement(1, 0, new QCPLayoutElement(this)); // takes the spare height, keeping the legend compact
    side->setRowStretchFactor(0, 0.001);
    side->setRowStretchFactor(1, 1);
    side->setMargins(QMargins(0, 4, 4, 4));
    plotLayout()->setColumnStretchFactor(1, 0.001);
    setMinimumHeight(200);
    RobustnessPlot::applyTheme();
    clearData(tr("No split analysed"));
}

void RobustnessPlot::setCurves(const std::vector<RobustnessCurve> &curves, const QString &scoreName)
{
    clearGraphs();
    yAxis->setLabel(scoreName);
    m_curves = curves;
    for (const RobustnessCurve &curve : curves) {
        QCPGraph *graph = addGraph();
        QString corruption = curve.corruption;
        corruption.replace(QLatin1Char('_'), QLatin1Char(' '));
        graph->setName(tr("%1: %2").arg(curve.modality, corruption));
        QVector<double> x(curve.severities.begin(), curve.severities.end());
        QVector<double> y(curve.accuracy.begin(), curve.accuracy.end());
        graph->setData(x, y, true);
    }
    setNote(curves.empty() ? tr("No robustness curves") : QString());
    if (scoreName == QLatin1String("accuracy") || curves.empty()) {
        yAxis->setRange(0, 1.05);
    } else { // R² falls below 0 under heavy corruption: the axis follows the data
        bool found = false;
        const QCPRange range = graph(0)->getValueRange(found);
        double low = range.lower;
        double high = range.upper;
        for (int i = 1; i < graphCount(); ++i) {
            const QCPRange more = graph(i)->getValueRange(found);
            low = std::min(low, more.lower);
            high = std::max(high, more.upper);
        }
        yAxis->setRange(std::min(0.0, low - 0.05), std::max(1.0, high) + 0.05);
    }
    applyTheme();
    replot(QCustomPlot::rpQueuedReplot);
}

void RobustnessPlot::clearData(const QString &why)
{
    clearGraphs();
    m_curves.clear();
    setNote(why);
    replot(QCustomPlot::rpQueuedReplot);
}

void RobustnessPlot::applyTheme()
{
    ThemedPlot::applyTheme();
    // Colour says which modality is degraded (as in the other split views); line style and
    // marker tell that modality's corruptions apart.
    static const Qt::PenStyle kPens[] = {Qt::SolidLine, Qt::DashLine, Qt::DotLine};
    static const QCPScatterStyle::ScatterShape kMarkers[] = {QCPScatterStyle::ssCircle, QCPScatterStyle::ssSquare,
                                                             QCPScatterStyle::ssTriangle};
    int seen[3] = {0, 0, 0};
    for (int i = 0; i < graphCount() && i < int(m_curves.size()); ++i) {
        const int modality = modalityIndex(m_curves[std::size_t(i)].modality);
        const int variant = seen[modality]++ % 3;
        const QColor color = modalityColor(palette(), modality);
        graph(i)->setPen(QPen(color, 2, kPens[variant]));
        graph(i)->setScatterStyle(QCPScatterStyle(kMarkers[variant], color, color, 7));
    }
}
