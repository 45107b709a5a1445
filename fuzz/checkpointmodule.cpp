#include "fuzz/checkpointmodule.h"

torch::jit::Module makeCheckpointModule()
{
    torch::jit::Module module("FuzzCheckpointModule");
    module.register_parameter("weight", torch::arange(6, torch::kFloat).reshape({2, 3}), /*is_buffer=*/false);
    module.register_parameter("bias", torch::zeros({2}), /*is_buffer=*/false);
    module.register_buffer("running_mean", torch::ones({3}));
    return module;
}

std::unique_ptr<torch::optim::Optimizer> makeCheckpointOptimizer(const torch::jit::Module &module)
{
    std::vector<at::Tensor> parameters;
    for (const at::Tensor &parameter : module.parameters())
        parameters.push_back(parameter);
    return std::make_unique<torch::optim::AdamW>(parameters, torch::optim::AdamWOptions(1e-3));
}
