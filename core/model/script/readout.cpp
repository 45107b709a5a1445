#include "core/model/script/scripts.h"

#include <string>

namespace modelscript {

// Attention-to-logits readout: a query built from what the text and the audio ask for
// attends over the image tokens, and the attention distribution itself is mapped to the
// classes by a learned linear layer whose output is added to the logits. That lets a model
// answer "which region" without assuming anything about what the classes mean. The map reads
// the log of the distribution (zero where a token is absent): its gradient reaches every
// token's score directly, where the distribution's own is tiny while attention is still flat,
// and that is what lets the query and the map learn together. Needs attentionOps and the
// attribute heads.
namespace {

const char kReadoutBody[] = R"JIT(
def readout(self, image: Tensor, image_valid: Tensor, text_summary: Tensor,
            audio_summary: Tensor, present: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
    query = torch.cat([text_summary, audio_summary, present], 1)
    query = torch.gelu(torch.linear(query, self.query1_w, self.query1_b))
    query = torch.linear(query, self.query2_w, self.query2_b).unsqueeze(1)
    keys = self.split_heads(torch.linear(image, self.key_w, self.key_b), self.heads)
    values = self.split_heads(torch.linear(image, self.value_w, self.value_b), self.heads)
    valid = image_valid.unsqueeze(1).unsqueeze(1) > 0.5
    scores = torch.matmul(self.split_heads(query, self.heads), keys.transpose(-2, -1))
    log_weights = self.masked_log_softmax(scores * (float(keys.size(-1)) ** -0.5), valid)
    weights = log_weights.exp() * valid.type_as(log_weights)
    context = torch.matmul(weights, values).flatten(1)
    # log(n·weight): 0 for flat attention, so an untrained readout adds nothing to the logits.
    tokens = valid.type_as(log_weights).sum(-1, keepdim=True).clamp(min=1.0)
    centred = (log_weights + tokens.log()).masked_fill(~valid, 0.0)
    pointer_logits = torch.linear(centred.flatten(1), self.pointer_w, self.pointer_b)
)JIT";

// Value models add a linear map of the weights themselves (n·weight − 1: zero while attention
// is flat): a value such as "where is the target" is an expectation over positions, which a
// linear map of log-weights cannot form.
const char kValueTerm[] = R"JIT(    spread = (weights * tokens - 1.0).masked_fill(~valid, 0.0)
    pointer_logits = pointer_logits + torch.linear(spread.flatten(1), self.pointer_value_w, self.pointer_value_b)
)JIT";

const char kReturn[] = "    return context, weights, pointer_logits\n";

} // namespace

const char *readout(bool valueOutputs)
{
    static const std::string classes = std::string(kReadoutBody) + kReturn;
    static const std::string values = std::string(kReadoutBody) + kValueTerm + kReturn;
    return (valueOutputs ? values : classes).c_str();
}

} // namespace modelscript
