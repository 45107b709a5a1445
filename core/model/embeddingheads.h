#pragma once

// Internal to core (includes torch).

#include "core/model/modelparts.h"

/** CLIP's initial inverse temperature, 1 / 0.07, kept as its log in "logit_scale". */
inline constexpr double kInitialLogitScale = 2.6592600369327779;

/**
 * The per-modality embedding heads (modelscript::embeddingHeads): for each modality a layer
 * norm and a dim → dim projection, stacked [3, ...] in {text, image, audio} order, and the
 * contrastive loss's learnable "logit_scale".
 */
torch::jit::Module buildEmbeddingHeads(const ModelConfig &config, ModelContext &context);
