#pragma once

// Internal to core (includes torch): the contrastive alignment objective.

#include "core/eval/retrieval.h" // modalitySources

#include <torch/torch.h>

#include <array>

/**
 * Symmetric InfoNCE (CLIP's loss) between the normalised per-modality embeddings of every
 * pair of modalities, over the rows where both are present, with in-batch negatives; a pair
 * with fewer than two such rows adds nothing. Logits are cosine × exp(logitScale) (clamped to
 * 100, as CLIP). Row j is left out of row i's negatives when it shares either file of the
 * pair with row i. Returns the mean over the pairs that took part (a zero that still carries
 * the graph when none did); *pairs (optional) says how many did.
 */
torch::Tensor contrastiveLoss(const std::array<torch::Tensor, 3> &embeddings, const torch::Tensor &present,
                              const torch::Tensor &sources, const torch::Tensor &logitScale, int *pairs = nullptr);
