#include "core/model/script/scripts.h"

namespace modelscript {

// The model contract: forward(text, image, audio, present) -> Dict[str, Tensor]. Inputs are
// checked against the shapes the model was built for, each encoder turns its modality into
// tokens, and presence turns an absent modality's tokens invalid (and zero, so not even a
// NaN in an absent input can leak) before the fusion sees them. Next to the fusion's outputs
// stand embed/text, embed/image and embed/audio: each modality's own normalised embedding
// (zeros where absent), what contrastive training aligns and retrieval searches.
const char *model()
{
    return R"JIT(
def check_inputs(self, text: Tensor, image: Tensor, audio: Tensor, present: Tensor):
    if text.dim() != 2 or text.size(1) != self.text_length or text.is_floating_point():
        raise ValueError("model input: text must be int64 [B," + str(self.text_length) + "], got " + str(text.size()))
    batch = text.size(0)
    if (image.dim() != 4 or image.size(0) != batch or image.size(1) != 3
            or image.size(2) != self.image_size or image.size(3) != self.image_size):
        raise ValueError("model input: image must be float [B,3," + str(self.image_size) + "," + str(self.image_size) + "], got " + str(image.size()))
    if (audio.dim() != 4 or audio.size(0) != batch or audio.size(1) != 1
            or audio.size(2) != self.mel_bins or audio.size(3) != self.audio_frames):
        raise ValueError("model input: audio must be float [B,1," + str(self.mel_bins) + "," + str(self.audio_frames) + "], got " + str(audio.size()))
    if present.dim() != 2 or present.size(0) != batch or present.size(1) != 3:
        raise ValueError("model input: present must be float [B,3], got " + str(present.size()))

def forward(self, text: Tensor, image: Tensor, audio: Tensor, present: Tensor) -> Dict[str, Tensor]:
    self.check_inputs(text, image, audio, present)
    text_tokens, text_valid = self.text_encoder.forward(text)
    image_tokens, image_valid = self.image_encoder.forward(image)
    audio_tokens, audio_valid = self.audio_encoder.forward(audio)
    present = present.type_as(text_tokens)
    text_valid = text_valid * present[:, 0:1]
    image_valid = image_valid * present[:, 1:2]
    audio_valid = audio_valid * present[:, 2:3]
    text_tokens = text_tokens.masked_fill(text_valid.unsqueeze(-1) <= 0.0, 0.0)
    image_tokens = image_tokens.masked_fill(image_valid.unsqueeze(-1) <= 0.0, 0.0)
    audio_tokens = audio_tokens.masked_fill(audio_valid.unsqueeze(-1) <= 0.0, 0.0)
    out = self.fusion.forward(text_tokens, text_valid, image_tokens, image_valid, audio_tokens,
                              audio_valid, present)
    text_embedding, image_embedding, audio_embedding = self.embedding_heads.forward(
        text_tokens, text_valid, image_tokens, image_valid, audio_tokens, audio_valid, present)
    out["embed/text"] = text_embedding
    out["embed/image"] = image_embedding
    out["embed/audio"] = audio_embedding
    return out
)JIT";
}

} // namespace modelscript
