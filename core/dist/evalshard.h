#pragma once

// Internal to core (includes torch): evaluation split across a distributed run's ranks.

#include <torch/script.h>

#include <functional>

struct Batch;
class ProcessGroup;

/**
 * While one lives on a thread, every forwardLogits on that thread (each epoch's validation, the
 * multi-label thresholds, the test evaluation and its modality subsets) forwards only this
 * rank's stride of the batch's rows — rows rank, rank+N, … as the training shard — and
 * all-gathers the other ranks' logits, so every rank holds the whole batch's outputs and
 * computes the same metrics as one process while doing 1/N of the forward work. Every rank
 * must therefore evaluate the same batches in the same order. A null group changes nothing.
 */
class EvalShardScope
{
public:
    explicit EvalShardScope(ProcessGroup *group);
    ~EvalShardScope();
    EvalShardScope(const EvalShardScope &) = delete;
    EvalShardScope &operator=(const EvalShardScope &) = delete;

    /** The group of the innermost scope on this thread, or null. */
    static ProcessGroup *current();

private:
    ProcessGroup *m_previous;
};

/**
 * `forward` of this rank's rows of `batch` (with `present`'s rows), gathered from every rank
 * into the batch's order: [B, C]. A rank whose stride is short repeats the batch's last row, so
 * every rank forwards and sends the same number of rows.
 */
at::Tensor gatherShardedRows(ProcessGroup &group, const Batch &batch, const at::Tensor &present,
                             const std::function<at::Tensor(const Batch &, const at::Tensor &)> &forward);
