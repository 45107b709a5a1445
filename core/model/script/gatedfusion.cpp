#include "core/model/script/scripts.h"

namespace modelscript {

// Gated fusion: each modality is projected to the model width; a gate computed from all of
// them and the presence flags gives per-sample weights (softmax over the modalities present),
// and the weighted sum is classified. The weights are returned as "modality_weights".
// Needs attentionOps and summaryOps.
const char *gatedFusion()
{
    return R"JIT(
def forward(self, text: Tensor, text_valid: Tensor, image: Tensor, image_valid: Tensor,
            audio: Tensor, audio_valid: Tensor, present: Tensor) -> Dict[str, Tensor]:
    t, i, a = self.summaries(text, text_valid, image, audio, audio_valid, present)
    features = torch.stack([
        torch.gelu(torch.linear(t, self.text_w, self.text_b)),
        torch.gelu(torch.linear(i, self.image_w, self.image_b)),
        torch.gelu(torch.linear(a, self.audio_w, self.audio_b))], 1)
    features = features * present.unsqueeze(-1)
    scores = torch.linear(torch.cat([features.flatten(1), present], 1), self.gate_w, self.gate_b)
    weights = self.masked_softmax(scores, present > 0.5)
    fused = (features * weights.unsqueeze(-1)).sum(1)
    out: Dict[str, Tensor] = {}
    out["logits"] = self.mlp(fused, self.hidden_w, self.hidden_b, self.classifier_w, self.classifier_b)
    out["modality_weights"] = weights
    out["embedding"] = fused
    return out
)JIT";
}

} // namespace modelscript
