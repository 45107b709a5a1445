#include "core/model/script/scripts.h"

namespace modelscript {

// Transformer text encoder: embedding plus position, then pre-norm self-attention layers
// that never attend to padding. Needs attentionOps and transformerLayer.
const char *textTransformer()
{
    return R"JIT(
def forward(self, text: Tensor) -> Tuple[Tensor, Tensor]:
    valid = (text > 0).type_as(self.embedding)
    ids = text.clamp(0, self.embedding.size(0) - 1)
    x = torch.embedding(self.embedding, ids, 0) + self.position[: text.size(1)]
    keys = (valid > 0.5).unsqueeze(1).unsqueeze(1)
    for layer in range(self.layers):
        x, weights = self.transformer_layer(x, keys, layer)
    return torch.layer_norm(x, [x.size(-1)], self.final_norm_w, self.final_norm_b, 1e-5), valid
)JIT";
}

} // namespace modelscript
