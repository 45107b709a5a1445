#include "core/model/script/scripts.h"

namespace modelscript {

// Mean-embedding text encoder: token embedding plus position embedding, nothing else; the
// fusion pools the tokens (a bag of words that still knows word order a little).
const char *textMean()
{
    return R"JIT(
def forward(self, text: Tensor) -> Tuple[Tensor, Tensor]:
    valid = (text > 0).type_as(self.embedding)
    ids = text.clamp(0, self.embedding.size(0) - 1)
    x = torch.embedding(self.embedding, ids, 0) + self.position[: text.size(1)]
    return x, valid
)JIT";
}

} // namespace modelscript
