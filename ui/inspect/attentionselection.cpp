#include "ui/inspect/attentionselection.h"

#include <algorithm>

namespace {

const QChar kWordStart(0x2581);

std::vector<const AttentionMap *> familyMaps(const SampleExplanation &sample, const QString &family)
{
    std::vector<const AttentionMap *> maps;
    for (const AttentionMap &map : sample.maps) {
        if (map.family == family)
            maps.push_back(&map);
    }
    std::sort(maps.begin(), maps.end(), [](const AttentionMap *a, const AttentionMap *b) { return a->layer < b->layer; });
    return maps;
}

/** "readout->image" asked about audio reads "readout->audio" when the model has it. */
QString familyFor(const SampleExplanation &sample, const QString &family, Modality key)
{
    const std::vector<const AttentionMap *> maps = familyMaps(sample, family);
    if (maps.empty() || maps.front()->isJoint() || maps.front()->key == modalityName(key))
        return family;
    const QString swapped = maps.front()->query + QStringLiteral("->") + modalityName(key);
    return familyMaps(sample, swapped).empty() ? QString() : swapped;
}

QString wordSuffix(const SampleExplanation &sample, int token)
{
    return token >= 0 ? QObject::tr(" · from “%1”").arg(pieceText(sample, token)) : QString();
}

HeatResult fromChoice(const SampleExplanation &sample, const HeatChoice &choice, Modality key, int token)
{
    switch (choice.kind) {
    case HeatChoice::Summary: {
        if (token >= 0)
            return {}; // summaries average over the words
        const std::vector<TokenHeat> &heats = key == Modality::Image ? sample.imageHeats : sample.audioHeats;
        for (const TokenHeat &heat : heats) {
            if ((choice.name.isEmpty() || heat.source == choice.name) && !heat.weights.empty())
                return {heat.weights, heat.source};
        }
        return {};
    }
    case HeatChoice::Rollout:
        for (const AttentionRollout &rollout : sample.rollouts) {
            if (rollout.family == choice.name)
                return {rolloutHeat(sample, rollout, key, token),
                        QObject::tr("rollout(%1)").arg(rollout.family) + wordSuffix(sample, token)};
        }
        return {};
    case HeatChoice::Map: {
        const QString family = familyFor(sample, choice.name, key);
        const std::vector<const AttentionMap *> maps = familyMaps(sample, family);
        if (maps.empty())
            return {};
        const bool oneLayer = std::any_of(maps.begin(), maps.end(), [&](const AttentionMap *m) { return m->layer == choice.layer; });
        std::vector<std::vector<float>> heats;
        int heads = 0;
        for (const AttentionMap *map : maps) {
            if (oneLayer && map->layer != choice.layer)
                continue;
            heads = map->heads;
            std::vector<float> heat = mapHeat(sample, *map, key, choice.head < map->heads ? choice.head : -1, token);
            if (!heat.empty())
                heats.push_back(std::move(heat));
        }
        HeatResult result;
        result.weights = meanOf(heats);
        normaliseSum(&result.weights);
        const QString layers = oneLayer || maps.size() == 1
                                   ? QObject::tr("layer %1").arg(oneLayer ? choice.layer : maps.front()->layer)
                                   : QObject::tr("mean of %n layers", nullptr, int(heats.size()));
        const QString head = choice.head >= 0 && choice.head < heads ? QObject::tr("head %1").arg(choice.head)
                             : heads == 1                       ? QObject::tr("1 head")
                                                                : QObject::tr("mean of %n heads", nullptr, heads);
        result.caption = QStringLiteral("%1 · %2 · %3").arg(family, layers, head) + wordSuffix(sample, token);
        return result;
    }
    }
    return {};
}

} // namespace

QString pieceText(const SampleExplanation &sample, int token)
{
    QString piece = sample.textPieces.value(token);
    if (piece.startsWith(kWordStart) && piece.size() > 1)
        piece.remove(0, 1);
    return piece;
}

QVector<HeatChoice> heatSources(const SampleExplanation &sample)
{
    QVector<HeatChoice> sources;
    QStringList summaries;
    for (const std::vector<TokenHeat> *heats : {&sample.imageHeats, &sample.audioHeats}) {
        for (const TokenHeat &heat : *heats) {
            if (!summaries.contains(heat.source))
                summaries << heat.source;
        }
    }
    for (const QString &name : summaries)
        sources << HeatChoice{HeatChoice::Summary, name, -1, -1};
    for (const AttentionRollout &rollout : sample.rollouts) {
        if (rollout.leading >= 0)
            sources << HeatChoice{HeatChoice::Rollout, rollout.family, -1, -1};
    }
    QStringList families;
    for (const AttentionMap &map : sample.maps) {
        const bool reachesMedia = map.isJoint() || map.key == QLatin1String("image") || map.key == QLatin1String("audio");
        if (reachesMedia && !families.contains(map.family))
            families << map.family;
    }
    for (const QString &family : families)
        sources << HeatChoice{HeatChoice::Map, family, -1, -1};
    return sources;
}

QString heatSourceLabel(const HeatChoice &choice)
{
    switch (choice.kind) {
    case HeatChoice::Summary:
        return choice.name.isEmpty() ? QObject::tr("Preferred summary") : QObject::tr("Summary: %1").arg(choice.name);
    case HeatChoice::Rollout:
        return QObject::tr("Rollout: %1").arg(choice.name);
    case HeatChoice::Map:
        return QObject::tr("Map: %1").arg(choice.name);
    }
    return {};
}

QVector<int> familyLayers(const SampleExplanation &sample, const QString &family)
{
    QVector<int> layers;
    for (const AttentionMap *map : familyMaps(sample, family))
        layers << map->layer;
    return layers;
}

int familyHeads(const SampleExplanation &sample, const QString &family)
{
    const std::vector<const AttentionMap *> maps = familyMaps(sample, family);
    return maps.empty() ? 0 : maps.front()->heads;
}

HeatResult attentionHeat(const SampleExplanation &sample, const HeatChoice &choice, Modality key, int textToken)
{
    HeatResult result = fromChoice(sample, choice, key, textToken);
    if (!result.weights.empty())
        return result;
    QVector<HeatChoice> fallbacks;
    if (textToken >= 0) {
        fallbacks << HeatChoice{HeatChoice::Map, QStringLiteral("text->") + modalityName(key), -1, -1};
        for (const AttentionRollout &rollout : sample.rollouts)
            fallbacks << HeatChoice{HeatChoice::Rollout, rollout.family, -1, -1};
        for (const AttentionMap &map : sample.maps) {
            if (map.isJoint())
                fallbacks << HeatChoice{HeatChoice::Map, map.family, -1, -1};
        }
    } else {
        fallbacks << HeatChoice{HeatChoice::Summary, QString(), -1, -1};
    }
    for (const HeatChoice &fallback : fallbacks) {
        result = fromChoice(sample, fallback, key, textToken);
        if (!result.weights.empty())
            return result;
    }
    return {};
}
