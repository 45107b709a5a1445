#pragma once

#include "core/data/dataset.h"
#include "core/util/progress.h"

#include <memory>

/**
 * `dataset` itself when it was read with the tokenizer and preprocessing `options` asks for
 * (a model's own, Explainer/EmbeddingExplorer::datasetOptions), else the same manifest read
 * again with them — the GUI's copy was prepared for training a new model. nullptr when
 * cancelled, or with *error when the reread fails. Any thread; the feature cache makes the
 * reread cheap when only the tokenizer differs.
 */
std::shared_ptr<const Dataset> datasetReadAs(std::shared_ptr<const Dataset> dataset, const DatasetOptions &options,
                                             QString *error, const ProgressCallback &progress = {},
                                             const CancelFlag *cancel = nullptr);
