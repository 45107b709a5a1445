#include "ui/inspect/split/residualscatterplot.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace {

constexpr double kClickRadius = 8.0; ///< pixels from a point that still pick it

} // namespace

ResidualScatterPlot::ResidualScatterPlot(QWidget *parent) : ThemedPlot(parent)
{
    m_residualRect = new QCPAxisRect(this);
    plotLayout()->addElement(0, 1, m_residualRect);
    m_scatter = addGraph(xAxis, yAxis);
    m_residuals = addGraph(m_residualRect->axis(QCPAxis::atBottom), m_residualRect->axis(QCPAxis::atLeft));
    for (QCPGraph *graph : {m_scatter, m_residuals})
        graph->setLineStyle(QCPGraph::lsNone);
    m_identity = new QCPItemStraightLine(this);
    m_zero = new QCPItemStraightLine(this);
    m_zero->setClipAxisRect(m_residualRect);
    for (QCPItemPosition *position : {m_zero->point1, m_zero->point2})
        position->setAxes(m_residualRect->axis(QCPAxis::atBottom), m_residualRect->axis(QCPAxis::atLeft));
    setMinimumHeight(220);
    ResidualScatterPlot::applyTheme();
    clearData(tr("No split analysed"));
}

void ResidualScatterPlot::setPredictions(const std::vector<SplitPrediction> &predictions, const QString &targetName, int target)
{
    m_points.clear();
    for (const SplitPrediction &p : predictions) {
        if (target < 0 || std::size_t(target) >= p.truthValues.size() || std::size_t(target) >= p.predictedValues.size()
            || !std::isfinite(p.truthValues[std::size_t(target)]))
            continue;
        m_points.push_back(Point{p.index, p.truthValues[std::size_t(target)], p.predictedValues[std::size_t(target)]});
    }
    QVector<double> truth, predicted, residual;
    double low = std::numeric_limits<double>::infinity();
    double high = -low;
    double largestResidual = 0.0;
    for (const Point &point : m_points) {
        truth << point.truth;
        predicted << point.predicted;
        residual << point.predicted - point.truth;
        low = std::min({low, point.truth, point.predicted});
        high = std::max({high, point.truth, point.predicted});
        largestResidual = std::max(largestResidual, std::abs(point.predicted - point.truth));
    }
    m_scatter->setData(truth, predicted);
    m_residuals->setData(truth, residual);
    if (m_points.empty()) {
        clearData(tr("No sample of this split has a true %1").arg(targetName));
        return;
    }
    // The same range on both axes, so the y = x line is the diagonal.
    const double margin = std::max(1e-6, 0.05 * (high - low));
    xAxis->setRange(low - margin, high + margin);
    yAxis->setRange(low - margin, high + margin);
    m_residualRect->axis(QCPAxis::atBottom)->setRange(low - margin, high + margin);
    const double spread = std::max(1e-6, 1.1 * largestResidual);
    m_residualRect->axis(QCPAxis::atLeft)->setRange(-spread, spread);
    xAxis->setLabel(tr("true %1").arg(targetName));
    yAxis->setLabel(tr("predicted %1").arg(targetName));
    m_residualRect->axis(QCPAxis::atBottom)->setLabel(tr("true %1").arg(targetName));
    m_residualRect->axis(QCPAxis::atLeft)->setLabel(tr("residual (predicted − true)"));
    m_identity->point1->setCoords(low, low);
    m_identity->point2->setCoords(high, high);
    m_zero->point1->setCoords(low, 0.0);
    m_zero->point2->setCoords(high, 0.0);
    m_identity->setVisible(true);
    m_zero->setVisible(true);
    setNote(QString());
    replot(QCustomPlot::rpQueuedReplot);
}

void ResidualScatterPlot::clearData(const QString &why)
{
    m_points.clear();
    m_scatter->data()->clear();
    m_residuals->data()->clear();
    m_identity->setVisible(false);
    m_zero->setVisible(false);
    setNote(why);
    replot(QCustomPlot::rpQueuedReplot);
}

QPointF ResidualScatterPlot::pointPosition(int n) const
{
    if (n < 0 || n >= int(m_points.size()))
        return {};
    return {xAxis->coordToPixel(m_points[std::size_t(n)].truth), yAxis->coordToPixel(m_points[std::size_t(n)].predicted)};
}

void ResidualScatterPlot::applyTheme()
{
    ThemedPlot::applyTheme();
    QColor color = seriesColor(palette(), 0);
    color.setAlpha(150);
    for (QCPGraph *graph : {m_scatter, m_residuals})
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, color, color, 5));
    QPen guide(palette().color(QPalette::Text), 1, Qt::DashLine);
    m_identity->setPen(guide);
    m_zero->setPen(guide);
    // ThemedPlot styles the main axis rect; the residual one follows it.
    for (QCPAxis *axis : m_residualRect->axes()) {
        axis->setBasePen(xAxis->basePen());
        axis->setTickPen(xAxis->tickPen());
        axis->setSubTickPen(xAxis->subTickPen());
        axis->setTickLabelColor(xAxis->tickLabelColor());
        axis->setLabelColor(xAxis->labelColor());
        axis->grid()->setPen(xAxis->grid()->pen());
    }
}

void ResidualScatterPlot::mousePressEvent(QMouseEvent *event)
{
    // The nearest point within the click radius, in whichever of the two plots was clicked.
    const QPointF at = event->position();
    const bool residual = m_residualRect->rect().contains(at.toPoint());
    QCPAxis *x = residual ? m_residualRect->axis(QCPAxis::atBottom) : xAxis;
    QCPAxis *y = residual ? m_residualRect->axis(QCPAxis::atLeft) : yAxis;
    double best = kClickRadius * kClickRadius;
    int picked = -1;
    for (const Point &point : m_points) {
        const double dx = x->coordToPixel(point.truth) - at.x();
        const double dy = y->coordToPixel(residual ? point.predicted - point.truth : point.predicted) - at.y();
        if (dx * dx + dy * dy <= best) {
            best = dx * dx + dy * dy;
            picked = point.index;
        }
    }
    if (event->button() == Qt::LeftButton && picked >= 0) {
        Q_EMIT sampleClicked(picked);
        event->accept();
        return;
    }
    ThemedPlot::mousePressEvent(event);
}
