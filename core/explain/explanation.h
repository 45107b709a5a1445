#pragma once

#include "core/data/modality.h"
#include "core/data/task.h"
#include "core/explain/attentionmap.h"
#include "core/explain/tokengeometry.h"

#include <QtCore/QJsonObject>
#include <QtCore/QStringList>

#include <array>
#include <cmath>
#include <vector>

/** Attention over one modality's tokens and the maps it was read from. */
struct TokenHeat
{
    QString source;             ///< e.g. "rollout(all->all) from text", "text->image", "readout->image"
    std::vector<float> weights; ///< one per token, summing to 1; empty when unavailable
};

/** Attention rollout of one joint map family (all->all, graph). */
struct AttentionRollout
{
    QString family;
    int tokens = 0;
    int leading = -1;            ///< extra tokens (a classification token) before text; -1 when the layout is unknown
    std::vector<float> weights;  ///< [tokens][tokens], row i = what token i draws from each input token
};

/**
 * How much each modality contributed to one prediction. The game's value is, by task, the
 * log-probability of the class predicted with every modality the sample has, the predicted
 * value of the explained regression target (in its units), or the logit of the explained tag;
 * absent modalities are those with present = 0 in the sample: they score 0 and are not players.
 */
struct ModalityContribution
{
    TaskKind task = TaskKind::Classify;
    QString representation;               ///< "joint" / "fused": the representation game (TaskReadout) of a model without task outputs
    unsigned players = 0;                 ///< bit k = modality k present in the sample
    std::array<double, 8> subsetValues{}; ///< value with present = (mask ∩ players), by mask
    std::array<int, 8> subsetPredicted{}; ///< argmax class with that mask
    double fAll = 0.0;                    ///< subsetValues[players]
    double fNone = 0.0;                   ///< subsetValues[0]
    std::array<double, 3> shapley{};
    double probability = 0.0;             ///< the reading with every modality: p(class), the value, or p(tag)
    std::array<double, 3> probabilityWithout{}; ///< the reading with that modality removed
    std::array<double, 3> leaveOneOut{};  ///< probability − probabilityWithout; 0 for absent modalities
    bool hasGates = false;                ///< the model returned "modality_weights"
    std::array<double, 3> gates{};
    std::array<double, 3> gradInput{};    ///< Σ|∂f/∂x · x| over the modality's inputs; NaN when unavailable
    QString textGradMethod;               ///< how text's entry was obtained, or why it is NaN

    double shapleySum() const { return shapley[0] + shapley[1] + shapley[2]; }
    /** |Σ shapley − (fAll − fNone)|: zero up to float error. */
    double efficiencyError() const;
    QJsonObject toJson() const;
};

/** What the modality game's value is for a task, for JSON and captions. */
QString gameValueDescription(TaskKind task);
/** The same for the representation game ("joint" or "fused"; TaskReadout). */
QString representationGameDescription(const QString &representation);

/** The pairs of modalities whose agreement an aligned model reports, in this order. */
inline constexpr std::array<std::array<Modality, 2>, 3> kModalityPairs{
    {{Modality::Text, Modality::Image}, {Modality::Text, Modality::Audio}, {Modality::Image, Modality::Audio}}};
/** "text~image" and so on. */
QString modalityPairName(std::size_t pair);

/**
 * Everything the explanation engine says about one sample: prediction, every attention map
 * with its tokens mapped back to pixels, seconds and word pieces, rollout, heats and modality
 * contributions. Plain values (torch-free) so the GUI can queue and draw it.
 */
struct SampleExplanation
{
    int index = -1;                  ///< dataset index
    QString sampleId;
    QString label;                   ///< true class name; empty when unlabeled
    QString text;                    ///< the original string
    QStringList classNames;          ///< the output columns: classes, regression targets or tags
    std::vector<float> probabilities; ///< per column: p(class), the predicted value (regress) or p(tag)
    int predicted = -1;              ///< the explained column: the predicted class, or the chosen target / tag
    PresenceMask present{};
    TaskKind task = TaskKind::Classify;
    std::vector<float> truth;        ///< regress / multilabel: per column, the value or 0/1; NaN unknown; empty when unlabeled
    std::vector<double> thresholds;  ///< multilabel: a tag is predicted when its probability reaches its threshold
    std::vector<std::array<double, 3>> outputShapley; ///< regress / multilabel: every column's Shapley values

    TokenGeometry geometry;
    int imageWidth = 0;              ///< original image size, pixels
    int imageHeight = 0;
    double audioSeconds = 0.0;       ///< the clip's length
    QStringList textPieces;          ///< SentencePiece pieces, one per text token position
    std::vector<bool> textValid;     ///< token position holds a piece (not padding)
    std::vector<PixelRect> imageRects; ///< per image token, in original-image pixels
    std::vector<TimeSpan> audioSpans;  ///< per audio token

    std::vector<AttentionMap> maps;  ///< every attn/* output, sorted by family then layer
    std::vector<AttentionRollout> rollouts;
    std::vector<TokenHeat> imageHeats; ///< candidates, the preferred one first
    std::vector<TokenHeat> audioHeats;
    TokenHeat textHeat;

    bool hasTargetBox = false;
    PixelRect targetBox;

    ModalityContribution contribution;
    /** An aligned model: the cosine of each kModalityPairs pair's embeddings; NaN where one is absent or unknown. */
    std::array<double, 3> agreement{std::nan(""), std::nan(""), std::nan("")};
    QString error;                   ///< non-empty when the sample could not be explained

    /** multilabel: the tags whose probability reaches their threshold. */
    QStringList predictedTags() const;
    /** multilabel: the true tags; regress: empty. */
    QStringList trueTags() const;
    const TokenHeat *imageHeat() const { return imageHeats.empty() ? nullptr : &imageHeats.front(); }
    const TokenHeat *audioHeat() const { return audioHeats.empty() ? nullptr : &audioHeats.front(); }
    QJsonObject toJson(int topK = 5) const;
    /** The "prediction" object of toJson, shaped by the task. */
    QJsonObject predictionJson(int topK = 5) const;
};

/**
 * Fills rollouts and the image/audio/text heats of `sample` from its maps, geometry,
 * textValid and present: rollout of every joint family; image and audio heats from the
 * rollout's text rows, then every other map keyed on that modality (a readout, say) composed
 * with the rollout, then the text->key maps (head average, mean over non-padding words and
 * over layers), then the other keyed maps alone; text heat from the rollout's classification
 * row (or all rows), else a map keyed on text.
 */
void summariseAttention(SampleExplanation *sample);

/**
 * What the GUI's selectors show: the attention of one map (one head, or the mean over heads
 * for head < 0) over the tokens of modality `key`, from text token `textToken` (a position in
 * the text; < 0: the mean over the non-padding words), normalised to sum 1. Joint maps
 * (all->all, graph) are sliced by the token layout. Empty when the map does not cover `key`
 * or that word.
 */
std::vector<float> mapHeat(const SampleExplanation &sample, const AttentionMap &map, Modality key, int head = -1,
                           int textToken = -1);

/** The same over a rollout's rows (its layout must be known). */
std::vector<float> rolloutHeat(const SampleExplanation &sample, const AttentionRollout &rollout, Modality key,
                               int textToken = -1);
