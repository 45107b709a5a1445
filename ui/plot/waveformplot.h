#pragma once

#include "ui/plot/themedplot.h"

#include <vector>

/** A mono clip drawn as its min/max envelope over time, with a playhead. GUI thread. */
class WaveformPlot final : public ThemedPlot
{
    Q_OBJECT
public:
    explicit WaveformPlot(QWidget *parent = nullptr);

    void setAudio(const std::vector<float> &samples, int sampleRate);
    /** Empties the plot and shows `note` ("No audio", "Decoding…"). */
    void clearAudio(const QString &note);
    /** Seconds; negative hides the playhead. */
    void setPlayhead(double seconds);
    int pointCount() const;
    double duration() const { return m_duration; }

protected:
    void applyTheme() override;

private:
    QCPGraph *m_upper;
    QCPGraph *m_lower;
    QCPItemStraightLine *m_playhead;
    double m_duration = 0.0;
};
