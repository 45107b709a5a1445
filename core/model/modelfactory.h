#pragma once

// Internal to core (includes torch).

#include "core/model/modelconfig.h"

#include <torch/script.h>

#include <cstdint>

/**
 * Builds a built-in model as a torch::jit::Module following the model contract
 * (forward(text, image, audio, present) -> Dict[str, Tensor]), parameters initialised from
 * `seed`. The module that is trained is the module that is exported. Throws
 * std::invalid_argument with a sentence naming the bad field for an invalid config.
 */
torch::jit::Module buildModel(const ModelConfig &config, std::uint64_t seed);
