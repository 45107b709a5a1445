#pragma once

// Internal to core (includes torch).

#include "core/data/dataset.h"
#include "core/eval/evalreport.h"
#include "core/eval/modelmeta.h"
#include "core/train/trainconfig.h"

#include <torch/script.h>

#include <QtCore/QJsonArray>
#include <QtCore/QJsonObject>

#include <cmath>

/** How a finished run did: what report.json and the exported model's metrics record. */
struct RunOutcome
{
    bool hasTest = false;        ///< false when the dataset has no labeled test samples
    EvalReport test;
    double valLoss = 0.0;        ///< NaN without a validation split
    double valAccuracy = 0.0;    ///< regress: the mean R²
    int valSamples = 0;
    int trainSamples = 0;
    double trainingSeconds = 0.0;
    int epochsTrained = 0;
    qint64 steps = 0;
    bool stoppedEarly = false;
    double bestValLoss = 0.0;
    QJsonArray testRetrieval;    ///< contrastive runs: retrievalJson() on the test split; empty otherwise
    QJsonObject testProbe;       ///< contrastive runs with classes: EmbeddingProbe::toJson() on the test split
    double valRecallAt1 = std::nan(""); ///< contrastive runs: mean R@1 on validation
};

/**
 * Writes model.pt (the module with labels, preprocessing, training config and final metrics
 * in its meta.json, and the dataset's tokenizer) and report.json into runDir.
 */
bool writeRunResults(const QString &runDir, const torch::jit::Module &module, ModelMeta meta, const Dataset &dataset,
                     const TrainConfig &config, const RunOutcome &outcome, QString *error);
