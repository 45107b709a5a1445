#include "core/model/script/scripts.h"

namespace modelscript {

// Audio CNN over the log-mel grid [B,1,M,F]: three blocks, each stride 2 in mel and in time;
// the remaining mel axis is folded into the channels and projected, giving one token per
// eight frames (80 ms at the default hop, a fraction of a spoken word) with a time position
// embedding.
const char *audioCnn()
{
    return R"JIT(
def forward(self, audio: Tensor) -> Tuple[Tensor, Tensor]:
    x = self.block0.forward(audio)
    x = self.block1.forward(x)
    x = self.block2.forward(x)
    if x.size(3) != self.position.size(0):
        raise ValueError("audio encoder: expected " + str(self.audio_frames) + " spectrogram frames")
    frames = x.permute(0, 3, 1, 2).flatten(2)
    tokens = torch.linear(frames, self.proj_w, self.proj_b) + self.position
    tokens = torch.layer_norm(tokens, [tokens.size(-1)], self.norm_w, self.norm_b, 1e-5)
    return tokens, tokens.new_ones([tokens.size(0), tokens.size(1)])
)JIT";
}

} // namespace modelscript
