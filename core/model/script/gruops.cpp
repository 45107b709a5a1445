#include "core/model/script/scripts.h"

namespace modelscript {

// GRU helpers over torch.gru. reverse_valid flips each sequence's valid prefix in place
// (padding stays at the end), so a backward GRU starts at the last real token, not at pad.
const char *gruOps()
{
    return R"JIT(
def run_gru(self, x: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    h0 = x.new_zeros([1, x.size(0), w_hh.size(1)])
    out, last = torch.gru(x, h0, [w_ih, w_hh, b_ih, b_hh], True, 1, 0.0, self.training, False, True)
    return out

def reverse_valid(self, x: Tensor, lengths: Tensor) -> Tensor:
    steps = torch.arange(x.size(1), device=x.device).unsqueeze(0)
    index = torch.where(steps < lengths, lengths - 1 - steps, steps)
    return x.gather(1, index.unsqueeze(-1).expand(-1, -1, x.size(2)))
)JIT";
}

} // namespace modelscript
