#pragma once

// Internal to core (includes torch): where in the image and in the sound an aligned model finds
// what the sample's other modalities say — the heat a contrastive model has instead of a class's.

#include "core/data/batch.h"
#include "core/explain/explanation.h"
#include "core/explain/tokengeometry.h"

#include <torch/script.h>

/**
 * Per row, gradient × input of an aligned model's cross-modal agreement, pooled onto the token
 * grid: for the image, |∂ cos(embed/image, u) / ∂ image · image| summed over colour channels,
 * where u is the (fixed) sum of the row's other present modality embeddings; the same for the
 * audio against its silence (the row's log-mel floor), summed over mel bands and pooled over time. Each row sums to 1; a row whose modality or
 * partners are absent is all zero. Runs outside inference mode (it needs a backward) whatever
 * the caller's mode. Undefined tensors when the geometry does not know the grid or the spans.
 */
struct AgreementHeats
{
    at::Tensor image; ///< [B, gridH·gridW] float
    at::Tensor audio; ///< [B, audioTokens] float
};
AgreementHeats agreementHeats(torch::jit::Module &module, const Batch &batch, const TokenGeometry &geometry);

/** Row `row` of `heats` as TokenHeat (empty weights when unavailable or zero). */
TokenHeat imageAgreementHeat(const AgreementHeats &heats, std::int64_t row);
TokenHeat audioAgreementHeat(const AgreementHeats &heats, std::int64_t row);
