// The checkpoint reader (checkpoints/last.pt, best.pt): readCheckpointState, then
// loadCheckpoint and loadWeights into a tiny module shaped like the seed corpus's
// (fusionscope_fuzz_seeds writes its checkpoints from the same module).
#include "core/train/checkpoint.h"
#include "fuzz/checkpointmodule.h"
#include "fuzz/scratchfile.h"

#include <torch/torch.h>

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    static torch::jit::Module module = makeCheckpointModule();
    static const std::unique_ptr<torch::optim::Optimizer> optimizer = makeCheckpointOptimizer(module);
    const QString path = ScratchFolder::instance().write(QStringLiteral("last.pt"), data, size);
    TrainState state;
    QString error;
    readCheckpointState(path, &state, &error);
    loadCheckpoint(path, module, *optimizer, &state, &error);
    loadWeights(path, module, &error);
    return 0;
}
