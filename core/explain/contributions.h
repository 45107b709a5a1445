#pragma once

// Internal to core (includes torch): prediction, attention and modality contributions of one
// sample, the part of a sample explanation that needs the model.

#include "core/data/batch.h"
#include "core/explain/explanation.h"
#include "core/explain/modelrunner.h"
#include "core/explain/taskreadout.h"

#include <torch/script.h>

/** What the model says about one sample. */
struct SampleForward
{
    std::vector<float> probabilities; ///< the readings per column (TaskReadout::readings)
    int predicted = -1;               ///< the explained column
    std::vector<std::array<double, 3>> outputShapley; ///< regress / multilabel: every column's Shapley values
    std::vector<AttentionMap> maps;
    ModalityContribution contribution;
    /** A representation (TaskReadout): each kModalityPairs pair's cosine; NaN where one is absent. */
    std::array<double, 3> agreement{std::nan(""), std::nan(""), std::nan("")};
};

/** One row's cosine between the embed/ outputs of each kModalityPairs pair present in `players`; NaN elsewhere. */
std::array<double, 3> pairAgreement(const ForwardOutput &output, std::int64_t row, unsigned players);

/**
 * Explains row 0 of a one-sample batch with the module in eval mode: one forward with
 * gradients (prediction, attention, gates, gradient × input) and one no-grad forward of the
 * other 2^|present| − 1 modality subsets as one batch (Shapley and leave-one-out). The game's
 * value is the readout's (a class's log-probability, a target's value, a tag's logit). Text's
 * gradient × input goes through the text embedding matrix when the model has one (see
 * findTextEmbedding), else it is NaN with the reason in textGradMethod. Throws on a forward
 * that breaks the contract.
 */
SampleForward explainOne(torch::jit::Module &module, const Batch &one, bool gradInput = true,
                         const TaskReadout &readout = TaskReadout());

/**
 * The parameter a model looks token ids up in: 2-D, float, a name with "embed" but not
 * "type"/"pos", at least `vocabulary` rows; one under "text" preferred. Empty name when none.
 */
std::pair<std::string, at::Tensor> findTextEmbedding(const torch::jit::Module &module, std::int64_t vocabulary);

/**
 * Fills shapley, fAll, fNone, leave-one-out and subsetValues from the game's value per mask
 * (log-probabilities for a classifier; TaskReadout::values in general).
 */
void fillContribution(ModalityContribution *contribution, unsigned players, const std::array<double, 8> &values,
                      const std::array<int, 8> &predicted, const TaskReadout &readout = TaskReadout());
