#pragma once

// Internal to the fuzz harnesses (includes torch).

#include <torch/script.h>
#include <torch/torch.h>

#include <memory>

/** A two-parameter module: the architecture fuzz_checkpoint loads into and its seeds save. */
torch::jit::Module makeCheckpointModule();
/** AdamW over the module's parameters, as the trainer builds it. */
std::unique_ptr<torch::optim::Optimizer> makeCheckpointOptimizer(const torch::jit::Module &module);
