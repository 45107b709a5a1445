#pragma once

// Internal to core (includes torch).

#include <torch/torch.h>

#include <cstdint>

/**
 * Drops each present modality of each sample with probability p by clearing its `present`
 * column, but never all of a sample's modalities: when every present one would go, one of
 * them (chosen at random) stays. The draws are a pure function of (seed, step, row), so a
 * resumed run drops exactly what the uninterrupted run dropped without storing any RNG state.
 *
 * Row r of `present` is row rowOffset + r·rowStride of the step's batch: a rank of a distributed
 * run holds every worldSize-th row from its rank on, and drops what one process would have.
 */
torch::Tensor dropModalities(const torch::Tensor &present, double p, std::uint64_t seed, std::int64_t step,
                             std::int64_t rowOffset = 0, std::int64_t rowStride = 1);
