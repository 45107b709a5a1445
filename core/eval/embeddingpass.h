#pragma once

// Internal to core (includes torch).

#include "core/data/dataset.h"
#include "core/eval/embeddingtable.h"
#include "core/eval/retrieval.h"
#include "core/util/progress.h"

#include <torch/script.h>

#include <string>
#include <vector>

/** The model contract's embedding outputs: the fused one and each modality's own. */
inline constexpr const char *kFusedEmbedding = "embedding";
inline constexpr const char *kModalityEmbeddings[3] = {"embed/text", "embed/image", "embed/audio"};
/**
 * Not an output but made from them: the sample's present modality embeddings summed and
 * L2-normalised (their normalised mean, ImageBind's way of combining aligned modalities). What
 * stands for a whole sample in a contrastive model, whose fusion was never trained.
 */
inline constexpr const char *kJointEmbedding = "joint";

/**
 * The model's [B, D] outputs `names` (e.g. "embedding", "embed/text") for `indices`, one
 * table each in `names` order, from one batched pass under eval() and inference mode in the
 * caller's precision (read back as fp32). False with *error when the model returns no such
 * tensor (naming the outputs it does return), when a forward fails (naming the samples), or
 * when cancelled. `kJointEmbedding` may be one of the names.
 */
bool computeEmbeddingOutputs(torch::jit::Module &module, const Dataset &dataset, const std::vector<int> &indices,
                             int batchSize, const std::vector<std::string> &names, std::vector<EmbeddingTable> *tables,
                             QString *error, const ProgressCallback &progress = {}, const CancelFlag *cancel = nullptr);

/** One output's table (the fused "embedding" by default). */
bool computeEmbeddings(torch::jit::Module &module, const Dataset &dataset, const std::vector<int> &indices, int batchSize,
                       EmbeddingTable *table, QString *error, const ProgressCallback &progress = {},
                       const CancelFlag *cancel = nullptr, const std::string &name = kFusedEmbedding);

/** A table as a [rows, dim] float tensor sharing nothing with it. */
torch::Tensor embeddingTensor(const EmbeddingTable &table);


/**
 * Cross-modal retrieval over `indices` (retrievalScores) from one pass of the per-modality
 * embeddings, with class-level precision where the dataset's labels are classes. False with
 * *error as computeEmbeddingOutputs; a model without those outputs says so there.
 */
bool computeRetrieval(torch::jit::Module &module, const Dataset &dataset, const std::vector<int> &indices, int batchSize,
                      std::vector<RetrievalScore> *scores, QString *error, const ProgressCallback &progress = {},
                      const CancelFlag *cancel = nullptr);
