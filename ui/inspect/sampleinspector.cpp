#include "ui/inspect/sampleinspector.h"

#include "ui/inspect/attentiontokens.h"
#include "ui/inspect/audioattentionplot.h"
#include "ui/inspect/contributionplot.h"
#include "ui/inspect/heatmapview.h"
#include "ui/inspect/predictionview.h"
#include "ui/widgets/notelabel.h"

#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QVBoxLayout>

#include <cmath>

namespace {

QLabel *sectionLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    QFont font = label->font();
    font.setBold(true);
    label->setFont(font);
    return label;
}

QString signedNumber(double value)
{
    return value < 0.0 ? QStringLiteral("−%1").arg(-value, 0, 'f', 4) : QString::number(value, 'f', 4);
}

} // namespace

SampleInspector::SampleInspector(QWidget *parent) : QWidget(parent)
{
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("sampleTitle"));
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.15);
    m_title->setFont(titleFont);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status = new NoteLabel(this);
    m_status->setObjectName(QStringLiteral("sampleStatus"));
    m_text = new QLabel(this);
    m_text->setObjectName(QStringLiteral("sampleText"));
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_heatmap = new HeatmapView(this);
    m_heatmap->setObjectName(QStringLiteral("heatmapView"));
    m_heatmap->setMinimumWidth(300);
    m_prediction = new PredictionView(this);
    m_prediction->setObjectName(QStringLiteral("predictionView"));
    m_tokens = new AttentionTokens(this);
    m_tokens->setObjectName(QStringLiteral("attentionTokens"));
    m_tokenNote = new NoteLabel(this);
    m_tokenNote->setWordWrap(true);
    m_tokenNote->setText(tr("Click a word to see where it looks in the image and the audio."));
    m_tokens->setWhatsThis(tr("Word pieces shaded by the attention the prediction pays each. Click one to see where it "
                              "looks in the image and in the audio; click it again (or press Escape) to go back."));
    m_audio = new AudioAttentionPlot(this);
    m_audio->setObjectName(QStringLiteral("audioAttention"));
    m_audioNote = new NoteLabel(this);
    m_audioNote->setObjectName(QStringLiteral("audioCaption"));
    m_contributions = new ContributionPlot(this);
    m_contributions->setObjectName(QStringLiteral("contributionPlot"));
    m_efficiency = new QLabel(this);
    m_efficiency->setObjectName(QStringLiteral("efficiencyLabel"));
    m_efficiency->setWordWrap(true);
    m_efficiency->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_contributionNote = new NoteLabel(this);
    m_contributionNote->setObjectName(QStringLiteral("contributionNote"));
    m_contributionNote->setWordWrap(true);

    // Left: the image heatmap. Right: what was decided and why (prediction, words, contributions).
    // Below, full width: the audio, whose time axis wants the room.
    auto *side = new QVBoxLayout;
    side->setSpacing(4);
    side->addWidget(sectionLabel(tr("Prediction"), this));
    side->addWidget(m_prediction);
    side->addSpacing(6);
    side->addWidget(sectionLabel(tr("Words"), this));
    side->addWidget(m_tokens);
    side->addWidget(m_tokenNote);
    side->addSpacing(6);
    side->addWidget(sectionLabel(tr("Modality contributions"), this));
    side->addWidget(m_contributions, 1);
    side->addWidget(m_efficiency);
    side->addWidget(m_contributionNote);
    auto *top = new QHBoxLayout;
    top->addWidget(m_heatmap, 1);
    top->addSpacing(12);
    top->addLayout(side, 1);

    auto *titleRow = new QHBoxLayout;
    titleRow->addWidget(m_title, 1);
    titleRow->addWidget(m_status); // same line: a pending request never shifts the layout
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 4);
    layout->setSpacing(4);
    layout->addLayout(titleRow);
    layout->addWidget(m_text);
    layout->addLayout(top, 3);
    layout->addWidget(sectionLabel(tr("Audio attention"), this));
    layout->addWidget(m_audio, 1);
    layout->addWidget(m_audioNote);

    connect(m_heatmap, &HeatmapView::choiceChanged, this, &SampleInspector::refreshHeat);
    connect(m_tokens, &AttentionTokens::tokenSelected, this, &SampleInspector::refreshHeat);
    clear(tr("No sample selected"));
}

void SampleInspector::setDataset(std::shared_ptr<const Dataset> dataset)
{
    m_dataset = std::move(dataset);
}

void SampleInspector::setStatus(const QString &text)
{
    m_status->setText(text);
}

void SampleInspector::clear(const QString &placeholder)
{
    m_hasSample = false;
    m_sample = {};
    m_title->setText(placeholder);
    m_text->clear();
    m_text->hide();
    m_heatmap->clear(placeholder);
    m_prediction->setPlaceholder(tr("—"));
    m_tokens->setPlaceholder(tr("—"));
    m_audio->clearAudio(placeholder);
    m_audioNote->clear();
    m_contributions->clearContribution(placeholder);
    m_efficiency->clear();
    m_contributionNote->clear();
}

void SampleInspector::setSample(const ExplainedSample &sample)
{
    const SampleExplanation &e = sample.explanation;
    if (!e.error.isEmpty()) {
        clear(tr("This sample could not be explained"));
        m_text->setText(e.error);
        m_text->show();
        return;
    }
    m_sample = sample;
    m_hasSample = true;
    m_title->setText(predictionTitle(e));
    QStringList missing;
    for (Modality m : kAllModalities) {
        if (!e.present[int(m)])
            missing << modalityName(m);
    }
    m_text->setText(e.text.isEmpty() ? tr("(no text)") : QStringLiteral("“%1”").arg(e.text));
    if (!missing.isEmpty())
        m_text->setText(m_text->text() + tr("   · missing: %1").arg(missing.join(QStringLiteral(", "))));
    m_text->show();
    if (!e.contribution.representation.isEmpty())
        m_prediction->setAgreement(e.contribution.representation, e.agreement);
    else if (e.task == TaskKind::Multilabel)
        m_prediction->setTagPrediction(e.classNames, e.probabilities, e.thresholds, e.truth);
    else if (e.task == TaskKind::Regress)
        m_prediction->setValuePrediction(e.classNames, e.probabilities, e.truth);
    else
        m_prediction->setPrediction(e.classNames, e.probabilities, e.label);
    m_prediction->setOutputShapley(e.outputShapley, e.task == TaskKind::Regress ? tr("value") : tr("logit"));
    if (e.textPieces.isEmpty())
        m_tokens->setPlaceholder(e.present[int(Modality::Text)] ? tr("No word pieces") : tr("This sample has no text"));
    else
        m_tokens->setTokens(e.textPieces, e.textHeat.weights);
    m_tokens->setToolTip(e.textHeat.source.isEmpty() ? QString() : tr("Shading: %1").arg(e.textHeat.source));
    m_heatmap->setSample(sample);
    showAudio();
    refreshHeat();
    showContributions();
}

QString SampleInspector::predictionTitle(const SampleExplanation &e)
{
    const QString explained = e.classNames.value(e.predicted);
    if (!e.contribution.representation.isEmpty())
        return tr("%1 — no prediction (learnt without labels): its %2 embedding%3")
            .arg(e.sampleId, e.contribution.representation, e.label.isEmpty() ? QString() : tr(" · label %1").arg(e.label));
    if (e.task == TaskKind::Multilabel) {
        const QStringList predicted = e.predictedTags();
        QString verdict;
        if (!e.truth.empty())
            verdict = predicted == e.trueTags() ? tr("  ✓ every tag right") : tr("  ✗ true tags %1").arg(e.trueTags().join(QStringLiteral(", ")));
        return tr("%1 — predicted tags %2%3 · explaining %4")
            .arg(e.sampleId, predicted.isEmpty() ? tr("(none)") : predicted.join(QStringLiteral(", ")), verdict, explained);
    }
    if (e.task == TaskKind::Regress) {
        const std::size_t k = std::size_t(std::max(0, e.predicted));
        const QString value = k < e.probabilities.size() ? QString::number(e.probabilities[k], 'g', 4) : QStringLiteral("?");
        const QString truth = k < e.truth.size() && std::isfinite(e.truth[k]) ? tr(" (true %1)").arg(e.truth[k], 0, 'g', 4) : QString();
        return tr("%1 — predicted %2 %3%4").arg(e.sampleId, explained, value, truth);
    }
    const double probability = e.predicted >= 0 && std::size_t(e.predicted) < e.probabilities.size()
                                   ? double(e.probabilities[std::size_t(e.predicted)]) : 0.0;
    QString verdict;
    if (!e.label.isEmpty())
        verdict = explained == e.label ? tr("  ✓ correct") : tr("  ✗ true class %1").arg(e.label);
    return tr("%1 — predicted %2 (%3 %)%4").arg(e.sampleId, explained).arg(probability * 100.0, 0, 'f', 1).arg(verdict);
}

void SampleInspector::showAudio()
{
    const SampleExplanation &e = m_sample.explanation;
    int frames = 0;
    const float *mel = m_dataset && e.index >= 0 && e.index < m_dataset->size() && e.present[int(Modality::Audio)]
                           ? m_dataset->mel(e.index, &frames) : nullptr;
    if (!mel) {
        m_audio->clearAudio(tr("This sample has no audio"));
        return;
    }
    const MelConfig &config = m_dataset->preprocess().mel;
    const double hop = double(config.hopLength) / config.sampleRate;
    const int cropped = e.geometry.audioFrames > 0 ? e.geometry.audioFrames : m_dataset->preprocess().audioFrames();
    m_audio->setMel(mel, config.melBins, frames, hop, cropped * hop);
}

void SampleInspector::refreshHeat()
{
    if (!m_hasSample)
        return;
    const SampleExplanation &e = m_sample.explanation;
    const HeatChoice choice = m_heatmap->choice();
    const int token = m_tokens->selectedToken();
    if (e.present[int(Modality::Image)])
        m_heatmap->showHeat(attentionHeat(e, choice, Modality::Image, token), e.geometry.gridH, e.geometry.gridW);
    if (e.present[int(Modality::Audio)]) {
        const HeatResult audio = attentionHeat(e, choice, Modality::Audio, token);
        m_audio->setHeat(audio.weights, e.audioSpans);
        m_audioNote->setText(!audio.weights.empty() ? tr("Strip: %1").arg(audio.caption)
                             : e.maps.empty()       ? tr("This model returns no attention maps.")
                                                    : tr("No attention over the audio for this choice."));
    } else {
        m_audioNote->clear();
    }
}

void SampleInspector::showContributions()
{
    const ModalityContribution &c = m_sample.explanation.contribution;
    m_contributions->setContribution(c);
    const QString explained = m_sample.explanation.classNames.value(m_sample.explanation.predicted);
    const bool representation = !c.representation.isEmpty();
    const QString game = representation                 ? tr("cos(embedding, embedding with all)")
                       : c.task == TaskKind::Regress    ? tr("the predicted %1").arg(explained)
                       : c.task == TaskKind::Multilabel ? tr("the logit of tag %1").arg(explained)
                                                        : tr("log p of the predicted class");
    m_efficiency->setText(tr("Σ Shapley = f(all) − f(none) ± %1   (%2 = %3 − (%4), f = %5)")
                              .arg(c.efficiencyError(), 0, 'e', 1)
                              .arg(signedNumber(c.shapleySum()), signedNumber(c.fAll), signedNumber(c.fNone), game));
    m_efficiency->setToolTip(tr("Shapley values are exact over the modalities present, so they add up to the "
                                "difference between the prediction with every modality and with none."));
    QString note = representation
        ? tr("Shapley: each modality's share of where the sample's %1 embedding points (the cosine between it with "
             "those modalities and with all of them; with none it is %2). Leave-one-out: how far the embedding turns "
             "without that modality.").arg(c.representation).arg(c.fNone, 0, 'f', 2)
        : c.task == TaskKind::Regress
        ? tr("Shapley: each modality's share of the predicted %1, in its units. Leave-one-out: the prediction minus "
             "the prediction without that modality. Hover a target for its own Shapley values.").arg(explained)
        : c.task == TaskKind::Multilabel
        ? tr("Shapley: each modality's share of tag %1's logit (log-odds). Leave-one-out: p(%1) minus p(%1) without "
             "that modality. Hover a tag for its own Shapley values.").arg(explained)
        : tr("Shapley: each modality's share of log p(predicted). Leave-one-out: p(predicted) minus "
             "p(predicted) without that modality.");
    if (!c.textGradMethod.isEmpty())
        note += tr(" Gradient × input for text: %1.").arg(c.textGradMethod);
    m_contributions->setToolTip(note);
    m_contributionNote->setText(c.textGradMethod.startsWith(QLatin1String("unavailable"))
                                    ? tr("Gradient × input for text is unavailable (hover for why).")
                                    : QString());
}

QString SampleInspector::efficiencyText() const
{
    return m_efficiency->text();
}
