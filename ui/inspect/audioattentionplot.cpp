#include "ui/inspect/audioattentionplot.h"

#include "ui/inspect/heatcolors.h"
#include "ui/widgets/notelabel.h"

#include <algorithm>
#include <cmath>

namespace {

/** 80 dB of dynamic range in natural-log power units, as the Data panel's spectrogram. */
const double kDynamicRange = 80.0 / (10.0 / std::log(10.0));

QCPItemRect *cropRect(QCustomPlot *plot, QCPAxisRect *rect)
{
    auto *item = new QCPItemRect(plot);
    item->setClipAxisRect(rect);
    item->topLeft->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    item->bottomRight->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    item->topLeft->setTypeY(QCPItemPosition::ptAxisRectRatio);
    item->bottomRight->setTypeY(QCPItemPosition::ptAxisRectRatio);
    item->topLeft->setAxisRect(rect);
    item->bottomRight->setAxisRect(rect);
    item->setPen(Qt::NoPen);
    item->setBrush(QColor(128, 128, 128, 170));
    item->setVisible(false);
    return item;
}

} // namespace

AudioAttentionPlot::AudioAttentionPlot(QWidget *parent) : ThemedPlot(parent)
{
    m_mel = new QCPColorMap(xAxis, yAxis);
    m_mel->setGradient(intensityGradient());
    m_mel->setInterpolate(false);
    yAxis->setLabel(tr("mel bin"));
    yAxis->ticker()->setTickCount(3);
    xAxis->setTickLabels(false);

    m_stripRect = new QCPAxisRect(this);
    plotLayout()->addElement(1, 0, m_stripRect);
    plotLayout()->setRowStretchFactors({4.0, 1.0});
    plotLayout()->setRowSpacing(2);
    auto *margins = new QCPMarginGroup(this);
    axisRect()->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
    m_stripRect->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
    axisRect()->setAutoMargins(QCP::msLeft | QCP::msRight | QCP::msTop);
    axisRect()->setMargins(QMargins(0, 0, 0, 2));
    m_stripRect->setAutoMargins(QCP::msLeft | QCP::msRight | QCP::msBottom);
    m_stripRect->setMargins(QMargins(0, 0, 0, 0));
    QCPAxis *stripX = m_stripRect->axis(QCPAxis::atBottom);
    QCPAxis *stripY = m_stripRect->axis(QCPAxis::atLeft);
    stripX->setLabel(tr("seconds"));
    stripY->setLabel(tr("attn"));
    stripY->setTicks(false);
    stripY->setTickLabels(false);
    stripY->setRange(-0.5, 1.5);
    connect(xAxis, qOverload<const QCPRange &>(&QCPAxis::rangeChanged), stripX, qOverload<const QCPRange &>(&QCPAxis::setRange));

    m_strip = new QCPColorMap(stripX, stripY);
    m_strip->setInterpolate(false);
    QCPColorGradient heat;
    heat.clearColorStops();
    for (const auto &stop : heatStops())
        heat.setColorStopAt(stop.first, stop.second);
    m_strip->setGradient(heat);
    m_cropMel = cropRect(this, axisRect());
    m_cropStrip = cropRect(this, m_stripRect);
    m_stripNote = new QCPItemText(this);
    m_stripNote->setClipToAxisRect(false);
    m_stripNote->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_stripNote->position->setAxisRect(m_stripRect);
    m_stripNote->position->setCoords(0.5, 0.5);
    m_stripNote->setPositionAlignment(Qt::AlignCenter);
    setMinimumHeight(150);
    AudioAttentionPlot::applyTheme();
    clearAudio(tr("No sample"));
}

void AudioAttentionPlot::setMel(const float *mel, int melBins, int frames, double hopSeconds, double croppedSeconds)
{
    if (!mel || melBins <= 0 || frames <= 0) {
        clearAudio(tr("This sample has no audio"));
        return;
    }
    m_seconds = frames * hopSeconds;
    QCPColorMapData *data = m_mel->data();
    data->setSize(frames, melBins);
    data->setRange(QCPRange(0.5 * hopSeconds, m_seconds - 0.5 * hopSeconds), QCPRange(0, melBins - 1));
    float top = mel[0];
    for (int bin = 0; bin < melBins; ++bin) {
        for (int frame = 0; frame < frames; ++frame) {
            const float value = mel[std::size_t(bin) * std::size_t(frames) + std::size_t(frame)];
            top = std::max(top, value);
            data->setCell(frame, bin, double(value));
        }
    }
    m_mel->setDataRange(QCPRange(double(top) - kDynamicRange, double(top)));
    m_mel->setVisible(true);
    const double shown = std::max(m_seconds, croppedSeconds);
    xAxis->setRange(0, shown);
    yAxis->setRange(-0.5, melBins - 0.5);
    // Past the crop the model never listened; before it, a short clip is zero-padded.
    shadeCrop(croppedSeconds > 0.0 && croppedSeconds < m_seconds ? croppedSeconds : shown, m_seconds);
    setNote({});
    replot(QCustomPlot::rpQueuedReplot);
}

void AudioAttentionPlot::setHeat(const std::vector<float> &heat, const std::vector<TimeSpan> &spans, const QString &note)
{
    const bool fits = !heat.empty() && heat.size() == spans.size();
    m_heat = fits ? heat : std::vector<float>();
    QCPColorMapData *data = m_strip->data();
    if (!fits) {
        data->clear();
        m_strip->setVisible(false);
        m_stripNote->setText(note.isEmpty() ? tr("no attention over the audio") : note);
        m_stripNote->setVisible(true);
        replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    const int n = int(heat.size());
    const double width = (spans.back().end - spans.front().start) / n;
    data->setSize(n, 2);
    data->setRange(QCPRange(spans.front().start + width / 2, spans.back().end - width / 2), QCPRange(0, 1));
    const float top = *std::max_element(heat.begin(), heat.end());
    for (int k = 0; k < n; ++k) {
        const double t = top > 0.0f ? double(heat[std::size_t(k)] / top) : 0.0;
        data->setCell(k, 0, t);
        data->setCell(k, 1, t);
    }
    m_strip->setDataRange(QCPRange(0.0, 1.0));
    m_strip->setVisible(true);
    m_stripNote->setVisible(false);
    replot(QCustomPlot::rpQueuedReplot);
}

void AudioAttentionPlot::clearAudio(const QString &note)
{
    m_heat.clear();
    m_mel->data()->clear();
    m_mel->setVisible(false);
    m_strip->data()->clear();
    m_strip->setVisible(false);
    m_stripNote->setVisible(false);
    m_cropMel->setVisible(false);
    m_cropStrip->setVisible(false);
    xAxis->setRange(0, 1);
    yAxis->setRange(0, 64);
    setNote(note);
    replot(QCustomPlot::rpQueuedReplot);
}

QString AudioAttentionPlot::stripNote() const
{
    return m_stripNote->visible() ? m_stripNote->text() : QString();
}

void AudioAttentionPlot::shadeCrop(double from, double to)
{
    const bool visible = to > from;
    for (QCPItemRect *item : {m_cropMel, m_cropStrip}) {
        item->topLeft->setCoords(from, 0.0);
        item->bottomRight->setCoords(to, 1.0);
        item->setVisible(visible);
    }
}

void AudioAttentionPlot::applyTheme()
{
    ThemedPlot::applyTheme();
    if (!m_stripRect)
        return; // called by the base constructor's first styling
    const QPalette p = palette();
    const QColor text = p.color(QPalette::Text);
    for (QCPAxis *axis : m_stripRect->axes()) {
        axis->setBasePen(QPen(text, 1));
        axis->setTickPen(QPen(text, 1));
        axis->setSubTickPen(QPen(text, 1));
        axis->setTickLabelColor(text);
        axis->setLabelColor(text);
        axis->grid()->setVisible(false);
        axis->setTickLabelFont(font());
        axis->setLabelFont(font());
    }
    m_stripNote->setColor(NoteLabel::mutedColor(p));
    m_stripNote->setFont(font());
}
