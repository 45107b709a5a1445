#include "core/model/script/scripts.h"

namespace modelscript {

// Bidirectional GRU text encoder: a forward GRU and a GRU over each text's reversed valid
// prefix (pads stay at the end), concatenated and projected to the model width. Needs gruOps.
const char *textGru()
{
    return R"JIT(
def forward(self, text: Tensor) -> Tuple[Tensor, Tensor]:
    valid = (text > 0).type_as(self.embedding)
    ids = text.clamp(0, self.embedding.size(0) - 1)
    x = torch.embedding(self.embedding, ids, 0)
    lengths = valid.sum(1, keepdim=True).long()
    ahead = self.run_gru(x, self.fw_ih_w, self.fw_hh_w, self.fw_ih_b, self.fw_hh_b)
    behind = self.run_gru(self.reverse_valid(x, lengths), self.bw_ih_w, self.bw_hh_w,
                            self.bw_ih_b, self.bw_hh_b)
    both = torch.cat([ahead, self.reverse_valid(behind, lengths)], 2)
    x = torch.linear(torch.dropout(both, self.dropout, self.training), self.proj_w, self.proj_b)
    return torch.layer_norm(x, [x.size(-1)], self.norm_w, self.norm_b, 1e-5), valid
)JIT";
}

} // namespace modelscript
