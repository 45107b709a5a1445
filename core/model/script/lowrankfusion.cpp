#include "core/model/script/scripts.h"

namespace modelscript {

// Low-rank multimodal fusion (LMF): the TFN product computed without forming it, through
// rank-r modality-specific factors applied to [1; h] and multiplied elementwise.
// Needs attentionOps and summaryOps.
const char *lowrankFusion()
{
    return R"JIT(
def forward(self, text: Tensor, text_valid: Tensor, image: Tensor, image_valid: Tensor,
            audio: Tensor, audio_valid: Tensor, present: Tensor) -> Dict[str, Tensor]:
    t, i, a = self.summaries(text, text_valid, image, audio, audio_valid, present)
    one = present.new_ones([present.size(0), 1])
    ft = torch.matmul(torch.cat([one, t], 1), self.text_factor)
    fi = torch.matmul(torch.cat([one, i], 1), self.image_factor)
    fa = torch.matmul(torch.cat([one, a], 1), self.audio_factor)
    fused = (ft * fi * fa * self.rank_weight.view(-1, 1, 1)).sum(0) + self.fusion_bias
    out: Dict[str, Tensor] = {}
    out["embedding"] = fused
    fused = torch.cat([fused, present], 1)
    out["logits"] = self.mlp(fused, self.hidden_w, self.hidden_b, self.classifier_w, self.classifier_b)
    return out
)JIT";
}

} // namespace modelscript
