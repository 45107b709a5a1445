#include "core/model/script/scripts.h"

namespace modelscript {

// Early fusion: the modality summaries (absent ones are zero) and the presence flags,
// concatenated and classified by an MLP. Needs attentionOps and summaryOps.
const char *concatFusion()
{
    return R"JIT(
def forward(self, text: Tensor, text_valid: Tensor, image: Tensor, image_valid: Tensor,
            audio: Tensor, audio_valid: Tensor, present: Tensor) -> Dict[str, Tensor]:
    t, i, a = self.summaries(text, text_valid, image, audio, audio_valid, present)
    fused = torch.cat([t, i, a, present], 1)
    hidden = torch.gelu(torch.linear(fused, self.hidden_w, self.hidden_b))
    out: Dict[str, Tensor] = {}
    out["embedding"] = hidden
    hidden = torch.dropout(hidden, self.dropout, self.training)
    out["logits"] = torch.linear(hidden, self.classifier_w, self.classifier_b)
    return out
)JIT";
}

} // namespace modelscript
