#pragma once

// Internal to core (includes torch): one forward pass under the model contract, its outputs
// sorted into what the explanation engine reads.

#include "core/explain/attentionmap.h"

#include <torch/script.h>

#include <string>
#include <utility>
#include <vector>

/** What one forward returned: logits, optional gates, every "attn/..." map. */
struct ForwardOutput
{
    at::Tensor logits; ///< [B,C] float
    at::Tensor gates;  ///< [B,3] "modality_weights"; undefined when the model has none
    std::vector<std::pair<std::string, at::Tensor>> attention; ///< name → [B,heads,Tq,Tk]
};

/**
 * Runs forward(text, image, audio, present). Throws std::runtime_error when the output is not
 * a dict with a [B,C] "logits" tensor; attention maps of another rank are skipped (a 3-D map
 * counts as one head). `keepAttention` false drops the maps at once (a batch of them is large).
 */
ForwardOutput runForward(torch::jit::Module &module, const at::Tensor &text, const at::Tensor &image,
                         const at::Tensor &audio, const at::Tensor &present, bool keepAttention);

/** The attention maps of one batch row as plain values, sorted by family, then layer. */
std::vector<AttentionMap> attentionMapsOf(const ForwardOutput &output, std::int64_t row);
