#include "core/model/script/scripts.h"

namespace modelscript {

// Tensor fusion (TFN): small per-modality projections h, each extended to [1; h] (h is zero
// when the modality is absent), and their three-way outer product, which holds every
// unimodal, bimodal and trimodal interaction; an MLP classifies it with the presence flags.
// Needs attentionOps and summaryOps.
const char *tensorFusion()
{
    return R"JIT(
def forward(self, text: Tensor, text_valid: Tensor, image: Tensor, image_valid: Tensor,
            audio: Tensor, audio_valid: Tensor, present: Tensor) -> Dict[str, Tensor]:
    t, i, a = self.summaries(text, text_valid, image, audio, audio_valid, present)
    one = present.new_ones([present.size(0), 1])
    zt = torch.cat([one, torch.relu(torch.linear(t, self.text_w, self.text_b)) * present[:, 0:1]], 1)
    zi = torch.cat([one, torch.relu(torch.linear(i, self.image_w, self.image_b)) * present[:, 1:2]], 1)
    za = torch.cat([one, torch.relu(torch.linear(a, self.audio_w, self.audio_b)) * present[:, 2:3]], 1)
    product = zt.unsqueeze(2).unsqueeze(3) * zi.unsqueeze(1).unsqueeze(3) * za.unsqueeze(1).unsqueeze(2)
    fused = torch.cat([product.flatten(1), present], 1)
    hidden = torch.gelu(torch.linear(fused, self.hidden_w, self.hidden_b))
    out: Dict[str, Tensor] = {}
    out["embedding"] = hidden
    hidden = torch.dropout(hidden, self.dropout, self.training)
    out["logits"] = torch.linear(hidden, self.classifier_w, self.classifier_b)
    return out
)JIT";
}

} // namespace modelscript
