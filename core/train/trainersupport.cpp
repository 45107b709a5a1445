#include "core/train/trainersupport.h"

#include "core/eval/embeddingpass.h" // kModalityEmbeddings

namespace trainersupport {

std::vector<int> labeledIndices(const Dataset &dataset, Split split)
{
    std::vector<int> result;
    for (int index : dataset.indices(split)) {
        if (dataset.hasTarget(index))
            result.push_back(index);
    }
    return result;
}

torch::Tensor forwardOutputs(torch::jit::Module &module, const Batch &batch, const torch::Tensor &present,
                             std::array<torch::Tensor, 3> *embeddings)
{
    const c10::IValue output = module.forward({batch.text, batch.image, batch.audio, present});
    if (!output.isGenericDict())
        throw std::runtime_error("forward did not return a Dict[str, Tensor]");
    const auto dict = output.toGenericDict();
    const auto found = dict.find(c10::IValue(std::string("logits")));
    if (found == dict.end() || !found->value().isTensor())
        throw std::runtime_error("forward's output has no \"logits\" tensor");
    if (embeddings) {
        for (int modality = 0; modality < 3; ++modality) {
            const auto embedding = dict.find(c10::IValue(std::string(kModalityEmbeddings[modality])));
            if (embedding == dict.end() || !embedding->value().isTensor())
                throw std::runtime_error(std::string("forward's output has no \"") + kModalityEmbeddings[modality] + "\" tensor");
            (*embeddings)[std::size_t(modality)] = embedding->value().toTensor();
        }
    }
    return found->value().toTensor().to(torch::kFloat32);
}

} // namespace trainersupport
