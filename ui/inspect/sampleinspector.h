#pragma once

#include "core/data/dataset.h"
#include "ui/inspect/explainresults.h"

#include <QtWidgets/QWidget>
#include <memory>

class AttentionTokens;
class AudioAttentionPlot;
class ContributionPlot;
class HeatmapView;
class NoteLabel;
class PredictionView;
class QLabel;

/**
 * Everything the Inspect panel shows about one explained sample: the prediction with top-k
 * probabilities, the image heatmap with its selectors, the words shaded by attention (click
 * one to see where it looks in the image and the audio), the attention strip under the
 * spectrogram, and the modality contribution bars with the Shapley efficiency check. GUI thread.
 */
class SampleInspector final : public QWidget
{
    Q_OBJECT
public:
    explicit SampleInspector(QWidget *parent = nullptr);

    /** The dataset the explanations index (spectrograms are read from it). */
    void setDataset(std::shared_ptr<const Dataset> dataset);
    void setSample(const ExplainedSample &sample);
    void clear(const QString &placeholder);
    /** A line above the sample ("Explaining s00012…"); empty hides it. */
    void setStatus(const QString &text);

    bool hasSample() const { return m_hasSample; }
    const SampleExplanation &explanation() const { return m_sample.explanation; }

    HeatmapView *heatmapView() const { return m_heatmap; }
    AttentionTokens *tokens() const { return m_tokens; }
    AudioAttentionPlot *audioPlot() const { return m_audio; }
    ContributionPlot *contributionPlot() const { return m_contributions; }
    PredictionView *predictionView() const { return m_prediction; }
    QString efficiencyText() const;

private:
    /** "s00012 — predicted circle (97.1 %) ✓ correct", or the tags, or the values, by task. */
    static QString predictionTitle(const SampleExplanation &e);
    void refreshHeat();
    void showAudio();
    void showContributions();

    std::shared_ptr<const Dataset> m_dataset;
    ExplainedSample m_sample;
    bool m_hasSample = false;
    QLabel *m_title;
    NoteLabel *m_status;
    QLabel *m_text;
    HeatmapView *m_heatmap;
    PredictionView *m_prediction;
    AttentionTokens *m_tokens;
    NoteLabel *m_tokenNote;
    AudioAttentionPlot *m_audio;
    NoteLabel *m_audioNote;
    ContributionPlot *m_contributions;
    QLabel *m_efficiency;
    NoteLabel *m_contributionNote;
};
