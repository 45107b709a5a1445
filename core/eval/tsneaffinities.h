#pragma once

#include <QtCore/QString>

#include <vector>

/** Symmetric t-SNE input affinities P in compressed rows: P_ij = P_ji, all entries sum to 1. */
struct SparseAffinities
{
    std::vector<int> rowStart; ///< rows + 1 offsets into columns / values
    std::vector<int> columns;
    std::vector<double> values;
};

/**
 * t-SNE's input affinities from each row's k = min(rows − 1, 3·perplexity) nearest neighbours
 * (squared Euclidean distance, as scikit-learn): a Gaussian per row whose bandwidth a binary
 * search sets to the perplexity, then (p_j|i + p_i|j) / 2N. The neighbours come from an HNSW
 * graph (hnswlib, built in row order, so the result is deterministic for a seed).
 * O(N log N · dims) time. False with *error when hnswlib fails.
 */
bool tsneAffinities(const float *values, int rows, int dims, double perplexity, unsigned seed, SparseAffinities *affinities,
                    QString *error);
