#include "core/model/script/scripts.h"

namespace modelscript {

// Audio GRU over frames: pairs of mel frames are stacked and projected (halving the steps the
// recurrence walks), then a bidirectional GRU whose states are projected back to the model
// width. Every frame is valid: clips are cropped or padded to a fixed duration. Needs gruOps.
const char *audioGru()
{
    return R"JIT(
def forward(self, audio: Tensor) -> Tuple[Tensor, Tensor]:
    frames = audio.squeeze(1).transpose(1, 2)
    steps = frames.size(1) // 2
    frames = frames[:, : steps * 2].reshape(frames.size(0), steps, frames.size(2) * 2)
    x = torch.gelu(torch.linear(frames, self.in_w, self.in_b))
    ahead = self.run_gru(x, self.fw_ih_w, self.fw_hh_w, self.fw_ih_b, self.fw_hh_b)
    behind = self.run_gru(x.flip([1]), self.bw_ih_w, self.bw_hh_w, self.bw_ih_b, self.bw_hh_b)
    both = torch.cat([ahead, behind.flip([1])], 2)
    x = torch.linear(torch.dropout(both, self.dropout, self.training), self.proj_w, self.proj_b)
    tokens = torch.layer_norm(x, [x.size(-1)], self.norm_w, self.norm_b, 1e-5)
    return tokens, tokens.new_ones([tokens.size(0), tokens.size(1)])
)JIT";
}

} // namespace modelscript
