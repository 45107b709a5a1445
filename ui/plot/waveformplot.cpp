#include "ui/plot/waveformplot.h"

#include <algorithm>

namespace {

/** More envelope columns than a wide screen has pixels is wasted work. */
constexpr std::size_t kMaxColumns = 3000;

} // namespace

WaveformPlot::WaveformPlot(QWidget *parent) : ThemedPlot(parent)
{
    m_upper = addGraph();
    m_lower = addGraph();
    m_upper->setChannelFillGraph(m_lower);
    m_playhead = new QCPItemStraightLine(this);
    m_playhead->setVisible(false);
    xAxis->setLabel(tr("seconds"));
    yAxis->setRange(-1.05, 1.05);
    yAxis->setTickLabels(false);
    axisRect()->setRangeDrag(Qt::Horizontal);
    axisRect()->setRangeZoom(Qt::Horizontal);
    setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    setMinimumHeight(110);
    WaveformPlot::applyTheme();
}

void WaveformPlot::setAudio(const std::vector<float> &samples, int sampleRate)
{
    const std::size_t n = samples.size();
    m_duration = sampleRate > 0 ? double(n) / sampleRate : 0.0;
    const std::size_t columns = std::min(n, kMaxColumns);
    const auto count = static_cast<qsizetype>(columns);
    QVector<double> keys(count), highs(count), lows(count);
    for (std::size_t c = 0; c < columns; ++c) {
        const std::size_t begin = c * n / columns;
        const std::size_t end = std::max(begin + 1, (c + 1) * n / columns);
        const auto [lo, hi] = std::minmax_element(samples.begin() + long(begin), samples.begin() + long(end));
        keys[int(c)] = double(begin) / sampleRate;
        highs[int(c)] = *hi;
        lows[int(c)] = *lo;
    }
    m_upper->setData(keys, highs, true);
    m_lower->setData(keys, lows, true);
    xAxis->setRange(0, std::max(m_duration, 0.01));
    setNote(n == 0 ? tr("Silent (empty clip)") : QString());
    replot(QCustomPlot::rpQueuedReplot);
}

void WaveformPlot::clearAudio(const QString &note)
{
    m_upper->data()->clear();
    m_lower->data()->clear();
    m_duration = 0.0;
    setPlayhead(-1);
    xAxis->setRange(0, 1);
    setNote(note);
    replot(QCustomPlot::rpQueuedReplot);
}

void WaveformPlot::setPlayhead(double seconds)
{
    m_playhead->setVisible(seconds >= 0);
    if (seconds >= 0) {
        m_playhead->point1->setCoords(seconds, -1);
        m_playhead->point2->setCoords(seconds, 1);
    }
    replot(QCustomPlot::rpQueuedReplot);
}

int WaveformPlot::pointCount() const
{
    return m_upper->dataCount();
}

void WaveformPlot::applyTheme()
{
    ThemedPlot::applyTheme();
    const QColor line = seriesColor(palette(), 0);
    QColor fill = line;
    fill.setAlpha(110);
    for (QCPGraph *graph : {m_upper, m_lower}) {
        graph->setPen(QPen(line, 1));
        graph->setLineStyle(QCPGraph::lsLine);
    }
    m_upper->setBrush(fill);
    m_playhead->setPen(QPen(palette().color(QPalette::Text), 1.5));
}
