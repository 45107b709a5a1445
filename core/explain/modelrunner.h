#pragma once

// Internal to core (includes torch): one forward pass under the model contract, its outputs
// sorted into what the explanation engine reads.

#include "core/explain/attentionmap.h"

#include <torch/script.h>

#include <array>
#include <string>
#include <utility>
#include <vector>

/** What one forward returned: logits, embeddings, optional gates, every "attn/..." map. */
struct ForwardOutput
{
    at::Tensor logits; ///< [B,C] float; undefined for a model trained without labels
    at::Tensor embedding; ///< [B,D] "embedding" (fused), float; undefined when the model has none
    std::array<at::Tensor, 3> modalityEmbeddings; ///< "embed/text", "embed/image", "embed/audio" [B,D]; undefined when absent
    at::Tensor gates;  ///< [B,3] "modality_weights"; undefined when the model has none
    std::vector<std::pair<std::string, at::Tensor>> attention; ///< name → [B,heads,Tq,Tk]
};

/**
 * Runs forward(text, image, audio, present). Throws std::runtime_error when the output is not
 * a dict with a [B,C] "logits" tensor (or, with `needLogits` false, a [B,D] "embedding");
 * attention maps of another rank are skipped (a 3-D map counts as one head). `keepAttention`
 * false drops the maps at once (a batch of them is large).
 */
ForwardOutput runForward(torch::jit::Module &module, const at::Tensor &text, const at::Tensor &image,
                         const at::Tensor &audio, const at::Tensor &present, bool keepAttention, bool needLogits = true);

/** The attention maps of one batch row as plain values, sorted by family, then layer. */
std::vector<AttentionMap> attentionMapsOf(const ForwardOutput &output, std::int64_t row);
