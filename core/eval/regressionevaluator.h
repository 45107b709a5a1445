#pragma once

// Internal to core (includes torch): scoring regression models, and the arithmetic of their
// standardised outputs that training and evaluation share.

#include "core/data/dataset.h"
#include "core/data/task.h"
#include "core/eval/evalreport.h"
#include "core/util/progress.h"

#include <torch/script.h>

#include <vector>

struct Batch;

/**
 * The targets of `batch` reordered to a model's target (or tag) order: column k is the
 * dataset's column columnOfTarget[k], NaN where that is -1 (the dataset lacks it).
 */
at::Tensor modelOrderTargets(const Batch &batch, const std::vector<int> &columnOfTarget);

/** (targets - mean) / std per column; targets [B,K] in the dataset's units. */
torch::Tensor standardisedTargets(const torch::Tensor &targets, const TaskSpec &task);
/** outputs * std + mean per column: a regression model's values in the dataset's units. */
torch::Tensor targetValues(const torch::Tensor &outputs, const TaskSpec &task);
/**
 * The task's loss per element of standardised predictions against standardised targets,
 * zero where the target is missing (NaN in `targets`): "mse", "huber" (delta 1) or "l1".
 * Returns {sum over given elements, number of given elements}.
 */
std::pair<torch::Tensor, torch::Tensor> regressionLoss(const torch::Tensor &outputs, const torch::Tensor &targets,
                                                       const TaskSpec &task);

/** One sample's predicted values, in the dataset's units, in the task's target order. */
struct RegressionPrediction
{
    int index = -1;
    std::vector<float> values;
};

/**
 * Evaluates a regression model under eval() and inference mode on the calling thread, in the
 * precision of the caller's PrecisionScope: MAE, RMSE, R², Pearson, Spearman and the sign's
 * accuracy / F1 per target, and with `subsets` the mean R² of every modality subset. The
 * dataset's targets are matched to the model's by name. Never throws: a failing forward or a
 * cancel sets report.error.
 */
EvalReport evaluateRegression(torch::jit::Module &module, const Dataset &dataset, const std::vector<int> &indices,
                              int batchSize, const TaskSpec &task, bool subsets,
                              std::vector<RegressionPrediction> *predictions = nullptr,
                              const ProgressCallback &progress = {}, const CancelFlag *cancel = nullptr);
