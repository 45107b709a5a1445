#pragma once

// Internal to core (includes torch): what `fusionscope retrieve` and the Embeddings tab share.

#include "core/eval/modelio.h"
#include "core/eval/retrievalindex.h"
#include "core/util/progress.h"

#include <vector>

/**
 * Fills *index with every sample's per-modality embeddings of `dataset` (row i = sample i),
 * one batched pass. False with *error when the model lacks the outputs or is cancelled.
 */
bool buildRetrievalIndex(LoadedModel &model, const Dataset &dataset, const QString &key, RetrievalIndex *index,
                         QString *error, const ProgressCallback &progress = {}, const CancelFlag *cancel = nullptr);

/**
 * A caption (modality 0) or an image or audio file (1, 2), read exactly as the model reads its
 * data — a one-sample dataset in a temporary folder, with the model's tokenizer and
 * preprocessing — and its embedding of that modality in *query. False with *error naming the
 * file and why it cannot be used (missing, undecodable, empty).
 */
bool embedRetrievalQuery(LoadedModel &model, int modality, const QString &value, std::vector<float> *query,
                         QString *error);
