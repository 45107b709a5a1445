#pragma once

// Internal to core (includes torch): split-level explanation and robustness curves.

#include "core/data/dataset.h"
#include "core/explain/sampleexplainer.h"
#include "core/explain/splitexplanation.h"
#include "core/util/progress.h"

#include <torch/script.h>

/**
 * Explains a split with the module in eval mode, batched: per batch, the 8 modality subsets
 * as 8 forward passes of the whole batch (Shapley, subset accuracy, disagreement), the full
 * pass's attention for the pointing game, then the robustness passes. Never throws: a
 * failing forward or a cancel sets error (what was finished stays filled).
 */
SplitExplanation explainSplit(torch::jit::Module &module, const Dataset &dataset, const std::vector<int> &indices,
                              const ExplainSettings &settings, const SplitOptions &options,
                              const ProgressCallback &progress = {}, const CancelFlag *cancel = nullptr);

/** Dataset label index → class index among classNames (-1 when the model lacks that class). */
std::vector<std::int64_t> classOfLabel(const Dataset &dataset, const QStringList &classNames);

/**
 * Robustness curves and missing-modality accuracy over the labeled samples of `indices`
 * (labelMap from classOfLabel); adds to `split`. False (and split->error) when cancelled or
 * a forward failed.
 */
bool addRobustness(SplitExplanation *split, torch::jit::Module &module, const Dataset &dataset,
                   const std::vector<int> &indices, const std::vector<std::int64_t> &labelMap,
                   const SplitOptions &options, const ProgressCallback &progress, const CancelFlag *cancel);
