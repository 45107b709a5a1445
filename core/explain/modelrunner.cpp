#include "core/explain/modelrunner.h"

#include <algorithm>
#include <stdexcept>

ForwardOutput runForward(torch::jit::Module &module, const at::Tensor &text, const at::Tensor &image,
                         const at::Tensor &audio, const at::Tensor &present, bool keepAttention, bool needLogits)
{
    const c10::IValue result = module.forward({text, image, audio, present});
    if (!result.isGenericDict())
        throw std::runtime_error("forward did not return a Dict[str, Tensor]");
    ForwardOutput output;
    for (const auto &entry : result.toGenericDict()) {
        if (!entry.key().isString() || !entry.value().isTensor())
            continue;
        const std::string name = entry.key().toStringRef();
        const at::Tensor tensor = entry.value().toTensor();
        if (name == "logits")
            output.logits = tensor.to(torch::kFloat32);
        else if (name == "embedding")
            output.embedding = tensor.to(torch::kFloat32);
        else if (name == "embed/text" || name == "embed/image" || name == "embed/audio")
            output.modalityEmbeddings[name == "embed/text" ? 0 : name == "embed/image" ? 1 : 2] = tensor.to(torch::kFloat32);
        else if (name == "modality_weights" && tensor.dim() == 2 && tensor.size(1) == 3)
            output.gates = tensor.to(torch::kFloat32);
        else if (keepAttention && name.rfind("attn/", 0) == 0 && (tensor.dim() == 4 || tensor.dim() == 3))
            output.attention.emplace_back(name, tensor.dim() == 3 ? tensor.unsqueeze(1) : tensor);
    }
    const std::int64_t rows = text.size(0);
    const at::Tensor &required = needLogits ? output.logits : output.embedding;
    const std::string requiredName = needLogits ? "logits" : "embedding";
    if (!required.defined())
        throw std::runtime_error("forward's output has no \"" + requiredName + "\" tensor");
    if (required.dim() != 2 || required.size(0) != rows)
        throw std::runtime_error("\"" + requiredName + "\" must be [B,C] for a batch of " + std::to_string(rows));
    for (at::Tensor &embedding : output.modalityEmbeddings) {
        if (embedding.defined() && (embedding.dim() != 2 || embedding.size(0) != rows))
            embedding = at::Tensor(); // not the contract's [B,D]: as if absent
    }
    if (output.gates.defined() && output.gates.size(0) != rows)
        output.gates = at::Tensor();
    return output;
}

std::vector<AttentionMap> attentionMapsOf(const ForwardOutput &output, std::int64_t row)
{
    std::vector<AttentionMap> maps;
    for (const auto &[name, tensor] : output.attention) {
        AttentionMap map;
        if (!AttentionMap::parseName(QString::fromStdString(name), &map) || row >= tensor.size(0))
            continue;
        const at::Tensor one = tensor.select(0, row).detach().to(torch::kFloat32).contiguous();
        map.heads = int(one.size(0));
        map.queries = int(one.size(1));
        map.keys = int(one.size(2));
        map.weights.assign(one.data_ptr<float>(), one.data_ptr<float>() + one.numel());
        maps.push_back(std::move(map));
    }
    std::sort(maps.begin(), maps.end(), [](const AttentionMap &a, const AttentionMap &b) {
        return a.family != b.family ? a.family < b.family : a.layer < b.layer;
    });
    return maps;
}
