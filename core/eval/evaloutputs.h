#pragma once

// Internal to core (includes torch): files `fusionscope eval` writes besides its report.

#include "core/data/batch.h"
#include "core/eval/evaluator.h"
#include "core/eval/multilabelevaluator.h"
#include "core/eval/regressionevaluator.h"

#include <torch/script.h>

/**
 * One JSON line per sample: {"id","label","predicted","probabilities":{class:p}}; "label"
 * is null for an unlabeled sample. Written atomically. False with a reason on failure.
 */
bool writePredictions(const QString &path, const Dataset &dataset, const std::vector<SamplePrediction> &predictions,
                      const QStringList &classNames, QString *error);

/**
 * One JSON line per sample: {"id","target":{name: value or null},"predicted":{name: value}},
 * values in the dataset's units; "target" is null for a sample without targets. Atomic.
 */
bool writeRegressionPredictions(const QString &path, const Dataset &dataset,
                                const std::vector<RegressionPrediction> &predictions, const TaskSpec &task, QString *error);

/**
 * One JSON line per sample: {"id","tags":[…] or null,"predicted":[…],"probabilities":{tag: p}}:
 * the sample's tags the model knows, the tags whose probability reaches their threshold. Atomic.
 */
bool writeTagPredictions(const QString &path, const Dataset &dataset, const std::vector<TagPrediction> &predictions,
                         const TaskSpec &task, QString *error);

/**
 * Runs `batch` through the module (eval mode, no grad) and writes its input tensors and the
 * logits as one torch::pickle_save archive: a dict {"text","image","audio","present",
 * "labels","logits"} that Python reads with torch.load(path). Labels use the model's class
 * indices (`labels`, -1 = unlabeled). *logits receives the logits. False with a reason.
 */
bool dumpBatch(const QString &path, torch::jit::Module &module, const Batch &batch, const at::Tensor &labels,
               at::Tensor *logits, QString *error);
