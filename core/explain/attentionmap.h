#pragma once

#include <QtCore/QString>
#include <vector>

/**
 * One attention map a model returned under "attn/<query>-><key>/<layer>" (or
 * "attn/<family>/<layer>" for a joint sequence such as "graph"), for one sample: weights
 * [heads][queries][keys], rows summing to 1. Plain values, torch-free; any thread may read it.
 */
struct AttentionMap
{
    QString name;   ///< the output key, e.g. "attn/text->image/0"
    QString family; ///< the name without "attn/" and the layer: "text->image", "all->all", "graph"
    QString query;  ///< "text", "image", "audio", "all", "readout", ...; "all" for a family without "->"
    QString key;
    int layer = 0;
    int heads = 0;
    int queries = 0;
    int keys = 0;
    std::vector<float> weights;

    float at(int head, int query, int key) const
    {
        return weights[(std::size_t(head) * std::size_t(queries) + std::size_t(query)) * std::size_t(keys) + std::size_t(key)];
    }
    /** One head's [queries][keys], or the mean over heads for head < 0. */
    std::vector<float> head(int head) const;
    std::vector<float> headAverage() const { return head(-1); }
    /** A map over one joint token sequence (all->all, graph): the kind rollout multiplies. */
    bool isJoint() const { return queries == keys && (query == key || query == QLatin1String("all")); }

    /** Fills name, family, query, key and layer from an output key; false for names that are not "attn/.../<layer>". */
    static bool parseName(const QString &name, AttentionMap *map);
};

/**
 * Mean over the rows of a row-major [rows][cols] matrix picked by rowMask (every row when the
 * mask is empty or picks none): e.g. a text->image map averaged over the non-padding words.
 */
std::vector<float> meanRows(const std::vector<float> &matrix, int rows, int cols, const std::vector<bool> &rowMask);

/** Mean of several equally long vectors (e.g. one heat per layer); empty for no input. */
std::vector<float> meanOf(const std::vector<std::vector<float>> &vectors);

/** Scales non-negative weights to sum 1 (left unchanged when they sum to 0). */
void normaliseSum(std::vector<float> *values);

/**
 * Attention rollout (Abnar & Zuidema, 2020) over the layers of one joint map family, in
 * layer order: each head-averaged A becomes A + I with rows renormalised, and the result is
 * their product, last layer on the left, so row i says how much token i's final state draws
 * from each input token. [T][T] row-major; empty when the maps are not all T×T.
 */
std::vector<float> attentionRollout(const std::vector<const AttentionMap *> &layers);
