#include "core/model/script/scripts.h"

namespace modelscript {

// One vector per modality for the vector fusions (concat, late, gated, tensor, lowrank).
// The image keeps its layout: its tokens are pooled to a 3×3 grid, because a globally
// pooled image vector cannot say where anything is. Needs attentionOps and the attributes
// grid_h, grid_w (the image token grid) and dropout.
const char *summaryOps()
{
    return R"JIT(
def image_grid(self, image: Tensor, present: Tensor) -> Tensor:
    grid = image.transpose(1, 2).reshape(image.size(0), image.size(2), self.grid_h, self.grid_w)
    return torch.adaptive_avg_pool2d(grid, [3, 3]).flatten(1) * present[:, 1:2]

def summaries(self, text: Tensor, text_valid: Tensor, image: Tensor, audio: Tensor,
              audio_valid: Tensor, present: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
    return (self.masked_mean(text, text_valid), self.image_grid(image, present),
            self.masked_mean(audio, audio_valid))

def mlp(self, x: Tensor, w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor) -> Tensor:
    hidden = torch.dropout(torch.gelu(torch.linear(x, w1, b1)), self.dropout, self.training)
    return torch.linear(hidden, w2, b2)
)JIT";
}

} // namespace modelscript
