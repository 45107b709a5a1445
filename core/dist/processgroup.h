#pragma once

// Internal to core (includes torch): PyTorch's own distributed engine — c10d's TCPStore and
// ProcessGroupGloo — as the trainer uses it: join, broadcast from rank 0, sum across ranks.

#include "core/dist/distributedenv.h"

#include <torch/script.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

class ProcessGroup
{
public:
    /**
     * Joins the run the environment describes: rank 0 hosts the TCPStore at MASTER_ADDR:MASTER_PORT
     * (torchrun's agent hosts it instead when TORCHELASTIC_USE_AGENT_STORE is set), every rank
     * meets there and Gloo pairs them over TCP. A rank that does not answer within the timeout, or
     * whose connection drops, makes every collective throw. nullptr with a sentence on failure.
     */
    static std::unique_ptr<ProcessGroup> join(const DistributedEnv &env, QString *error);
    ~ProcessGroup();

    int rank() const { return m_env.rank; }
    int worldSize() const { return m_env.worldSize; }
    const DistributedEnv &env() const { return m_env; }

    /** Rank 0's values into every rank's tensors, in place (contiguous CPU tensors, under no-grad). */
    void broadcast(std::vector<at::Tensor> tensors);
    /** Sums `flat` (one contiguous float tensor) over the ranks, in place. */
    void allreduceSum(at::Tensor &flat);
    /**
     * Starts summing `flat` over the ranks in place on Gloo's own thread and returns at once; the
     * returned function waits for it (and throws what the collective threw). Every rank must start
     * its collectives in the same order.
     */
    std::function<void()> allreduceSumAsync(at::Tensor flat);
    /** Every rank's `local` (the same shape and type on every rank), in rank order. */
    std::vector<at::Tensor> allgather(const at::Tensor &local);
    /** Rank 0's `value` on every rank: how the ranks agree on a decision only rank 0 can make. */
    std::int64_t broadcastValue(std::int64_t value);

private:
    struct Private;
    explicit ProcessGroup(const DistributedEnv &env);
    DistributedEnv m_env;
    std::unique_ptr<Private> d;
};
