#include "core/model/script/scripts.h"

namespace modelscript {

// Image CNN: three stride-2 blocks take S×S to an (S/8)×(S/8) grid; a stride-1 residual block
// widens each token's receptive field (15 → 31 pixels) so a token sees a whole object, not a
// corner of it; a 2D position embedding (row + column) tells every token where it sits.
const char *imageCnn()
{
    return R"JIT(
def forward(self, image: Tensor) -> Tuple[Tensor, Tensor]:
    x = self.block0.forward(image)
    x = self.block1.forward(x)
    x = self.block2.forward(x)
    x = x + self.block3.forward(x)
    if x.size(2) != self.grid_h or x.size(3) != self.grid_w:
        raise ValueError("image encoder: the image does not give the model's token grid; expected images of " + str(self.image_size) + "x" + str(self.image_size) + " pixels")
    tokens = x.flatten(2).transpose(1, 2)
    position = (self.row_embedding.unsqueeze(1) + self.col_embedding.unsqueeze(0)).flatten(0, 1)
    tokens = torch.layer_norm(tokens + position, [tokens.size(-1)], self.norm_w, self.norm_b, 1e-5)
    return tokens, tokens.new_ones([tokens.size(0), tokens.size(1)])
)JIT";
}

} // namespace modelscript
