#pragma once

// Internal to core (includes torch).

#include "core/data/dataset.h"
#include "core/eval/embeddingtable.h"
#include "core/util/progress.h"

#include <torch/script.h>

/**
 * The model's fused "embedding" output ([B, D], the model contract's optional output) for
 * `indices`, batched under eval() and inference mode in the caller's precision (read back
 * as fp32). False with *error when the model returns no such tensor (naming the outputs it
 * does return), when a forward fails (naming the samples), or when cancelled.
 */
bool computeEmbeddings(torch::jit::Module &module, const Dataset &dataset, const std::vector<int> &indices, int batchSize,
                       EmbeddingTable *table, QString *error, const ProgressCallback &progress = {},
                       const CancelFlag *cancel = nullptr);
