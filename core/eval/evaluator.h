#pragma once

// Internal to core (includes torch).

#include "core/data/dataset.h"
#include "core/eval/evalreport.h"
#include "core/util/progress.h"

#include <torch/script.h>

#include <array>
#include <functional>
#include <vector>

struct Batch;

/** The seven non-empty modality subsets, in EvalReport::subsetNames() order: {text, image, audio}. */
inline constexpr std::array<std::array<float, 3>, 7> kSubsetMasks{{
    {1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 1, 0}, {1, 0, 1}, {0, 1, 1}, {1, 1, 1}}};

/**
 * The module's "logits" output for `batch` with this presence mask, as fp32; throws on a broken
 * contract. Under an EvalShardScope (a distributed run) each rank forwards its stride of the rows
 * and every rank gets all of them.
 */
at::Tensor forwardLogits(torch::jit::Module &module, const Batch &batch, const at::Tensor &present);

/**
 * The batch loop every task's evaluation shares: `score(chunk, batch)` for consecutive chunks
 * of `indices`, under eval() and inference mode, on the calling thread. A cancel, a throw
 * (named by the chunk's sample ids) or `score` returning false (having set report->error)
 * ends it; progress is reported after each chunk. The module's training mode is restored.
 */
void forEachEvalBatch(torch::jit::Module &module, const Dataset &dataset, const std::vector<int> &indices, int batchSize,
                      EvalReport *report, const ProgressCallback &progress, const CancelFlag *cancel,
                      const std::function<bool(const std::vector<int> &chunk, const Batch &batch)> &score);

/** Per-sample output of an evaluation pass. */
struct SamplePrediction
{
    int index = -1;          ///< dataset index
    int predicted = -1;
    std::vector<float> probabilities;
};

/**
 * Evaluates under eval() and inference mode on the calling thread, batched, in the precision
 * of the caller's PrecisionScope (fp32 without one). With `subsets`,
 * also the accuracy of every non-empty modality subset, by masking `present`.
 * `classNames` are the model's classes (logit columns) when they differ from the dataset's
 * labels (an exported model on new data): dataset labels are matched by name, and samples
 * whose label is not among them count as unlabeled. Scores cover the labeled samples;
 * predictions cover all. Never throws: a failing forward or a cancel sets report.error.
 */
EvalReport evaluateModel(torch::jit::Module &module, const Dataset &dataset,
                         const std::vector<int> &indices, int batchSize, bool subsets,
                         std::vector<SamplePrediction> *predictions = nullptr,
                         const ProgressCallback &progress = {}, const CancelFlag *cancel = nullptr,
                         const QStringList &classNames = {});
