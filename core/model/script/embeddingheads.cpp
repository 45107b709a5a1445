#include "core/model/script/scripts.h"

namespace modelscript {

// One embedding per modality for contrastive alignment (CLIP / ImageBind style): the
// encoder's valid tokens, mean-pooled, layer-normalised and projected, then L2-normalised so
// a dot product is a cosine. They are taken before the fusion, so a query with one modality
// (a caption alone, a recording alone) has an embedding. An absent modality's row is zeros.
// logit_scale is the learnable inverse temperature (log-space, as CLIP) the contrastive loss
// reads; it is not an output. Needs attentionOps.
const char *embeddingHeads()
{
    return R"JIT(
def head(self, tokens: Tensor, valid: Tensor, present: Tensor, index: int) -> Tensor:
    pooled = self.masked_mean(tokens, valid)
    pooled = torch.layer_norm(pooled, [pooled.size(1)], self.norm_w[index], self.norm_b[index], 1e-5)
    projected = torch.linear(pooled, self.projection_w[index], self.projection_b[index])
    length = projected.norm(2, 1, True).clamp(min=1e-6)
    return projected / length * present[:, index:index + 1]

def forward(self, text: Tensor, text_valid: Tensor, image: Tensor, image_valid: Tensor, audio: Tensor,
            audio_valid: Tensor, present: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
    return (self.head(text, text_valid, present, 0), self.head(image, image_valid, present, 1),
            self.head(audio, audio_valid, present, 2))
)JIT";
}

} // namespace modelscript
