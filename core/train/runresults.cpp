#include "core/train/runresults.h"

#include "core/eval/modelio.h"
#include "core/train/runconfig.h"
#include "core/util/jsonnumber.h"

#include <cmath>

bool writeRunResults(const QString &runDir, const torch::jit::Module &module, ModelMeta meta, const Dataset &dataset,
                     const TrainConfig &config, const RunOutcome &outcome, QString *error)
{
    QJsonObject metrics{{QStringLiteral("val_loss"), jsonNumber(outcome.valLoss)},
                        {QStringLiteral("val_accuracy"), jsonNumber(outcome.valAccuracy)}};
    if (meta.task.isRegression()) {
        metrics = QJsonObject{{QStringLiteral("val_loss"), jsonNumber(outcome.valLoss)},
                              {QStringLiteral("val_r2"), jsonNumber(outcome.valAccuracy)}};
        if (outcome.hasTest) {
            metrics.insert(QStringLiteral("test_r2"), jsonNumber(outcome.test.regression.meanR2));
            metrics.insert(QStringLiteral("test_samples"), outcome.test.samples);
        }
    } else if (meta.task.isMultilabel()) {
        metrics = QJsonObject{{QStringLiteral("val_loss"), jsonNumber(outcome.valLoss)},
                              {QStringLiteral("val_map"), jsonNumber(outcome.valAccuracy)}};
        if (outcome.hasTest) {
            metrics.insert(QStringLiteral("test_map"), jsonNumber(outcome.test.multilabel.meanAveragePrecision));
            metrics.insert(QStringLiteral("test_micro_f1"), outcome.test.multilabel.microF1);
            metrics.insert(QStringLiteral("test_macro_f1"), jsonNumber(outcome.test.multilabel.macroF1));
            metrics.insert(QStringLiteral("test_samples"), outcome.test.samples);
        }
    } else if (!meta.task.hasTaskOutputs()) {
        metrics = QJsonObject{{QStringLiteral("val_loss"), jsonNumber(outcome.valLoss)}};
        if (meta.task.isAligned()) // a reconstruction aligns nothing: no retrieval to score
            metrics.insert(QStringLiteral("val_r1"), jsonNumber(outcome.valRecallAt1));
        const QJsonObject probe = outcome.testProbe.value(QStringLiteral("linear_probe")).toObject();
        if (probe.contains(QStringLiteral("100")))
            metrics.insert(QStringLiteral("test_linear_probe"), probe.value(QStringLiteral("100")).toObject().value(QStringLiteral("accuracy")));
    } else if (outcome.hasTest) {
        metrics.insert(QStringLiteral("test_accuracy"), outcome.test.accuracy);
        metrics.insert(QStringLiteral("test_macro_f1"), outcome.test.macroF1);
        metrics.insert(QStringLiteral("test_samples"), outcome.test.samples);
    }
    // A self-supervised model has no outputs for the dataset's classes, so it names none.
    meta.labels = meta.task.hasTaskOutputs() ? dataset.labels() : QStringList();
    meta.preprocess = dataset.preprocess();
    meta.trainConfig = config.toJson();
    meta.metrics = metrics;
    if (!saveModelFile(runfiles::modelPath(runDir), module, meta, dataset.tokenizer().serialized(), error))
        return false;

    QJsonObject validation{{QStringLiteral("loss"), jsonNumber(outcome.valLoss)}, {QStringLiteral("samples"), outcome.valSamples}};
    if (meta.task.hasTaskOutputs())
        validation.insert(taskScoreKey(meta.task.kind).mid(4), jsonNumber(outcome.valAccuracy)); // "accuracy", "r2", "map"
    if (meta.task.isAligned())
        validation.insert(QStringLiteral("r1"), jsonNumber(outcome.valRecallAt1));
    QJsonObject report{
        {QStringLiteral("test"), outcome.hasTest ? QJsonValue(outcome.test.toJson()) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("task"), meta.task.toJson()},
        {QStringLiteral("validation"), validation},
        {QStringLiteral("training_seconds"), outcome.trainingSeconds},
        {QStringLiteral("epochs_trained"), outcome.epochsTrained},
        {QStringLiteral("steps"), double(outcome.steps)},
        {QStringLiteral("stopped_early"), outcome.stoppedEarly},
        {QStringLiteral("best_val_loss"), jsonNumber(outcome.bestValLoss)},
        {QStringLiteral("train_samples"), outcome.trainSamples},
    };
    if (!outcome.testProbe.isEmpty())
        report.insert(QStringLiteral("embedding_probe"), QJsonObject{{QStringLiteral("test"), outcome.testProbe},
                                                                    {QStringLiteral("embedding"), QLatin1String("joint")}});
    if (!outcome.testRetrieval.isEmpty())
        report.insert(QStringLiteral("retrieval"), QJsonObject{{QStringLiteral("test"), outcome.testRetrieval}});
    return runfiles::writeJsonFile(runfiles::reportPath(runDir), report, error);
}
