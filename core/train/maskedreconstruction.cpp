#include "core/train/maskedreconstruction.h"

#include <ATen/CPUGeneratorImpl.h>

namespace F = torch::nn::functional;

namespace {

const char *const kNames[3] = {"text", "image", "audio"};

std::string weightName(int modality)
{
    return std::string("reconstruct_") + kNames[modality] + "_weight";
}

std::string biasName(int modality)
{
    return std::string("reconstruct_") + kNames[modality] + "_bias";
}

torch::Tensor fusedEmbedding(torch::jit::Module &module, const Batch &batch, const torch::Tensor &present)
{
    const c10::IValue output = module.forward({batch.text, batch.image, batch.audio, present});
    if (output.isGenericDict()) {
        const auto dict = output.toGenericDict();
        const auto found = dict.find(c10::IValue(std::string("embedding")));
        if (found != dict.end() && found->value().isTensor())
            return found->value().toTensor().to(torch::kFloat32);
    }
    throw std::runtime_error("the model returns no fused \"embedding\" for the reconstruction to read");
}

} // namespace

MaskedReconstruction::Targets MaskedReconstruction::targetsOf(const Batch &batch)
{
    torch::NoGradGuard noGrad;
    Targets targets;
    const std::int64_t rows = batch.text.size(0);
    // Token ids 0 (padding) and 1 (unknown) say nothing about the caption.
    const torch::Tensor ids = batch.text.to(torch::kInt64);
    const torch::Tensor words = ids.gt(1).to(torch::kFloat32);
    targets.text = torch::zeros({rows, kTextBuckets}).scatter_add_(1, ids.remainder(kTextBuckets), words).clamp_max_(1.0);
    targets.image = F::adaptive_avg_pool2d(batch.image.to(torch::kFloat32), F::AdaptiveAvgPool2dFuncOptions({kImageCells, kImageCells}))
                        .reshape({rows, -1});
    targets.audio = batch.audio.to(torch::kFloat32).mean(/*dim=*/{1, 3});
    return targets;
}

torch::Tensor MaskedReconstruction::chooseHidden(const torch::Tensor &present, std::uint64_t seed, std::int64_t draw)
{
    auto generator = at::make_generator<at::CPUGeneratorImpl>(seed * 0x9E3779B97F4A7C15ULL + std::uint64_t(draw));
    const torch::Tensor isPresent = present > 0.5;
    const torch::Tensor scores = torch::rand(present.sizes(), generator).masked_fill(isPresent.logical_not(), -1.0);
    const torch::Tensor hidden = scores.argmax(1);
    return hidden.masked_fill(isPresent.sum(1).lt(2), -1);
}

bool MaskedReconstruction::attach(torch::jit::Module &module, const Batch &sample, QString *error)
{
    torch::Tensor fused;
    try {
        torch::NoGradGuard noGrad;
        fused = fusedEmbedding(module, sample, sample.present);
    } catch (const std::exception &failure) {
        *error = QString::fromUtf8(failure.what());
        return false;
    }
    const Targets targets = targetsOf(sample);
    const std::array<std::int64_t, 3> widths{targets.text.size(1), targets.image.size(1), targets.audio.size(1)};
    for (int m = 0; m < 3; ++m) {
        if (!module.hasattr(weightName(m))) {
            // Zeros: deterministic, and a linear read-out learns from zero (its gradient is the error × the input).
            module.register_parameter(weightName(m), torch::zeros({widths[std::size_t(m)], fused.size(1)}).requires_grad_(), /*is_buffer=*/false);
            module.register_parameter(biasName(m), torch::zeros({widths[std::size_t(m)]}).requires_grad_(), /*is_buffer=*/false);
        }
        m_weight[std::size_t(m)] = module.attr(weightName(m)).toTensor();
        m_bias[std::size_t(m)] = module.attr(biasName(m)).toTensor();
        if (m_weight[std::size_t(m)].size(0) != widths[std::size_t(m)] || m_weight[std::size_t(m)].size(1) != fused.size(1)) {
            *error = QStringLiteral("the model's %1 decoder is [%2, %3], the data and the embedding need [%4, %5]")
                         .arg(QLatin1String(kNames[m])).arg(m_weight[std::size_t(m)].size(0)).arg(m_weight[std::size_t(m)].size(1))
                         .arg(widths[std::size_t(m)]).arg(fused.size(1));
            return false;
        }
    }
    return true;
}

torch::Tensor MaskedReconstruction::maskedEmbedding(torch::jit::Module &module, const Batch &batch, const torch::Tensor &hidden)
{
    torch::Tensor masked = batch.present.to(torch::kFloat32).clone();
    const torch::Tensor which = hidden.ge(0).nonzero().squeeze(1);
    masked.index_put_({which, hidden.index_select(0, which)}, 0.0);
    return fusedEmbedding(module, batch, masked);
}

torch::Tensor MaskedReconstruction::loss(const torch::Tensor &fused, const torch::Tensor &hidden, const Targets &targets,
                                         std::int64_t *rows) const
{
    const std::array<const torch::Tensor *, 3> wanted{&targets.text, &targets.image, &targets.audio};
    torch::Tensor total = fused.sum() * 0.0;
    std::int64_t counted = 0;
    for (int m = 0; m < 3; ++m) {
        const torch::Tensor hiding = hidden.eq(m).nonzero().squeeze(1);
        if (hiding.numel() == 0)
            continue;
        const torch::Tensor predicted = F::linear(fused.index_select(0, hiding), m_weight[std::size_t(m)], m_bias[std::size_t(m)]);
        const torch::Tensor target = wanted[std::size_t(m)]->index_select(0, hiding);
        // Per row, then summed: every hidden row weighs the same whichever modality it hid.
        const torch::Tensor perRow = m == 0 ? F::binary_cross_entropy_with_logits(predicted, target,
                                                                                  F::BinaryCrossEntropyWithLogitsFuncOptions().reduction(torch::kNone)).mean(1)
                                            : (predicted - target).pow(2).mean(1);
        total = total + perRow.sum();
        counted += hiding.numel();
    }
    if (rows)
        *rows = counted;
    return counted > 0 ? total / double(counted) : total;
}
