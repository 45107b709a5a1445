#pragma once

// Internal to core (includes torch): scoring multi-label models, and the loss that training
// and evaluation share.

#include "core/data/dataset.h"
#include "core/data/task.h"
#include "core/eval/evalreport.h"
#include "core/eval/multilabelscores.h"
#include "core/util/progress.h"

#include <torch/script.h>

#include <vector>

struct Batch;

/**
 * Binary cross-entropy of tag logits [B,L] against 0/1 targets, with the task's positive
 * weights when it has them; rows whose targets are NaN (no tag set) add nothing.
 * Returns {sum over the given elements, number of given elements}.
 */
std::pair<torch::Tensor, torch::Tensor> tagLoss(const torch::Tensor &logits, const torch::Tensor &targets, const TaskSpec &task);

/** The batch's tag sets in the model's tag order: 0 where the dataset lacks a tag, NaN rows (no tag set) stay NaN. */
at::Tensor modelOrderTags(const Batch &batch, const std::vector<int> &columnOfTag);

/** One sample's probability per tag, in the task's tag order. */
struct TagPrediction
{
    int index = -1;
    std::vector<float> probabilities;
};

/**
 * Evaluates a multi-label model under eval() and inference mode on the calling thread, in
 * the precision of the caller's PrecisionScope: per-tag precision / recall / F1 at the task's
 * thresholds, AP and AUC, micro and macro F1, mAP and exact match, and with `subsets` the mAP
 * of every modality subset. The dataset's tags are matched to the model's by name: a tag the
 * dataset lacks is absent from its samples, one the model lacks is not scored (evalcommand
 * names those samples). `matrix`, when given, receives every truth and probability (what
 * threshold tuning reads). Never throws: a failing forward or a cancel sets report.error.
 */
EvalReport evaluateMultilabel(torch::jit::Module &module, const Dataset &dataset, const std::vector<int> &indices,
                              int batchSize, const TaskSpec &task, bool subsets,
                              std::vector<TagPrediction> *predictions = nullptr, TagMatrix *matrix = nullptr,
                              const ProgressCallback &progress = {}, const CancelFlag *cancel = nullptr);
