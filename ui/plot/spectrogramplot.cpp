#include "ui/plot/spectrogramplot.h"

#include <algorithm>
#include <cmath>

namespace {

/** 80 dB of dynamic range in natural-log power units: quieter detail is noise floor. */
const double kDynamicRange = 80.0 / (10.0 / std::log(10.0));

} // namespace

SpectrogramPlot::SpectrogramPlot(QWidget *parent) : ThemedPlot(parent)
{
    m_map = new QCPColorMap(xAxis, yAxis);
    m_map->setGradient(intensityGradient());
    m_map->setInterpolate(false);
    xAxis->setLabel(tr("seconds"));
    yAxis->setLabel(tr("mel bin"));
    setMinimumHeight(140);
    SpectrogramPlot::applyTheme();
}

void SpectrogramPlot::setMel(const float *mel, int melBins, int frames, double hopSeconds)
{
    if (!mel || melBins <= 0 || frames <= 0) {
        clearMel(tr("No spectrogram"));
        return;
    }
    m_frames = frames;
    QCPColorMapData *data = m_map->data();
    const double seconds = frames * hopSeconds;
    data->setSize(frames, melBins);
    data->setRange(QCPRange(0, seconds), QCPRange(0, melBins - 1));
    float top = mel[0];
    for (int bin = 0; bin < melBins; ++bin) {
        for (int frame = 0; frame < frames; ++frame) {
            const float value = mel[std::size_t(bin) * std::size_t(frames) + std::size_t(frame)];
            top = std::max(top, value);
            data->setCell(frame, bin, double(value));
        }
    }
    m_map->setDataRange(QCPRange(double(top) - kDynamicRange, double(top)));
    m_map->setVisible(true);
    xAxis->setRange(0, seconds);
    yAxis->setRange(-0.5, melBins - 0.5);
    setNote({});
    replot(QCustomPlot::rpQueuedReplot);
}

void SpectrogramPlot::clearMel(const QString &note)
{
    m_frames = 0;
    m_map->data()->clear();
    m_map->setVisible(false);
    xAxis->setRange(0, 1);
    yAxis->setRange(0, 64);
    setNote(note);
    replot(QCustomPlot::rpQueuedReplot);
}
