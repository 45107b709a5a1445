#pragma once

// Internal to core (includes torch): what the trainer's files share.

#include "core/data/batch.h"
#include "core/data/dataset.h"
#include "core/data/split.h"

#include <torch/script.h>

#include <array>
#include <cstdint>
#include <vector>

namespace trainersupport {

/** Seed of the torch CPU generator (model dropout), apart from the model's init seed. */
inline std::uint64_t trainingRngSeed(std::uint64_t seed)
{
    return (seed ^ 0x5DEECE66Dull) & 0x7FFFFFFFFFFFFFFFull;
}

/** The split's samples that have what the task learns from (a class, a target, a tag set). */
std::vector<int> labeledIndices(const Dataset &dataset, Split split);

/** The forward's "logits" (as fp32) and, with `embeddings`, its per-modality embeddings; throws on a broken contract. */
torch::Tensor forwardOutputs(torch::jit::Module &module, const Batch &batch, const torch::Tensor &present,
                             std::array<torch::Tensor, 3> *embeddings);

} // namespace trainersupport
