#pragma once

#include "core/explain/explanation.h"

#include <QtCore/QString>
#include <QtCore/QVector>

#include <vector>

/** Which attention the Inspect heatmap shows: a summary heat, a rollout, or one map family. Plain value. */
struct HeatChoice
{
    enum Kind { Summary, Rollout, Map };
    Kind kind = Summary;
    QString name;   ///< Summary: the heat's source ("" = the preferred one); Rollout, Map: the family
    int layer = -1; ///< Map: -1 = mean over layers
    int head = -1;  ///< Map: -1 = mean over heads

    bool operator==(const HeatChoice &other) const
    {
        return kind == other.kind && name == other.name && layer == other.layer && head == other.head;
    }
};

/** Weights over one modality's tokens (summing to 1) and what they are, for a caption. */
struct HeatResult
{
    std::vector<float> weights;
    QString caption;
};

/** The sources a sample offers, in menu order: summary heats, rollouts, map families over image or audio. */
QVector<HeatChoice> heatSources(const SampleExplanation &sample);
QString heatSourceLabel(const HeatChoice &choice);
/** Layers of a map family, ascending; heads of its first map. */
QVector<int> familyLayers(const SampleExplanation &sample, const QString &family);
int familyHeads(const SampleExplanation &sample, const QString &family);

/**
 * The heat over `key`'s tokens for `choice`, from text token `textToken` (< 0: no word
 * chosen). When the choice cannot answer (a readout map asked about a word, an image map
 * asked about audio), falls back in order to: the text-><key> maps, a rollout, a joint map,
 * and without a word the preferred summary heat. The caption names what was used.
 */
HeatResult attentionHeat(const SampleExplanation &sample, const HeatChoice &choice, Modality key, int textToken);

/** The word piece at text position `token`, without SentencePiece's word-start mark. */
QString pieceText(const SampleExplanation &sample, int token);
