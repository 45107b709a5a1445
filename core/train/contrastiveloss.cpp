#include "core/train/contrastiveloss.h"

namespace F = torch::nn::functional;

torch::Tensor contrastiveLoss(const std::array<torch::Tensor, 3> &embeddings, const torch::Tensor &present,
                              const torch::Tensor &sources, const torch::Tensor &logitScale, int *pairs)
{
    const torch::Tensor scale = logitScale.to(torch::kFloat32).exp().clamp_max(100.0);
    torch::Tensor total = scale * 0.0;
    int used = 0;
    const torch::Tensor both = present > 0.5;
    for (int a = 0; a < 3; ++a) {
        for (int b = a + 1; b < 3; ++b) {
            const torch::Tensor rows = (both.select(1, a) & both.select(1, b)).nonzero().squeeze(1);
            const std::int64_t count = rows.size(0);
            if (count < 2)
                continue;
            const torch::Tensor left = embeddings[std::size_t(a)].index_select(0, rows).to(torch::kFloat32);
            const torch::Tensor right = embeddings[std::size_t(b)].index_select(0, rows).to(torch::kFloat32);
            torch::Tensor logits = scale * left.matmul(right.t());
            const torch::Tensor sourceA = sources.index_select(0, rows).select(1, a);
            const torch::Tensor sourceB = sources.index_select(0, rows).select(1, b);
            const torch::Tensor shared = sourceA.unsqueeze(1).eq(sourceA.unsqueeze(0)) | sourceB.unsqueeze(1).eq(sourceB.unsqueeze(0));
            const torch::Tensor diagonal = torch::eye(count, torch::dtype(torch::kBool));
            logits = logits.masked_fill(shared & ~diagonal, -std::numeric_limits<float>::infinity());
            const torch::Tensor targets = torch::arange(count, torch::kInt64);
            total = total + 0.5 * (F::cross_entropy(logits, targets) + F::cross_entropy(logits.t(), targets));
            ++used;
        }
    }
    if (pairs)
        *pairs = used;
    return used > 0 ? total / double(used) : total;
}
