#pragma once

#include "ui/plot/themedplot.h"

/** A log-mel spectrogram as a colour map: time across, mel bins up. GUI thread. */
class SpectrogramPlot final : public ThemedPlot
{
    Q_OBJECT
public:
    explicit SpectrogramPlot(QWidget *parent = nullptr);

    /** `mel` is [melBins × frames], mel-major, natural-log power; hop in seconds per frame. */
    void setMel(const float *mel, int melBins, int frames, double hopSeconds);
    void clearMel(const QString &note);
    int frames() const { return m_frames; }

private:
    QCPColorMap *m_map;
    int m_frames = 0;
};
