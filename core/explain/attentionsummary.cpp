// summariseAttention: from raw attention maps to per-modality heats a person can look at.
#include "core/explain/explanation.h"

#include <QtCore/QMap>

#include <algorithm>

namespace {

/** Token range of a modality in a joint sequence: [start, start + count). */
struct Range
{
    int start = 0;
    int count = 0;
};

Range jointRange(const SampleExplanation &sample, int leading, Modality modality)
{
    const TokenGeometry &g = sample.geometry;
    switch (modality) {
    case Modality::Text:
        return {leading, g.textLength};
    case Modality::Image:
        return {leading + g.textLength, g.imageTokens()};
    case Modality::Audio:
        return {leading + g.textLength + g.imageTokens(), g.audioTokens};
    }
    return {};
}

/** Mean of the rollout's rows `rows` restricted to the columns of `range`, normalised. */
std::vector<float> rolloutSlice(const AttentionRollout &rollout, const std::vector<int> &rows, const Range &range)
{
    std::vector<float> heat(std::size_t(range.count), 0.0f);
    for (int row : rows) {
        const float *line = rollout.weights.data() + std::size_t(row) * std::size_t(rollout.tokens);
        for (int k = 0; k < range.count; ++k)
            heat[std::size_t(k)] += line[range.start + k];
    }
    normaliseSum(&heat);
    return heat;
}

/** Rows of a joint sequence that speak for the prediction: the words, else the classification token. */
std::vector<int> queryRows(const SampleExplanation &sample, int leading, QString *from)
{
    std::vector<int> rows;
    if (sample.present[int(Modality::Text)]) {
        for (int t = 0; t < sample.geometry.textLength && std::size_t(t) < sample.textValid.size(); ++t) {
            if (sample.textValid[std::size_t(t)])
                rows.push_back(leading + t);
        }
    }
    *from = QStringLiteral("text");
    if (rows.empty() && leading > 0) {
        rows.push_back(0);
        *from = QStringLiteral("cls");
    }
    return rows;
}

/** Head average, mean over the (valid) query rows, mean over layers, normalised. */
std::vector<float> familyHeat(const std::vector<const AttentionMap *> &layers, const std::vector<bool> &rowMask)
{
    std::vector<std::vector<float>> perLayer;
    for (const AttentionMap *map : layers)
        perLayer.push_back(meanRows(map->headAverage(), map->queries, map->keys, rowMask));
    std::vector<float> heat = meanOf(perLayer);
    normaliseSum(&heat);
    return heat;
}

void addKeyedHeats(const SampleExplanation &sample, const QMap<QString, std::vector<const AttentionMap *>> &families,
                   const QString &keyName, int tokens, std::vector<TokenHeat> *heats)
{
    // text-><key> first (the words asking where to look), then any other query.
    QStringList order = families.keys();
    std::stable_partition(order.begin(), order.end(),
                          [](const QString &family) { return family.startsWith(QLatin1String("text->")); });
    for (const QString &family : order) {
        const std::vector<const AttentionMap *> &layers = families.value(family);
        const AttentionMap &first = *layers.front();
        if (first.key != keyName || first.keys != tokens || first.isJoint())
            continue;
        const bool fromText = first.query == QLatin1String("text") && first.queries == sample.geometry.textLength;
        heats->push_back({family, familyHeat(layers, fromText ? sample.textValid : std::vector<bool>())});
    }
}

} // namespace

void summariseAttention(SampleExplanation *sample)
{
    sample->rollouts.clear();
    sample->imageHeats.clear();
    sample->audioHeats.clear();
    sample->textHeat = {};

    QMap<QString, std::vector<const AttentionMap *>> families;
    for (const AttentionMap &map : sample->maps)
        families[map.family].push_back(&map);
    for (auto &layers : families)
        std::sort(layers.begin(), layers.end(), [](const AttentionMap *a, const AttentionMap *b) { return a->layer < b->layer; });

    // A model without a token layout: learn the grid and the audio token count from the maps.
    for (const AttentionMap &map : sample->maps) {
        if (map.key == QLatin1String("image"))
            sample->geometry.inferImageTokens(map.keys);
        else if (map.key == QLatin1String("audio"))
            sample->geometry.inferAudioTokens(map.keys);
    }

    for (auto it = families.cbegin(); it != families.cend(); ++it) {
        if (!it.value().front()->isJoint())
            continue;
        AttentionRollout rollout;
        rollout.family = it.key();
        rollout.weights = attentionRollout(it.value());
        if (rollout.weights.empty())
            continue;
        rollout.tokens = it.value().front()->queries;
        if (!sample->geometry.jointLayout(rollout.tokens, &rollout.leading))
            rollout.leading = -1;
        sample->rollouts.push_back(std::move(rollout));
    }

    const bool hasImage = sample->present[int(Modality::Image)] && sample->geometry.imageTokens() > 0;
    const bool hasAudio = sample->present[int(Modality::Audio)] && sample->geometry.audioTokens > 0;
    for (const AttentionRollout &rollout : sample->rollouts) {
        if (rollout.leading < 0)
            continue;
        QString from;
        const std::vector<int> rows = queryRows(*sample, rollout.leading, &from);
        if (rows.empty())
            continue;
        const QString source = QStringLiteral("rollout(%1) from %2").arg(rollout.family, from);
        if (hasImage)
            sample->imageHeats.push_back({source, rolloutSlice(rollout, rows, jointRange(*sample, rollout.leading, Modality::Image))});
        if (hasAudio)
            sample->audioHeats.push_back({source, rolloutSlice(rollout, rows, jointRange(*sample, rollout.leading, Modality::Audio))});
    }
    std::vector<TokenHeat> keyedImage;
    std::vector<TokenHeat> keyedAudio;
    if (hasImage)
        addKeyedHeats(*sample, families, QStringLiteral("image"), sample->geometry.imageTokens(), &keyedImage);
    if (hasAudio)
        addKeyedHeats(*sample, families, QStringLiteral("audio"), sample->geometry.audioTokens, &keyedAudio);
    // A readout that attends over the joint sequence's final states reaches the inputs through
    // the rollout: compose the two (the decision's own rollout).
    for (const AttentionRollout &rollout : sample->rollouts) {
        if (rollout.leading < 0)
            continue;
        const auto compose = [&](const std::vector<TokenHeat> &keyed, Modality modality, std::vector<TokenHeat> *out) {
            const Range range = jointRange(*sample, rollout.leading, modality);
            for (const TokenHeat &heat : keyed) {
                if (heat.source.startsWith(QLatin1String("text->")) || int(heat.weights.size()) != range.count)
                    continue;
                std::vector<float> composed(std::size_t(range.count), 0.0f);
                for (int k = 0; k < range.count; ++k) {
                    const float *row = rollout.weights.data() + std::size_t(range.start + k) * std::size_t(rollout.tokens);
                    for (int j = 0; j < range.count; ++j)
                        composed[std::size_t(j)] += heat.weights[std::size_t(k)] * row[range.start + j];
                }
                normaliseSum(&composed);
                out->push_back({QStringLiteral("rollout(%1) via %2").arg(rollout.family, heat.source), composed});
            }
        };
        compose(keyedImage, Modality::Image, &sample->imageHeats);
        compose(keyedAudio, Modality::Audio, &sample->audioHeats);
    }
    sample->imageHeats.insert(sample->imageHeats.end(), keyedImage.begin(), keyedImage.end());
    sample->audioHeats.insert(sample->audioHeats.end(), keyedAudio.begin(), keyedAudio.end());
    // Prefer the decision's own rollout: a readout's attention is what the classifier reads, so
    // it (carried through the joint layers) explains the prediction better than what the text
    // tokens happen to attend to. On Shapes-AV the text rollout points at the named shape in
    // either colour; the readout's at the one answer.
    const auto decisionFirst = [](std::vector<TokenHeat> *heats) {
        std::stable_partition(heats->begin(), heats->end(),
                              [](const TokenHeat &heat) { return heat.source.contains(QLatin1String(" via ")); });
    };
    decisionFirst(&sample->imageHeats);
    decisionFirst(&sample->audioHeats);

    if (!sample->present[int(Modality::Text)])
        return;
    const int textLength = sample->geometry.textLength;
    for (const AttentionRollout &rollout : sample->rollouts) {
        if (rollout.leading < 0)
            continue;
        // The classification token's row is what the prediction reads; without one, every token's.
        std::vector<int> rows;
        if (rollout.leading > 0)
            rows.push_back(0);
        else
            for (int r = 0; r < rollout.tokens; ++r)
                rows.push_back(r);
        std::vector<float> heat = rolloutSlice(rollout, rows, jointRange(*sample, rollout.leading, Modality::Text));
        for (int t = 0; t < textLength; ++t) {
            if (std::size_t(t) >= sample->textValid.size() || !sample->textValid[std::size_t(t)])
                heat[std::size_t(t)] = 0.0f;
        }
        normaliseSum(&heat);
        sample->textHeat = {QStringLiteral("rollout(%1) from %2").arg(rollout.family, rollout.leading > 0 ? QStringLiteral("cls") : QStringLiteral("all")), heat};
        return;
    }
    std::vector<TokenHeat> textHeats;
    addKeyedHeats(*sample, families, QStringLiteral("text"), textLength, &textHeats);
    if (!textHeats.empty())
        sample->textHeat = textHeats.front();
}

namespace {

/** Rows of a matrix over [queries] for one word or the valid words; empty when none fits. */
std::vector<int> wordRows(const SampleExplanation &sample, int offset, int textToken)
{
    std::vector<int> rows;
    if (textToken >= 0) {
        if (textToken < sample.geometry.textLength)
            rows.push_back(offset + textToken);
        return rows;
    }
    for (int t = 0; t < sample.geometry.textLength && std::size_t(t) < sample.textValid.size(); ++t) {
        if (sample.textValid[std::size_t(t)])
            rows.push_back(offset + t);
    }
    return rows;
}

std::vector<float> sliceRows(const std::vector<float> &matrix, int cols, const std::vector<int> &rows, const Range &range)
{
    std::vector<float> heat(std::size_t(range.count), 0.0f);
    for (int row : rows) {
        for (int k = 0; k < range.count; ++k)
            heat[std::size_t(k)] += matrix[std::size_t(row) * std::size_t(cols) + std::size_t(range.start + k)];
    }
    normaliseSum(&heat);
    return heat;
}

int tokenCount(const TokenGeometry &geometry, Modality key)
{
    return key == Modality::Text ? geometry.textLength : key == Modality::Image ? geometry.imageTokens() : geometry.audioTokens;
}

} // namespace

std::vector<float> mapHeat(const SampleExplanation &sample, const AttentionMap &map, Modality key, int head, int textToken)
{
    const std::vector<float> matrix = map.head(head);
    if (map.isJoint()) {
        int leading = 0;
        if (!sample.geometry.jointLayout(map.queries, &leading))
            return {};
        const std::vector<int> rows = wordRows(sample, leading, textToken);
        return rows.empty() ? std::vector<float>() : sliceRows(matrix, map.keys, rows, jointRange(sample, leading, key));
    }
    if (map.key != modalityName(key) || map.keys != tokenCount(sample.geometry, key))
        return {};
    std::vector<int> rows;
    if (map.query == QLatin1String("text") && map.queries == sample.geometry.textLength) {
        rows = wordRows(sample, 0, textToken);
    } else if (textToken < 0) {
        for (int q = 0; q < map.queries; ++q)
            rows.push_back(q);
    }
    return rows.empty() ? std::vector<float>() : sliceRows(matrix, map.keys, rows, Range{0, map.keys});
}

std::vector<float> rolloutHeat(const SampleExplanation &sample, const AttentionRollout &rollout, Modality key, int textToken)
{
    if (rollout.leading < 0)
        return {};
    const std::vector<int> rows = wordRows(sample, rollout.leading, textToken);
    return rows.empty() ? std::vector<float>() : sliceRows(rollout.weights, rollout.tokens, rows, jointRange(sample, rollout.leading, key));
}
