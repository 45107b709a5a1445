#include "core/model/script/scripts.h"

namespace modelscript {

// Convolution, normalisation and ReLU: the building block of the image and audio CNNs.
// Batch norm keeps running statistics in buffers and uses them in eval mode; group norm
// normalises each sample on its own, so absent samples in a batch never shift the others.
const char *convBlockBatchNorm()
{
    return R"JIT(
def forward(self, x: Tensor) -> Tensor:
    x = torch.conv2d(x, self.weight, None, [self.stride_h, self.stride_w], [1, 1])
    x = torch.batch_norm(x, self.norm_w, self.norm_b, self.running_mean, self.running_var,
                         self.training, 0.1, 1e-5, False)
    return torch.relu(x)
)JIT";
}

const char *convBlockGroupNorm()
{
    return R"JIT(
def forward(self, x: Tensor) -> Tensor:
    x = torch.conv2d(x, self.weight, None, [self.stride_h, self.stride_w], [1, 1])
    x = torch.group_norm(x, self.groups, self.norm_w, self.norm_b, 1e-5, False)
    return torch.relu(x)
)JIT";
}

} // namespace modelscript
