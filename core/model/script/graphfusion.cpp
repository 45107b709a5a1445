#include "core/model/script/scripts.h"

namespace modelscript {

// Graph fusion: text-token, image-patch and audio-frame nodes (with a modality-type
// embedding) exchange messages along a fixed adjacency (built in C++: neighbouring tokens,
// 4-neighbour patches, neighbouring frames, self-loops, and every cross-modal pair) with
// GAT-style multi-head attention restricted to the edges whose ends are both present. Each
// layer's edge attention is returned as "attn/graph/<layer>". The readout is the same
// attention-to-logits readout over the image nodes as the attention fusion's.
// Needs attentionOps, transformerLayer and readout.
const char *graphFusion()
{
    return R"JIT(
def forward(self, text: Tensor, text_valid: Tensor, image: Tensor, image_valid: Tensor,
            audio: Tensor, audio_valid: Tensor, present: Tensor) -> Dict[str, Tensor]:
    out: Dict[str, Tensor] = {}
    image_start = text.size(1)
    audio_start = image_start + image.size(1)
    x = torch.cat([text + self.type_embedding[0], image + self.type_embedding[1],
                   audio + self.type_embedding[2]], 1)
    if x.size(1) != self.adjacency.size(0):
        raise ValueError("graph fusion: the inputs give " + str(x.size(1)) + " nodes, the graph has " + str(self.adjacency.size(0)))
    valid = torch.cat([text_valid, image_valid, audio_valid], 1)
    edges = self.adjacency.unsqueeze(0).unsqueeze(0) & (valid > 0.5).unsqueeze(1).unsqueeze(1)
    for layer in range(self.layers):
        x, weights = self.transformer_layer(x, edges, layer)
        out["attn/graph/" + str(layer)] = weights
    x = torch.layer_norm(x, [x.size(2)], self.final_norm_w, self.final_norm_b, 1e-5)
    text_summary = self.masked_mean(x[:, :image_start], text_valid)
    audio_summary = self.masked_mean(x[:, audio_start:], audio_valid)
    context, pointer, pointer_logits = self.readout(x[:, image_start:audio_start], image_valid,
                                                    text_summary, audio_summary, present)
    out["attn/readout->image/0"] = pointer
    fused = torch.cat([self.masked_mean(x, valid), context, present], 1)
    hidden = torch.gelu(torch.linear(fused, self.hidden_w, self.hidden_b))
    out["embedding"] = hidden
    hidden = torch.dropout(hidden, self.dropout, self.training)
    out["logits"] = torch.linear(hidden, self.classifier_w, self.classifier_b) + pointer_logits
    return out
)JIT";
}

} // namespace modelscript
