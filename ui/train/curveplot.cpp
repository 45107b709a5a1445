#include "ui/train/curveplot.h"

#include <algorithm>
#include <cmath>

namespace {

/**
 * Debiased EMA (as TensorBoard draws it): early values are not pulled towards zero. NaN
 * inputs (epochs without validation) stay gaps and do not disturb the average.
 */
QVector<double> smoothed(const QVector<double> &values, double weight)
{
    if (weight <= 0.0)
        return values;
    QVector<double> result(values.size());
    double ema = 0.0;
    int count = 0;
    for (int i = 0; i < values.size(); ++i) {
        if (!std::isfinite(values[i])) {
            result[i] = values[i];
            continue;
        }
        ema = weight * ema + (1.0 - weight) * values[i];
        ++count;
        result[i] = ema / (1.0 - std::pow(weight, count));
    }
    return result;
}

} // namespace

CurvePlot::CurvePlot(const QString &title, const QString &keyLabel, const QString &valueLabel, QWidget *parent)
    : ThemedPlot(parent)
{
    plotLayout()->insertRow(0);
    m_title = new QCPTextElement(this, title);
    QFont font = this->font();
    font.setBold(true);
    m_title->setFont(font);
    plotLayout()->addElement(0, 0, m_title);
    xAxis->setLabel(keyLabel);
    yAxis->setLabel(valueLabel);
    legend->setVisible(false);
    axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    setMinimumHeight(150);
    setLiveSeries({tr("current run")});
    CurvePlot::applyTheme();
}

void CurvePlot::setLiveSeries(const QStringList &names)
{
    m_liveNames = names;
    rebuildLive();
}

void CurvePlot::clearLive()
{
    for (QVector<double> &keys : m_liveKeys)
        keys.clear();
    for (QVector<double> &values : m_liveValues)
        values.clear();
    rebuildLive();
}

void CurvePlot::rebuildLive()
{
    for (QCPGraph *graph : std::as_const(m_live))
        removeGraph(graph);
    if (m_liveRaw)
        removeGraph(m_liveRaw);
    m_live.clear();
    m_liveRaw = nullptr;
    m_liveKeys.resize(m_liveNames.size());
    m_liveValues.resize(m_liveNames.size());
    m_liveRaw = addGraph();
    m_liveRaw->removeFromLegend();
    for (const QString &name : std::as_const(m_liveNames)) {
        QCPGraph *graph = addGraph();
        graph->setName(name);
        m_live << graph;
    }
    m_emaValue = 0.0;
    m_emaCount = 0;
    for (int s = 0; s < m_live.size(); ++s) {
        if (!m_liveKeys[s].isEmpty()) {
            const QVector<double> keys = m_liveKeys[s];
            const QVector<double> values = m_liveValues[s];
            m_liveKeys[s].clear();
            m_liveValues[s].clear();
            addLivePoints(s, keys, values);
        }
    }
    restyle();
    refit();
}

void CurvePlot::addLivePoints(int series, const QVector<double> &keys, const QVector<double> &values)
{
    if (series < 0 || series >= m_live.size() || keys.isEmpty())
        return;
    m_liveKeys[series] += keys;
    m_liveValues[series] += values;
    if (series == 0) {
        m_liveRaw->addData(keys, values, /*alreadySorted=*/true);
        QVector<double> ema(values.size());
        for (int i = 0; i < values.size(); ++i) {
            if (std::isfinite(values[i]) && m_smoothing > 0.0) {
                m_emaValue = m_smoothing * m_emaValue + (1.0 - m_smoothing) * values[i];
                ++m_emaCount;
                ema[i] = m_emaValue / (1.0 - std::pow(m_smoothing, m_emaCount));
            } else {
                ema[i] = values[i];
            }
        }
        m_live[0]->addData(keys, ema, /*alreadySorted=*/true);
    } else {
        m_live[series]->addData(keys, values, /*alreadySorted=*/true);
    }
    if (m_liveKeys[series].size() == keys.size())
        updateLegend(); // the series' first points
    refit();
}

void CurvePlot::setOverlays(const QList<CurveSeries> &overlays)
{
    for (QCPGraph *graph : std::as_const(m_overlays))
        removeGraph(graph);
    m_overlays.clear();
    m_overlayData = overlays;
    for (const CurveSeries &series : overlays) {
        QCPGraph *graph = addGraph();
        graph->setName(series.name);
        graph->setData(series.x, smoothed(series.y, m_smoothing));
        m_overlays << graph;
    }
    restyle();
    refit();
}

void CurvePlot::setSmoothing(double weight)
{
    weight = std::clamp(weight, 0.0, 0.999);
    if (weight == m_smoothing)
        return;
    m_smoothing = weight;
    for (int i = 0; i < m_overlays.size(); ++i)
        m_overlays[i]->setData(m_overlayData[i].x, smoothed(m_overlayData[i].y, m_smoothing));
    rebuildLive(); // recomputes the live EMA from the raw values
}

void CurvePlot::setLogScale(bool on)
{
    m_logScale = on;
    if (on) {
        yAxis->setScaleType(QCPAxis::stLogarithmic);
        yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
        yAxis->setNumberFormat(QStringLiteral("gb"));
    } else {
        yAxis->setScaleType(QCPAxis::stLinear);
        yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
        yAxis->setNumberFormat(QStringLiteral("g"));
    }
    refit();
}

void CurvePlot::setIntegerKeys(bool on)
{
    QSharedPointer<QCPAxisTicker> ticker(new QCPAxisTicker);
    if (on) {
        QSharedPointer<QCPAxisTickerFixed> fixed(new QCPAxisTickerFixed);
        fixed->setTickStep(1.0);
        fixed->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
        ticker = fixed;
    }
    xAxis->setTicker(ticker);
}

void CurvePlot::setFixedValueRange(double lower, double upper)
{
    m_fixedRange = true;
    m_valueRange = QCPRange(lower, upper);
    refit();
}

void CurvePlot::clearFixedValueRange()
{
    m_fixedRange = false;
    refit();
}

void CurvePlot::setLabels(const QString &title, const QString &valueLabel)
{
    m_title->setText(title);
    yAxis->setLabel(valueLabel);
    replot(QCustomPlot::rpQueuedReplot);
}

QString CurvePlot::title() const
{
    return m_title->text();
}

void CurvePlot::setPointMarkers(bool on)
{
    m_pointMarkers = on;
    restyle();
}

void CurvePlot::setEmptyNote(const QString &text)
{
    m_emptyNote = text;
    refit();
}

int CurvePlot::livePointCount(int series) const
{
    return series >= 0 && series < m_liveKeys.size() ? int(m_liveKeys[series].size()) : 0;
}

QVector<double> CurvePlot::overlayValues(int index) const
{
    QVector<double> values;
    if (index < 0 || index >= m_overlays.size())
        return values;
    for (auto it = m_overlays[index]->data()->constBegin(); it != m_overlays[index]->data()->constEnd(); ++it)
        values << it->value;
    return values;
}

void CurvePlot::applyTheme()
{
    ThemedPlot::applyTheme();
    m_title->setTextColor(palette().color(QPalette::Text));
    restyle();
}

void CurvePlot::restyle()
{
    const QPalette p = palette();
    const QCPScatterStyle marker = m_pointMarkers ? QCPScatterStyle(QCPScatterStyle::ssDisc, 5) : QCPScatterStyle();
    const QColor live = seriesColor(p, 0);
    for (int s = 0; s < m_live.size(); ++s) {
        QPen pen(live, s == 0 ? 2.0 : 1.5, s == 0 ? Qt::SolidLine : Qt::DashLine);
        m_live[s]->setPen(pen);
        m_live[s]->setScatterStyle(marker);
    }
    if (m_liveRaw) {
        QColor faint = live;
        faint.setAlpha(70);
        m_liveRaw->setPen(QPen(faint, 1.0));
        m_liveRaw->setVisible(m_smoothing > 0.0);
    }
    for (int i = 0; i < m_overlays.size(); ++i) {
        m_overlays[i]->setPen(QPen(seriesColor(p, i + 1), 1.5));
        m_overlays[i]->setScatterStyle(marker);
    }
    updateLegend();
}

void CurvePlot::updateLegend()
{
    // Only curves with data are worth a legend entry ("current run" before any step is noise).
    int entries = 0;
    for (QCPGraph *graph : std::as_const(m_live)) {
        const bool shown = !graph->data()->isEmpty();
        if (shown && !legend->hasItemWithPlottable(graph))
            graph->addToLegend();
        else if (!shown)
            graph->removeFromLegend();
        entries += shown ? 1 : 0;
    }
    legend->setVisible(entries + m_overlays.size() > 1);
}

void CurvePlot::refit()
{
    bool any = false;
    for (int i = 0; i < graphCount(); ++i)
        any = any || (graph(i)->visible() && !graph(i)->data()->isEmpty());
    if (any) {
        rescaleAxes(/*onlyVisiblePlottables=*/true);
        if (xAxis->range().size() <= 0.0)
            xAxis->setRange(xAxis->range().lower - 1, xAxis->range().upper + 1);
        if (!m_logScale && !m_fixedRange)
            yAxis->scaleRange(1.1, yAxis->range().center());
    } else {
        xAxis->setRange(0, 1);
        if (!m_fixedRange)
            yAxis->setRange(m_logScale ? 0.1 : 0.0, 1.0);
    }
    if (m_fixedRange)
        yAxis->setRange(m_valueRange);
    setNote(any ? QString() : m_emptyNote);
    replot(QCustomPlot::rpQueuedReplot);
}
