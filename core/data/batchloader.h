#pragma once

// Internal to core (includes torch).

#include "core/data/batch.h"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

/**
 * Iterates a dataset subset in batches, reshuffled every epoch from (seed, epoch) so a run
 * is reproducible and resumable mid-run, and assembles the next batches on a background
 * thread so compute never waits for data. Owned and used by one thread (the trainer's).
 */
class BatchLoader
{
public:
    BatchLoader(const Dataset &dataset, std::vector<int> indices, int batchSize, bool shuffle,
                std::uint64_t seed, bool dropLast = false, int prefetch = 2);
    ~BatchLoader();
    BatchLoader(const BatchLoader &) = delete;
    BatchLoader &operator=(const BatchLoader &) = delete;

    /** Starts epoch `epoch` (0-based), optionally skipping its first `skipBatches` (resume). */
    void startEpoch(int epoch, int skipBatches = 0);
    /** Next batch of the current epoch; false when the epoch is exhausted. */
    bool next(Batch *batch);
    int batchesPerEpoch() const;
    /**
     * Distributed training: of each batch of the epoch's order, this rank loads only positions
     * rank, rank + worldSize, … (DistributedSampler's striding), so the ranks' k-th batches
     * together are exactly a single process's k-th batch. batchesPerEpoch() is unchanged.
     */
    void setShard(int rank, int worldSize);
    /** Samples in batch k of an epoch over every rank (the global batch). */
    int globalBatchSize(int k) const;
    int sampleCount() const { return int(m_indices.size()); }

private:
    void stopWorker();
    void produce(std::vector<std::vector<int>> plan);

    const Dataset &m_dataset;
    std::vector<int> m_indices;
    int m_batchSize;
    bool m_shuffle;
    std::uint64_t m_seed;
    bool m_dropLast;
    int m_prefetch;
    int m_shardRank = 0;
    int m_shardCount = 1;

    std::thread m_worker;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<Batch> m_ready;
    int m_remaining = 0;
    bool m_stop = false;
};
