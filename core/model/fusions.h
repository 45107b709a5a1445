#pragma once

// Internal to core (includes torch): builders of the fusion modules. A fusion's forward is
// forward(text, text_valid, image, image_valid, audio, audio_valid, present) -> Dict[str, Tensor]
// with the model contract's outputs; tokens of absent modalities arrive invalid and zero.

#include "core/model/modelparts.h"

/** Builds config.fusion for encoders that emit `layout`. */
torch::jit::Module buildFusion(const ModelConfig &config, ModelContext &context, const TokenLayout &layout);

/** Vector fusions: concat, late, gated, tensor, lowrank (vectorfusions.cpp). */
torch::jit::Module buildVectorFusion(const ModelConfig &config, ModelContext &context, const TokenLayout &layout);

/** Token fusions: attention, graph (tokenfusions.cpp). */
torch::jit::Module buildTokenFusion(const ModelConfig &config, ModelContext &context, const TokenLayout &layout);

/**
 * The graph fusion's adjacency over [text tokens, image grid, audio frames]: neighbouring
 * tokens, 4-neighbour grid cells, neighbouring frames, self-loops, and every pair of nodes
 * from different modalities. Bool [N,N], symmetric.
 */
torch::Tensor graphAdjacency(const TokenLayout &layout);
