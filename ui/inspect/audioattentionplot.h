#pragma once

#include "core/explain/tokengeometry.h"
#include "ui/plot/themedplot.h"

#include <vector>

/**
 * A clip's log-mel spectrogram with the model's attention as a strip under it, sharing the
 * time axis: each audio token coloured (inferno) over the seconds it pools; the part of the
 * clip past the model's crop is greyed out. GUI thread.
 */
class AudioAttentionPlot final : public ThemedPlot
{
    Q_OBJECT
public:
    explicit AudioAttentionPlot(QWidget *parent = nullptr);

    /** `mel` is [melBins × frames], natural-log power, `hopSeconds` per frame; `croppedSeconds` what the model sees. */
    void setMel(const float *mel, int melBins, int frames, double hopSeconds, double croppedSeconds);
    /** One weight per span (audio token); empty clears the strip with `note`. */
    void setHeat(const std::vector<float> &heat, const std::vector<TimeSpan> &spans, const QString &note = {});
    void clearAudio(const QString &note);

    const std::vector<float> &heat() const { return m_heat; }
    QString stripNote() const;

protected:
    void applyTheme() override;

private:
    void shadeCrop(double from, double to);

    QCPAxisRect *m_stripRect = nullptr;
    QCPColorMap *m_mel = nullptr;
    QCPColorMap *m_strip = nullptr;
    QCPItemRect *m_cropMel = nullptr;
    QCPItemRect *m_cropStrip = nullptr;
    QCPItemText *m_stripNote = nullptr;
    std::vector<float> m_heat;
    double m_seconds = 1.0;
};
