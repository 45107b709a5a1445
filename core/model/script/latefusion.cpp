#include "core/model/script/scripts.h"

namespace modelscript {

// Late fusion: one classifier per modality; the logits are averaged over the modalities
// present (a sample with none gets zero logits). Needs attentionOps and summaryOps.
const char *lateFusion()
{
    return R"JIT(
def forward(self, text: Tensor, text_valid: Tensor, image: Tensor, image_valid: Tensor,
            audio: Tensor, audio_valid: Tensor, present: Tensor) -> Dict[str, Tensor]:
    t, i, a = self.summaries(text, text_valid, image, audio, audio_valid, present)
    votes = torch.stack([
        self.mlp(t, self.text1_w, self.text1_b, self.text2_w, self.text2_b),
        self.mlp(i, self.image1_w, self.image1_b, self.image2_w, self.image2_b),
        self.mlp(a, self.audio1_w, self.audio1_b, self.audio2_w, self.audio2_b)], 1)
    weights = present / present.sum(1, keepdim=True).clamp(min=1.0)
    out: Dict[str, Tensor] = {}
    out["logits"] = (votes * weights.unsqueeze(-1)).sum(1)
    out["modality_weights"] = weights
    return out
)JIT";
}

} // namespace modelscript
