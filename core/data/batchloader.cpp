#include "core/data/batchloader.h"
#include "core/util/singlethreadedops.h"

#include <algorithm>
#include <random>

namespace {

/** Fisher–Yates with our own draw, so the order is the same with every standard library. */
void shuffleIndices(std::vector<int> &indices, std::uint64_t seed, int epoch)
{
    std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + std::uint64_t(epoch) + 1);
    for (std::size_t i = indices.size(); i > 1; --i) {
        const std::size_t j = std::size_t(rng() % i);
        std::swap(indices[i - 1], indices[j]);
    }
}

} // namespace

BatchLoader::BatchLoader(const Dataset &dataset, std::vector<int> indices, int batchSize, bool shuffle,
                         std::uint64_t seed, bool dropLast, int prefetch)
    : m_dataset(dataset), m_indices(std::move(indices)), m_batchSize(std::max(1, batchSize)),
      m_shuffle(shuffle), m_seed(seed), m_dropLast(dropLast), m_prefetch(std::max(1, prefetch))
{
}

BatchLoader::~BatchLoader()
{
    stopWorker();
}

int BatchLoader::batchesPerEpoch() const
{
    const int n = int(m_indices.size());
    return m_dropLast ? n / m_batchSize : (n + m_batchSize - 1) / m_batchSize;
}

void BatchLoader::stopWorker()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
    }
    m_changed.notify_all();
    if (m_worker.joinable())
        m_worker.join();
    m_ready.clear();
    m_remaining = 0;
    m_stop = false;
}

void BatchLoader::setShard(int rank, int worldSize)
{
    m_shardRank = rank;
    m_shardCount = std::max(1, worldSize);
}

int BatchLoader::globalBatchSize(int k) const
{
    return int(std::min<std::ptrdiff_t>(m_batchSize, std::ptrdiff_t(m_indices.size()) - std::ptrdiff_t(k) * m_batchSize));
}

void BatchLoader::startEpoch(int epoch, int skipBatches)
{
    stopWorker();
    std::vector<int> order = m_indices;
    if (m_shuffle)
        shuffleIndices(order, m_seed, epoch);
    std::vector<std::vector<int>> plan;
    const int batches = batchesPerEpoch();
    for (int k = std::max(0, skipBatches); k < batches; ++k) {
        const auto begin = order.begin() + std::ptrdiff_t(k) * m_batchSize;
        const auto end = order.begin() + std::min<std::ptrdiff_t>(std::ptrdiff_t(order.size()),
                                                                   std::ptrdiff_t(k + 1) * m_batchSize);
        std::vector<int> batch;
        for (auto it = begin; it != end; ++it) {
            if ((it - begin) % m_shardCount == m_shardRank)
                batch.push_back(*it);
        }
        plan.push_back(std::move(batch));
    }
    m_remaining = int(plan.size());
    m_worker = std::thread(&BatchLoader::produce, this, std::move(plan));
}

void BatchLoader::produce(std::vector<std::vector<int>> plan)
{
    // Assembling a batch is copying; a team of its own here would slow the training team down.
    const SingleThreadedOps copyOnThisThreadOnly;
    for (const std::vector<int> &indices : plan) {
        Batch batch = makeBatch(m_dataset, indices);
        std::unique_lock<std::mutex> lock(m_mutex);
        m_changed.wait(lock, [&] { return m_stop || int(m_ready.size()) < m_prefetch; });
        if (m_stop)
            return;
        m_ready.push_back(std::move(batch));
        m_changed.notify_all();
    }
}

bool BatchLoader::next(Batch *batch)
{
    std::unique_lock<std::mutex> lock(m_mutex);
    if (m_remaining == 0)
        return false;
    m_changed.wait(lock, [&] { return !m_ready.empty(); });
    *batch = std::move(m_ready.front());
    m_ready.pop_front();
    --m_remaining;
    m_changed.notify_all();
    return true;
}
