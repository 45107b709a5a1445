#pragma once

// Internal to core (includes torch): a distributed step's gradient sum, overlapped with the backward.

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <vector>

class ProcessGroup;

/**
 * DDP's bucketing, on autograd hooks: the parameters are grouped, in reverse order (roughly the
 * order the backward produces their gradients), into flat buckets of about `bucketElements`
 * floats. A parameter's hook copies its gradient into its bucket; a full bucket starts its Gloo
 * all-reduce at once, on Gloo's thread, while the backward goes on with the layers below. Buckets
 * start strictly in order (a bucket waits for the ones before it), so every rank issues the same
 * collectives in the same order even when a modality missing on one rank leaves some gradients
 * unset there; those count as zero and their buckets start when the backward ends.
 *
 * Hand-written rather than c10d::Reducer: Debian's Reducer header includes a distributed-autograd
 * header Debian does not ship, and this step also sums the loss and its normaliser (a bucket of
 * its own, started before the backward).
 */
class GradientBuckets
{
public:
    GradientBuckets(ProcessGroup &group, std::vector<torch::Tensor> parameters, std::int64_t bucketElements);
    ~GradientBuckets(); ///< removes the hooks
    GradientBuckets(const GradientBuckets &) = delete;
    GradientBuckets &operator=(const GradientBuckets &) = delete;

    /** Before the backward: starts summing `scalars` (the loss sum and its normaliser) and arms the hooks. */
    void startStep(const torch::Tensor &scalars);
    /**
     * After the backward: starts the buckets still waiting, waits for every sum and returns the
     * summed scalars; throws what a failed collective threw. *exposedSeconds: the time spent
     * waiting here, the communication the backward did not hide.
     */
    torch::Tensor finishStep(double *exposedSeconds);
    /** Every parameter's .grad = its summed gradient × scale. */
    void writeGradients(double scale);

    int bucketCount() const { return int(m_buckets.size()); }

private:
    struct Bucket
    {
        torch::Tensor flat;                 ///< the bucket's gradients, end to end
        std::vector<std::size_t> members;   ///< indices into m_parameters
        int ready = 0;
    };
    void gradientReady(std::size_t parameter, const torch::Tensor &gradient);
    void startReadyBuckets(bool all);

    ProcessGroup &m_group;
    std::vector<torch::Tensor> m_parameters;
    std::vector<std::size_t> m_bucketOf;
    std::vector<std::int64_t> m_offsetOf;
    std::vector<char> m_filled;
    std::vector<unsigned> m_hooks;
    std::vector<Bucket> m_buckets;
    std::size_t m_nextBucket = 0;
    torch::Tensor m_scalars;
    std::vector<std::function<void()>> m_pending;
};
