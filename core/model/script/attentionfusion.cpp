#include "core/model/script/scripts.h"

namespace modelscript {

// Attention fusion. All tokens get a modality-type embedding and join a classification token
// in a transformer whose key-padding mask hides padding and absent modalities; after each
// self-attention layer the text tokens cross-attend to the image and to the audio tokens.
// The classification token, an attention readout over the image tokens (whose attention
// distribution also feeds the logits) and the presence flags are classified together.
// Every attention map is returned. Needs attentionOps, transformerLayer and readout.
const char *attentionFusion()
{
    return R"JIT(
def cross_attend(self, query: Tensor, keys: Tensor, valid: Tensor, layer: int,
                 target: int) -> Tuple[Tensor, Tensor]:
    # target 0 = image, 1 = audio: the cross-attention parameters are stacked [L, 2, ...].
    q = torch.linear(query, self.cross_q_w[layer, target], self.cross_q_b[layer, target])
    kv = torch.linear(keys, self.cross_kv_w[layer, target], self.cross_kv_b[layer, target])
    k, v = kv.chunk(2, -1)
    mixed, weights = self.attend(q, k, v, valid, self.heads)
    return torch.linear(mixed, self.cross_out_w[layer, target], self.cross_out_b[layer, target]), weights

def forward(self, text: Tensor, text_valid: Tensor, image: Tensor, image_valid: Tensor,
            audio: Tensor, audio_valid: Tensor, present: Tensor) -> Dict[str, Tensor]:
    out: Dict[str, Tensor] = {}
    batch = text.size(0)
    image_start = 1 + text.size(1)
    audio_start = image_start + image.size(1)
    width = [text.size(2)]
    cls = self.cls_token.expand(batch, 1, text.size(2))
    x = torch.cat([cls, text + self.type_embedding[0], image + self.type_embedding[1],
                   audio + self.type_embedding[2]], 1)
    valid = torch.cat([text_valid.new_ones([batch, 1]), text_valid, image_valid, audio_valid], 1)
    keys = (valid > 0.5).unsqueeze(1).unsqueeze(1)
    image_keys = (image_valid > 0.5).unsqueeze(1).unsqueeze(1)
    audio_keys = (audio_valid > 0.5).unsqueeze(1).unsqueeze(1)
    for layer in range(self.layers):
        x, weights = self.transformer_layer(x, keys, layer)
        out["attn/all->all/" + str(layer)] = weights
        words = x[:, 1:image_start]
        query = torch.layer_norm(words, width, self.cross_norm_w[layer], self.cross_norm_b[layer], 1e-5)
        seen, to_image = self.cross_attend(query, x[:, image_start:audio_start], image_keys, layer, 0)
        heard, to_audio = self.cross_attend(query, x[:, audio_start:], audio_keys, layer, 1)
        out["attn/text->image/" + str(layer)] = to_image
        out["attn/text->audio/" + str(layer)] = to_audio
        words = words + torch.dropout(seen + heard, self.dropout, self.training)
        x = torch.cat([x[:, :1], words, x[:, image_start:]], 1)
    x = torch.layer_norm(x, width, self.final_norm_w, self.final_norm_b, 1e-5)
    text_summary = self.masked_mean(x[:, 1:image_start], text_valid)
    audio_summary = self.masked_mean(x[:, audio_start:], audio_valid)
    context, pointer, pointer_logits = self.readout(x[:, image_start:audio_start], image_valid,
                                                    text_summary, audio_summary, present)
    out["attn/readout->image/0"] = pointer
    fused = torch.cat([x[:, 0], context, present], 1)
    hidden = torch.gelu(torch.linear(fused, self.hidden_w, self.hidden_b))
    out["embedding"] = hidden
    hidden = torch.dropout(hidden, self.dropout, self.training)
    out["logits"] = torch.linear(hidden, self.classifier_w, self.classifier_b) + pointer_logits
    return out
)JIT";
}

} // namespace modelscript
