#include "core/dist/gradientbuckets.h"

#include "core/dist/processgroup.h"

#include <chrono>

GradientBuckets::GradientBuckets(ProcessGroup &group, std::vector<torch::Tensor> parameters, std::int64_t bucketElements)
    : m_group(group), m_parameters(std::move(parameters)), m_bucketOf(m_parameters.size()), m_offsetOf(m_parameters.size()),
      m_filled(m_parameters.size(), 0)
{
    std::int64_t size = 0;
    for (std::size_t k = m_parameters.size(); k-- > 0;) { // the output side first: its gradients come first
        if (m_buckets.empty() || size >= bucketElements) {
            m_buckets.emplace_back();
            size = 0;
        }
        m_buckets.back().members.push_back(k);
        m_bucketOf[k] = m_buckets.size() - 1;
        m_offsetOf[k] = size;
        size += m_parameters[k].numel();
    }
    for (Bucket &bucket : m_buckets) {
        std::int64_t elements = 0;
        for (std::size_t k : bucket.members)
            elements += m_parameters[k].numel();
        bucket.flat = torch::zeros({elements}, torch::kFloat32);
    }
    for (std::size_t k = 0; k < m_parameters.size(); ++k)
        m_hooks.push_back(m_parameters[k].register_hook([this, k](const torch::Tensor &gradient) { gradientReady(k, gradient); }));
}

GradientBuckets::~GradientBuckets()
{
    for (std::size_t k = 0; k < m_hooks.size(); ++k)
        m_parameters[k].remove_hook(m_hooks[k]);
}

void GradientBuckets::startStep(const torch::Tensor &scalars)
{
    m_scalars = scalars.to(torch::kFloat32).contiguous().clone();
    m_pending.clear();
    m_pending.push_back(m_group.allreduceSumAsync(m_scalars));
    std::fill(m_filled.begin(), m_filled.end(), 0);
    for (Bucket &bucket : m_buckets)
        bucket.ready = 0;
    m_nextBucket = 0;
}

void GradientBuckets::gradientReady(std::size_t parameter, const torch::Tensor &gradient)
{
    Bucket &bucket = m_buckets[m_bucketOf[parameter]];
    const std::int64_t n = m_parameters[parameter].numel();
    {
        torch::NoGradGuard noGrad;
        bucket.flat.slice(0, m_offsetOf[parameter], m_offsetOf[parameter] + n).copy_(gradient.reshape(-1));
    }
    if (!m_filled[parameter]) {
        m_filled[parameter] = 1;
        ++bucket.ready;
    }
    startReadyBuckets(/*all=*/false);
}

void GradientBuckets::startReadyBuckets(bool all)
{
    while (m_nextBucket < m_buckets.size()) {
        Bucket &bucket = m_buckets[m_nextBucket];
        if (!all && bucket.ready < int(bucket.members.size()))
            return; // the buckets before a waiting one wait too: the same order on every rank
        for (std::size_t k : bucket.members) {
            if (!m_filled[k]) // no gradient this step (a modality absent from this rank's rows)
                bucket.flat.slice(0, m_offsetOf[k], m_offsetOf[k] + m_parameters[k].numel()).zero_();
        }
        m_pending.push_back(m_group.allreduceSumAsync(bucket.flat));
        ++m_nextBucket;
    }
}

torch::Tensor GradientBuckets::finishStep(double *exposedSeconds)
{
    const auto start = std::chrono::steady_clock::now();
    startReadyBuckets(/*all=*/true);
    for (const std::function<void()> &wait : m_pending)
        wait();
    m_pending.clear();
    *exposedSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return m_scalars;
}

void GradientBuckets::writeGradients(double scale)
{
    torch::NoGradGuard noGrad;
    for (std::size_t k = 0; k < m_parameters.size(); ++k) {
        torch::Tensor &parameter = m_parameters[k];
        const std::int64_t n = parameter.numel();
        const torch::Tensor summed = m_buckets[m_bucketOf[k]].flat.slice(0, m_offsetOf[k], m_offsetOf[k] + n).view(parameter.sizes());
        if (parameter.grad().defined())
            parameter.mutable_grad().copy_(summed).mul_(scale);
        else
            parameter.mutable_grad() = summed * scale;
    }
}
