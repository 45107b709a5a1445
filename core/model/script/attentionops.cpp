#include "core/model/script/scripts.h"

namespace modelscript {

// Attention primitives shared by the encoders and fusions. A key is attended only where
// `valid` is true; a query row with no valid key (its modality is absent) gets all-zero
// weights instead of NaN or a uniform spread over keys that must not count.
const char *attentionOps()
{
    return R"JIT(
def masked_softmax(self, scores: Tensor, valid: Tensor) -> Tensor:
    any_valid = valid.any(-1, keepdim=True)
    scores = scores.masked_fill(~valid, float("-inf")).masked_fill(~any_valid, 0.0)
    return torch.softmax(scores, -1) * valid.type_as(scores)

def masked_log_softmax(self, scores: Tensor, valid: Tensor) -> Tensor:
    # Log-probabilities over the valid keys, 0 (not -inf or NaN) wherever a key is invalid.
    any_valid = valid.any(-1, keepdim=True)
    scores = scores.masked_fill(~valid, float("-inf")).masked_fill(~any_valid, 0.0)
    return torch.log_softmax(scores, -1).masked_fill(~valid, 0.0)

def split_heads(self, x: Tensor, heads: int) -> Tensor:
    return x.reshape(x.size(0), x.size(1), heads, x.size(2) // heads).transpose(1, 2)

def attend(self, q: Tensor, k: Tensor, v: Tensor, valid: Tensor, heads: int) -> Tuple[Tensor, Tensor]:
    # q [B,Tq,D], k and v [B,Tk,D] already projected; valid broadcasts to [B,heads,Tq,Tk].
    qh = self.split_heads(q, heads)
    kh = self.split_heads(k, heads)
    vh = self.split_heads(v, heads)
    scale = float(qh.size(-1)) ** -0.5
    weights = self.masked_softmax(torch.matmul(qh, kh.transpose(-2, -1)) * scale, valid)
    mixed = torch.matmul(weights, vh).transpose(1, 2).reshape(q.size(0), q.size(1), q.size(2))
    return mixed, weights

def masked_mean(self, tokens: Tensor, valid: Tensor) -> Tensor:
    # Mean over the valid tokens; an absent modality pools to exact zeros.
    weight = valid.unsqueeze(-1)
    summed = tokens.masked_fill(weight <= 0.0, 0.0).sum(1)
    return summed / weight.sum(1).clamp(min=1.0)
)JIT";
}

} // namespace modelscript
