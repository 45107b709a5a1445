#include "core/model/script/scripts.h"

namespace modelscript {

// One pre-norm transformer layer; parameters are stacked over layers ([L, ...]) so a loop
// can index them. `valid` broadcasts to [B,heads,T,T]: a key-padding mask, or an adjacency
// mask for the graph fusion. Needs attentionOps and the attributes heads and dropout.
const char *transformerLayer()
{
    return R"JIT(
def transformer_layer(self, x: Tensor, valid: Tensor, layer: int) -> Tuple[Tensor, Tensor]:
    width = [x.size(-1)]
    h = torch.layer_norm(x, width, self.norm1_w[layer], self.norm1_b[layer], 1e-5)
    q, k, v = torch.linear(h, self.qkv_w[layer], self.qkv_b[layer]).chunk(3, -1)
    mixed, weights = self.attend(q, k, v, valid, self.heads)
    mixed = torch.linear(mixed, self.out_w[layer], self.out_b[layer])
    x = x + torch.dropout(mixed, self.dropout, self.training)
    h = torch.layer_norm(x, width, self.norm2_w[layer], self.norm2_b[layer], 1e-5)
    h = torch.gelu(torch.linear(h, self.ff1_w[layer], self.ff1_b[layer]))
    h = torch.linear(h, self.ff2_w[layer], self.ff2_b[layer])
    return x + torch.dropout(h, self.dropout, self.training), weights
)JIT";
}

} // namespace modelscript
