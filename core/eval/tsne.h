#pragma once

#include "core/util/progress.h"

#include <QtCore/QString>

#include <vector>

/** Settings of a t-SNE layout. The defaults are scikit-learn 1.2's (`init="pca"`, `learning_rate="auto"`). */
struct TsneOptions
{
    double perplexity = 30.0;        ///< effective neighbours; lowered to (rows − 1) / 3 for small inputs
    int iterations = 1000;
    double theta = 0.5;              ///< Barnes-Hut: a cell narrower than theta × its distance is one point
    double earlyExaggeration = 12.0;
    int exaggerationIterations = 250;
    unsigned seed = 100;             ///< the neighbour graph's level draws; the layout is deterministic per seed
};

/** A finished layout: rows × 2 floats (x, y per row, in the input's order) and how well it fits. */
struct TsneLayout
{
    std::vector<float> xy;
    double klDivergence = 0.0; ///< KL(P ‖ Q) of the final layout, as scikit-learn reports it
    double perplexity = 0.0;   ///< the perplexity used (after the small-input clamp)
};

/**
 * Lays `rows` points of `dims` floats (row-major) out in 2-D with Barnes-Hut t-SNE (van der
 * Maaten 2014, the algorithm of scikit-learn's `TSNE(method="barnes_hut")`): input affinities
 * from each point's 3·perplexity nearest neighbours (an HNSW graph, hnswlib), a PCA start,
 * gradient descent with momentum and gains, the repulsion summarised through a quadtree.
 * O(N log N) time per iteration and O(N · perplexity) memory; the points are spread over
 * LibTorch's intra-op threads. Any thread. Empty xy with *error for fewer than 4 rows,
 * non-finite values, or when *cancel is set (checked every iteration).
 */
TsneLayout tsneLayout(const float *values, int rows, int dims, const TsneOptions &options, QString *error,
                      const ProgressCallback &progress = {}, const CancelFlag *cancel = nullptr);
