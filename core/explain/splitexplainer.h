#pragma once

// Internal to core (includes torch): split-level explanation and robustness curves.

#include "core/data/dataset.h"
#include "core/explain/sampleexplainer.h"
#include "core/explain/splitexplanation.h"
#include "core/util/progress.h"

#include <torch/script.h>

/**
 * Explains a split with the module in eval mode, batched: per batch, the 8 modality subsets
 * as 8 forward passes of the whole batch (Shapley of settings.readout's game, the task's
 * score of every subset, disagreement), the full
 * pass's attention for the pointing game, then the robustness passes. Never throws: a
 * failing forward or a cancel sets error (what was finished stays filled).
 */
SplitExplanation explainSplit(torch::jit::Module &module, const Dataset &dataset, const std::vector<int> &indices,
                              const ExplainSettings &settings, const SplitOptions &options,
                              const ProgressCallback &progress = {}, const CancelFlag *cancel = nullptr);

/**
 * Robustness curves and the missing-modality scores over the labeled samples of `indices`,
 * in the task's score (TaskScore); adds to `split`. False (and split->error) when cancelled
 * or a forward failed.
 */
bool addRobustness(SplitExplanation *split, torch::jit::Module &module, const Dataset &dataset,
                   const std::vector<int> &indices, const TaskReadout &readout,
                   const SplitOptions &options, const ProgressCallback &progress, const CancelFlag *cancel);
