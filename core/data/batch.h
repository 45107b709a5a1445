#pragma once

// Internal to core (includes torch): model inputs assembled from a Dataset.

#include "core/data/dataset.h"

#include <torch/torch.h>

#include <cstdint>
#include <vector>

/** One batch in the model contract's layout. */
struct Batch
{
    torch::Tensor text;    ///< [B,T] int64, 0 = pad
    torch::Tensor image;   ///< [B,3,S,S] float, normalised; zeros where absent
    torch::Tensor audio;   ///< [B,1,M,F] float log-mel, normalised, cropped/padded to F frames
    torch::Tensor present; ///< [B,3] float {text, image, audio}
    torch::Tensor labels;  ///< [B] int64 class index, -1 unlabeled
    torch::Tensor targets; ///< regress: [B,K] float in the dataset's units, NaN where missing; undefined for classify
    std::vector<int> indices; ///< dataset indices of the rows

    std::int64_t size() const { return text.defined() ? text.size(0) : 0; }
};

/** Assembles the given samples into a batch (no randomness: crops audio from its start). */
Batch makeBatch(const Dataset &dataset, const std::vector<int> &indices);
