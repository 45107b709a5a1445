#include "core/model/script/scripts.h"

namespace modelscript {

// Conv1d text encoder: embedding plus position, then residual width-3 convolutions, so each
// token sees its neighbours. Padding is zeroed before every convolution.
const char *textConv1d()
{
    return R"JIT(
def forward(self, text: Tensor) -> Tuple[Tensor, Tensor]:
    valid = (text > 0).type_as(self.embedding)
    ids = text.clamp(0, self.embedding.size(0) - 1)
    x = torch.embedding(self.embedding, ids, 0) + self.position[: text.size(1)]
    width = [x.size(-1)]
    for layer in range(self.layers):
        h = (x * valid.unsqueeze(-1)).transpose(1, 2)
        h = torch.relu(torch.conv1d(h, self.conv_w[layer], self.conv_b[layer], [1], [1]))
        h = torch.dropout(h.transpose(1, 2), self.dropout, self.training)
        x = torch.layer_norm(x + h, width, self.norm_w[layer], self.norm_b[layer], 1e-5)
    return x, valid
)JIT";
}

} // namespace modelscript
