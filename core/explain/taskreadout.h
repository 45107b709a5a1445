#pragma once

// Internal to core (includes torch): what the explanation engine reads from a model's outputs
// for each task, and the split-level score in the task's own metric.

#include "core/data/batch.h"
#include "core/data/dataset.h"
#include "core/data/task.h"
#include "core/eval/multilabelscores.h"
#include "core/eval/regressionscores.h"
#include "core/explain/modelrunner.h"

#include <torch/script.h>

#include <cstdint>
#include <vector>

/**
 * The modality game's value per output column, and what a person reads off each column:
 *   classify:   value = log p(class) (log-softmax), reading = p(class);
 *   regress:    value = reading = the predicted value in the dataset's units (output · std + mean);
 *   multilabel: value = the tag's logit (log-odds, additive as SHAP explains logistic models),
 *               reading = σ(logit), the tag's probability.
 * The column a sample's explanation is about: classify the predicted class; regress the chosen
 * target (the first by default); multilabel the chosen tag, by default the most probable one.
 *
 * A model trained without labels (contrastive, reconstruct) has no task outputs; its game is its
 * representation: R(S), the sample's embedding with the modalities S, L2-normalised — the joint
 * one (the sum of the embed/ outputs, what retrieval and the Embeddings map use) for an aligned model, else
 * the fused "embedding" — and value = reading = cos(R(S), R(every present modality)). It is 1
 * with every modality, so Shapley splits 1 − cos(R(∅), R(all)): how far each modality moves the
 * sample in the embedding space. One column, "representation".
 */
struct TaskReadout
{
    TaskSpec task;
    QString representation;          ///< "joint" or "fused" for a model without task outputs; empty otherwise
    /** The joint representation: only an aligned model's modality embeddings share one space (agreement, its heat). */
    bool isJoint() const { return representation == QLatin1String("joint"); }
    int outputs = 0;                 ///< logit columns
    int chosen = -1;                 ///< the target or tag to explain; -1: the default above
    std::vector<int> columnOfTarget; ///< model column k → the dataset's target column (-1: the dataset lacks it)
    std::vector<std::int64_t> classOfLabel; ///< classify: dataset label index → model class (-1: unknown)

    /** Matches the dataset's labels, targets or tags to the model's columns by name. */
    static TaskReadout match(const TaskSpec &task, const QStringList &columns, const Dataset &dataset, int chosen = -1);

    /** What the game reads from a forward: the logits, or R(S) [B,D] for a representation. */
    at::Tensor scores(const ForwardOutput &output) const;
    /** [B,C] game values of scores(); a representation's need `reference`, R(all) of the same rows ([B,D] or [1,D]). */
    at::Tensor values(const at::Tensor &logits, const at::Tensor &reference = at::Tensor()) const;
    at::Tensor readings(const at::Tensor &logits, const at::Tensor &reference = at::Tensor()) const; ///< [B,C]
    /** Runs forward and returns scores() of it; a representation does not need "logits". */
    bool needsLogits() const { return representation.isEmpty(); }
    at::Tensor explainedColumns(const at::Tensor &logits) const; ///< [B] int64
    /** The reading that one game value stands for (exp, identity, σ). */
    double readingOf(double value) const;
    /**
     * The truth of a batch in the model's terms: classify [B] int64 class (-1 unknown);
     * regress [B,C] values, multilabel [B,C] 0/1, NaN rows or cells unknown.
     */
    at::Tensor truth(const Batch &batch) const;
};

/**
 * Predictions of one pass over many batches, scored in the task's metric: accuracy over the
 * labeled samples, the mean R² of the targets, or the mAP of the tags that occur.
 */
class TaskScore
{
public:
    explicit TaskScore(const TaskReadout &readout);
    /** logits [B,C] of one batch against TaskReadout::truth of that batch. */
    void add(const at::Tensor &logits, const at::Tensor &truth);
    double score() const;
    const TargetColumns &targetColumns() const { return m_targets; } ///< regress: what was added
    const TagMatrix &tagMatrix() const { return m_tags; }             ///< multilabel: what was added

private:
    const TaskReadout *m_readout;
    long long m_labeled = 0;
    long long m_correct = 0;
    TargetColumns m_targets; ///< regress
    TagMatrix m_tags;        ///< multilabel
};
