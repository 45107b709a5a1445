#include "core/train/trainconfig.h"
#include "core/data/task.h"
#include "core/util/precision.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonValue>
#include <QtCore/QStringList>
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kMaxExactDouble = 9007199254740992.0; // 2^53: larger seeds travel as strings

/** Reads one JSON field into a config member; false with a sentence when the type is wrong. */
using FieldReader = std::function<bool(const QJsonValue &, TrainConfig &)>;

FieldReader intField(int TrainConfig::*member)
{
    return [member](const QJsonValue &value, TrainConfig &config) {
        const double d = value.toDouble(std::nan(""));
        if (!value.isDouble() || d != std::floor(d) || std::abs(d) > 2e9)
            return false;
        config.*member = int(d);
        return true;
    };
}

FieldReader doubleField(double TrainConfig::*member)
{
    return [member](const QJsonValue &value, TrainConfig &config) {
        if (!value.isDouble())
            return false;
        config.*member = value.toDouble();
        return true;
    };
}

FieldReader stringField(QString TrainConfig::*member)
{
    return [member](const QJsonValue &value, TrainConfig &config) {
        if (!value.isString() && !value.isNull())
            return false;
        config.*member = value.toString();
        return true;
    };
}

bool readTargets(const QJsonValue &value, TrainConfig &config)
{
    if (value.isNull()) {
        config.targets.clear();
        return true;
    }
    if (!value.isArray())
        return false;
    QStringList names;
    for (const QJsonValue &name : value.toArray()) {
        if (!name.isString())
            return false;
        names << name.toString();
    }
    config.targets = names;
    return true;
}

/** "task" accepts what --task does: "contrastive", "contrastive+classify", … (TrainConfig::setTaskName). */
bool readTask(const QJsonValue &value, TrainConfig &config)
{
    if (value.isNull())
        return true;
    if (!value.isString())
        return false;
    // A plain task leaves contrastive_weight and supervised as the file sets them (config.json
    // records all three); validate() judges the name.
    const QString name = value.toString().trimmed().toLower();
    if (!name.startsWith(QLatin1String("contrastive")) && name != QLatin1String("reconstruct")) {
        config.task = value.toString();
        return true;
    }
    return config.setTaskName(value.toString());
}

FieldReader boolField(bool TrainConfig::*member)
{
    return [member](const QJsonValue &value, TrainConfig &config) {
        if (!value.isBool())
            return false;
        config.*member = value.toBool();
        return true;
    };
}

bool readSeed(const QJsonValue &value, TrainConfig &config)
{
    if (value.isString()) {
        bool ok = false;
        const qulonglong seed = value.toString().toULongLong(&ok);
        config.seed = seed;
        return ok;
    }
    const double d = value.toDouble(-1.0);
    if (!value.isDouble() || d < 0 || d != std::floor(d) || d > kMaxExactDouble)
        return false;
    config.seed = std::uint64_t(d);
    return true;
}

const std::map<QString, FieldReader> &fieldReaders()
{
    static const std::map<QString, FieldReader> readers{
        {QStringLiteral("epochs"), intField(&TrainConfig::epochs)},
        {QStringLiteral("batch_size"), intField(&TrainConfig::batchSize)},
        {QStringLiteral("learning_rate"), doubleField(&TrainConfig::learningRate)},
        {QStringLiteral("weight_decay"), doubleField(&TrainConfig::weightDecay)},
        {QStringLiteral("warmup_steps"), intField(&TrainConfig::warmupSteps)},
        {QStringLiteral("warmup_fraction"), doubleField(&TrainConfig::warmupFraction)},
        {QStringLiteral("min_learning_rate_ratio"), doubleField(&TrainConfig::minLearningRateRatio)},
        {QStringLiteral("grad_clip_norm"), doubleField(&TrainConfig::gradClipNorm)},
        {QStringLiteral("label_smoothing"), doubleField(&TrainConfig::labelSmoothing)},
        {QStringLiteral("early_stopping_patience"), intField(&TrainConfig::earlyStoppingPatience)},
        {QStringLiteral("modality_dropout"), doubleField(&TrainConfig::modalityDropout)},
        {QStringLiteral("class_weights"), stringField(&TrainConfig::classWeights)},
        {QStringLiteral("contrastive_weight"), doubleField(&TrainConfig::contrastiveWeight)},
        {QStringLiteral("task"), &readTask},
        {QStringLiteral("supervised"), boolField(&TrainConfig::supervised)},
        {QStringLiteral("reconstruct"), boolField(&TrainConfig::reconstruct)},
        {QStringLiteral("freeze_encoders"), boolField(&TrainConfig::freezeEncoders)},
        {QStringLiteral("label_fraction"), doubleField(&TrainConfig::labelFraction)},
        {QStringLiteral("regression_loss"), stringField(&TrainConfig::regressionLoss)},
        {QStringLiteral("targets"), &readTargets},
        {QStringLiteral("seed"), &readSeed},
        {QStringLiteral("threads"), intField(&TrainConfig::threads)},
        {QStringLiteral("precision"), stringField(&TrainConfig::precision)},
        {QStringLiteral("log_every_steps"), intField(&TrainConfig::logEverySteps)},
        {QStringLiteral("checkpoint_every_steps"), intField(&TrainConfig::checkpointEverySteps)},
        {QStringLiteral("init_model"), stringField(&TrainConfig::initModel)},
    };
    return readers;
}

} // namespace

int TrainConfig::warmupStepCount(std::int64_t totalSteps) const
{
    if (warmupSteps > 0)
        return warmupSteps;
    return int(std::llround(warmupFraction * double(totalSteps)));
}

double TrainConfig::learningRateAt(std::int64_t step, std::int64_t totalSteps) const
{
    const std::int64_t warmup = warmupStepCount(totalSteps);
    if (step < warmup)
        return learningRate * double(step + 1) / double(warmup);
    const double floorRate = learningRate * minLearningRateRatio;
    const std::int64_t decaySteps = totalSteps - warmup;
    if (decaySteps <= 1)
        return learningRate;
    const double progress = std::min(1.0, double(step - warmup) / double(decaySteps - 1));
    return floorRate + (learningRate - floorRate) * 0.5 * (1.0 + std::cos(kPi * progress));
}

int TrainConfig::resolvedEpochs(std::int64_t trainSamples) const
{
    if (epochs > 0)
        return epochs;
    // The trainer drops the ragged last batch, so whole batches are what count.
    const std::int64_t stepsPerEpoch = std::max<std::int64_t>(1, trainSamples / std::max(1, batchSize));
    const std::int64_t wanted = (kAutoEpochSteps + stepsPerEpoch - 1) / stepsPerEpoch;
    return int(std::clamp<std::int64_t>(wanted, 3, 100));
}

QString TrainConfig::validate() const
{
    auto bad = [](const char *field, const QString &why) {
        return QStringLiteral("train config: %1 %2").arg(QLatin1String(field), why);
    };
    if (epochs < 0)
        return bad("epochs", QStringLiteral("must be at least 1, or 0 for auto (is %1)").arg(epochs));
    if (batchSize < 1)
        return bad("batch_size", QStringLiteral("must be at least 1 (is %1)").arg(batchSize));
    if (!(learningRate > 0.0) || !std::isfinite(learningRate))
        return bad("learning_rate", QStringLiteral("must be a positive number"));
    if (!(weightDecay >= 0.0))
        return bad("weight_decay", QStringLiteral("must not be negative"));
    if (warmupSteps < 0)
        return bad("warmup_steps", QStringLiteral("must not be negative"));
    if (!(warmupFraction >= 0.0 && warmupFraction < 1.0))
        return bad("warmup_fraction", QStringLiteral("must be in [0, 1)"));
    if (!(minLearningRateRatio >= 0.0 && minLearningRateRatio <= 1.0))
        return bad("min_learning_rate_ratio", QStringLiteral("must be in [0, 1]"));
    if (!(gradClipNorm >= 0.0))
        return bad("grad_clip_norm", QStringLiteral("must not be negative (0 turns clipping off)"));
    if (!(labelSmoothing >= 0.0 && labelSmoothing < 1.0))
        return bad("label_smoothing", QStringLiteral("must be in [0, 1)"));
    if (earlyStoppingPatience < 0)
        return bad("early_stopping_patience", QStringLiteral("must not be negative (0 turns it off)"));
    if (!(modalityDropout >= 0.0 && modalityDropout < 1.0))
        return bad("modality_dropout", QStringLiteral("must be in [0, 1)"));
    if (classWeights != QLatin1String("none") && classWeights != QLatin1String("balanced"))
        return bad("class_weights", QStringLiteral("must be \"none\" or \"balanced\" (is \"%1\")").arg(classWeights));
    if (!(contrastiveWeight >= 0.0 && contrastiveWeight <= 100.0))
        return bad("contrastive_weight", QStringLiteral("must be in [0, 100] (0 turns the alignment off)"));
    if (!(labelFraction > 0.0 && labelFraction <= 1.0))
        return bad("label_fraction", QStringLiteral("must be in (0, 1]"));
    if (freezeEncoders && initModel.isEmpty())
        return bad("freeze_encoders", QStringLiteral("needs init_model (--init): frozen encoders must come pretrained"));
    if (reconstruct && (supervised || contrastiveWeight > 0.0))
        return bad("reconstruct", QStringLiteral("is an objective of its own (--task reconstruct): supervised must be false and "
                                                 "contrastive_weight 0"));
    if (!supervised && !reconstruct && !(contrastiveWeight > 0.0))
        return bad("supervised", QStringLiteral("is false, so the contrastive alignment is all there is to learn: "
                                                "contrastive_weight must be above 0 (or reconstruct true)"));
    TaskRequest request;
    if (!parseTaskRequest(task, &request))
        return bad("task", QStringLiteral("must be \"auto\", \"classify\", \"regress\" or \"multilabel\" (is \"%1\")").arg(task));
    if (!regressionLossNames().contains(regressionLoss))
        return bad("regression_loss", QStringLiteral("must be \"mse\", \"huber\" or \"l1\" (is \"%1\")").arg(regressionLoss));
    for (const QString &name : targets) {
        if (name.trimmed().isEmpty())
            return bad("targets", QStringLiteral("must not name an empty target"));
        if (targets.count(name) > 1)
            return bad("targets", QStringLiteral("names \"%1\" twice").arg(name));
    }
    if (threads < 0)
        return bad("threads", QStringLiteral("must not be negative (0 = all cores)"));
    if (!isPrecisionSetting(precision))
        return bad("precision", QStringLiteral("must be \"fp32\", \"bf16\" or \"auto\" (is \"%1\")").arg(precision));
    if (logEverySteps < 1)
        return bad("log_every_steps", QStringLiteral("must be at least 1"));
    if (checkpointEverySteps < 0)
        return bad("checkpoint_every_steps", QStringLiteral("must not be negative (0 = once per epoch)"));
    return {};
}

QJsonObject TrainConfig::toJson() const
{
    const QJsonValue seedValue = double(seed) <= kMaxExactDouble ? QJsonValue(double(seed))
                                                                  : QJsonValue(QString::number(seed));
    QJsonObject json{
        {QStringLiteral("epochs"), epochs},
        {QStringLiteral("batch_size"), batchSize},
        {QStringLiteral("learning_rate"), learningRate},
        {QStringLiteral("weight_decay"), weightDecay},
        {QStringLiteral("warmup_steps"), warmupSteps},
        {QStringLiteral("warmup_fraction"), warmupFraction},
        {QStringLiteral("min_learning_rate_ratio"), minLearningRateRatio},
        {QStringLiteral("grad_clip_norm"), gradClipNorm},
        {QStringLiteral("label_smoothing"), labelSmoothing},
        {QStringLiteral("early_stopping_patience"), earlyStoppingPatience},
        {QStringLiteral("modality_dropout"), modalityDropout},
        {QStringLiteral("class_weights"), classWeights},
        {QStringLiteral("contrastive_weight"), contrastiveWeight},
        {QStringLiteral("supervised"), supervised},
        {QStringLiteral("freeze_encoders"), freezeEncoders},
        {QStringLiteral("label_fraction"), labelFraction},
        {QStringLiteral("task"), task},
        {QStringLiteral("regression_loss"), regressionLoss},
        {QStringLiteral("targets"), QJsonArray::fromStringList(targets)},
        {QStringLiteral("seed"), seedValue},
        {QStringLiteral("threads"), threads},
        {QStringLiteral("precision"), precision},
        {QStringLiteral("log_every_steps"), logEverySteps},
        {QStringLiteral("checkpoint_every_steps"), checkpointEverySteps},
        {QStringLiteral("init_model"), initModel},
    };
    if (reconstruct) // only then: a supervised or contrastive run's config.json reads as before
        json.insert(QStringLiteral("reconstruct"), true);
    return json;
}

bool TrainConfig::setTaskName(const QString &name)
{
    static const QString prefix = QStringLiteral("contrastive+");
    const QString text = name.trimmed().toLower();
    const bool contrastive = text.startsWith(prefix);
    if (text == QLatin1String("reconstruct")) {
        task = QStringLiteral("auto"); // the labels, if any, measure the fused embedding afterwards
        supervised = false;
        reconstruct = true;
        contrastiveWeight = 0.0;
        return true;
    }
    reconstruct = false;
    if (text == QLatin1String("contrastive")) {
        // The labels, if any, are still read as the task would read them: they measure the embeddings.
        task = QStringLiteral("auto");
        supervised = false;
        if (contrastiveWeight <= 0.0)
            contrastiveWeight = 1.0;
        return true;
    }
    const QString kind = contrastive ? text.mid(prefix.size()) : text;
    TaskRequest request;
    if (!parseTaskRequest(kind, &request))
        return false;
    task = kind;
    supervised = true;
    if (contrastive && contrastiveWeight <= 0.0)
        contrastiveWeight = 1.0;
    else if (!contrastive)
        contrastiveWeight = 0.0;
    return true;
}

QString TrainConfig::taskName() const
{
    if (reconstruct)
        return QStringLiteral("reconstruct");
    if (!supervised)
        return QStringLiteral("contrastive");
    return contrastiveWeight > 0.0 ? QStringLiteral("contrastive+") + task : task;
}

TrainConfig TrainConfig::fromJson(const QJsonObject &json, QString *error)
{
    TrainConfig config;
    QStringList problems;
    const auto &readers = fieldReaders();
    for (auto it = json.begin(); it != json.end(); ++it) {
        const auto reader = readers.find(it.key());
        if (reader == readers.end())
            problems << QStringLiteral("unknown key \"%1\"").arg(it.key());
        else if (!reader->second(it.value(), config))
            problems << QStringLiteral("\"%1\" has the wrong type").arg(it.key());
    }
    if (error)
        *error = problems.isEmpty() ? QString() : QStringLiteral("train config: ") + problems.join(QStringLiteral("; "));
    return config;
}
