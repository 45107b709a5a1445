#include "core/model/script/scripts.h"

namespace modelscript {

// Wrapper around a user's TorchScript encoder (submodule `net`, forward(x: Tensor) -> Tensor
// shaped [B,N,D'] or [B,D']): a vector becomes one token, and a linear projection brings D'
// to the model width.
const char *userEncoder()
{
    return R"JIT(
def forward(self, x: Tensor) -> Tuple[Tensor, Tensor]:
    y = self.net.forward(x)
    if y.dim() == 2:
        y = y.unsqueeze(1)
    if y.dim() != 3 or y.size(1) != self.tokens or y.size(2) != self.proj_w.size(1):
        raise ValueError("user encoder: output shape changed since the model was built")
    tokens = torch.linear(y, self.proj_w, self.proj_b)
    tokens = torch.layer_norm(tokens, [tokens.size(-1)], self.norm_w, self.norm_b, 1e-5)
    return tokens, tokens.new_ones([tokens.size(0), tokens.size(1)])
)JIT";
}

} // namespace modelscript
