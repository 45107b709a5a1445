#pragma once

#include "core/eval/embeddingtable.h"

#include <cstdint>
#include <vector>

/** What a linear probe scored. */
struct LinearProbeResult
{
    double accuracy = 0.0; ///< on the query rows with a class; NaN when there are none
    int trainRows = 0;     ///< labelled train rows it was fitted on
};

/**
 * How linearly the embeddings separate the classes: a multinomial logistic regression (the
 * standard "linear probe") fitted on `fraction` of the labelled train rows — the same share of
 * every class, at least one row each, drawn with `seed` — and scored on the query rows. The
 * features are standardised with the fitted rows' mean and deviation; full-batch L-BFGS with
 * a strong-Wolfe line search minimises the mean cross-entropy plus ½|W|² / rows (scikit-learn's
 * LogisticRegression with C = 1), up to 200 iterations, in float64. Rows with a class
 * below 0 are skipped. Deterministic for a seed.
 */
LinearProbeResult linearProbe(const EmbeddingTable &train, const std::vector<int> &trainClasses, const EmbeddingTable &query,
                              const std::vector<int> &queryClasses, double fraction, std::uint64_t seed);
