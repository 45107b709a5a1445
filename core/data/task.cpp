#include "core/data/task.h"

#include <QtCore/QJsonArray>

#include <cmath>

QString taskName(TaskKind kind)
{
    switch (kind) {
    case TaskKind::Regress: return QStringLiteral("regress");
    case TaskKind::Multilabel: return QStringLiteral("multilabel");
    case TaskKind::Classify: break;
    }
    return QStringLiteral("classify");
}

QString objectiveName(Objective objective)
{
    switch (objective) {
    case Objective::Contrastive: return QStringLiteral("contrastive");
    case Objective::SemiSupervised: return QStringLiteral("contrastive+supervised");
    case Objective::Reconstruct: return QStringLiteral("reconstruct");
    case Objective::Supervised: break;
    }
    return QStringLiteral("supervised");
}

bool parseObjective(const QString &text, Objective *objective)
{
    for (const Objective candidate : {Objective::Supervised, Objective::Contrastive, Objective::SemiSupervised, Objective::Reconstruct}) {
        if (text == objectiveName(candidate)) {
            *objective = candidate;
            return true;
        }
    }
    return false;
}

QStringList taskRequestNames()
{
    return {QStringLiteral("auto"), QStringLiteral("classify"), QStringLiteral("regress"), QStringLiteral("multilabel")};
}

TaskRequest requestFor(TaskKind kind)
{
    switch (kind) {
    case TaskKind::Regress: return TaskRequest::Regress;
    case TaskKind::Multilabel: return TaskRequest::Multilabel;
    case TaskKind::Classify: break;
    }
    return TaskRequest::Classify;
}

QString taskScoreName(TaskKind kind)
{
    switch (kind) {
    case TaskKind::Regress: return QStringLiteral("mean R²");
    case TaskKind::Multilabel: return QStringLiteral("mAP");
    case TaskKind::Classify: break;
    }
    return QStringLiteral("accuracy");
}

QString taskScoreKey(TaskKind kind)
{
    switch (kind) {
    case TaskKind::Regress: return QStringLiteral("val_r2");
    case TaskKind::Multilabel: return QStringLiteral("val_map");
    case TaskKind::Classify: break;
    }
    return QStringLiteral("val_accuracy");
}

bool parseTaskRequest(const QString &text, TaskRequest *request)
{
    const QString name = text.trimmed().toLower();
    if (name == QLatin1String("auto"))
        *request = TaskRequest::Auto;
    else if (name == QLatin1String("classify"))
        *request = TaskRequest::Classify;
    else if (name == QLatin1String("regress"))
        *request = TaskRequest::Regress;
    else if (name == QLatin1String("multilabel"))
        *request = TaskRequest::Multilabel;
    else
        return false;
    return true;
}

QStringList regressionLossNames()
{
    return {QStringLiteral("mse"), QStringLiteral("huber"), QStringLiteral("l1")};
}

namespace {

QJsonArray numberArray(const std::vector<double> &values)
{
    QJsonArray array;
    for (double value : values)
        array.append(value);
    return array;
}

void readNumbers(const QJsonObject &json, const char *key, std::vector<double> *out)
{
    for (const QJsonValue &value : json.value(QLatin1String(key)).toArray())
        out->push_back(value.toDouble(std::nan("")));
}

bool fromMultilabelJson(const QJsonObject &json, TaskSpec *spec, QString *error)
{
    if (spec->loss != QLatin1String("bce")) {
        *error = QStringLiteral("task.loss must be \"bce\" for multilabel, got \"%1\"").arg(spec->loss);
        return false;
    }
    for (const QJsonValue &value : json.value(QStringLiteral("tags")).toArray())
        spec->targets << value.toString();
    readNumbers(json, "thresholds", &spec->thresholds);
    readNumbers(json, "pos_weight", &spec->posWeight);
    spec->tagSeparator = json.value(QStringLiteral("tag_separator")).toString(spec->tagSeparator);
    const auto count = std::size_t(spec->targets.size());
    if (count == 0 || spec->targets.contains(QString())) {
        *error = QStringLiteral("task: a multilabel task needs \"tags\", the tag names in output order");
        return false;
    }
    if (spec->thresholds.empty())
        spec->thresholds.assign(count, 0.5); // a file written by hand may leave them out
    if (spec->thresholds.size() != count || (!spec->posWeight.empty() && spec->posWeight.size() != count)) {
        *error = QStringLiteral("task: \"thresholds\" and \"pos_weight\" need one number per tag (%1 tags)").arg(count);
        return false;
    }
    for (std::size_t k = 0; k < count; ++k) {
        const double threshold = spec->thresholds[k];
        if (!(threshold > 0.0 && threshold < 1.0)) {
            *error = QStringLiteral("task: tag \"%1\" needs a threshold between 0 and 1").arg(spec->targets.at(int(k)));
            return false;
        }
        if (!spec->posWeight.empty() && !(spec->posWeight[k] > 0.0 && std::isfinite(spec->posWeight[k]))) {
            *error = QStringLiteral("task: tag \"%1\" needs a positive pos_weight").arg(spec->targets.at(int(k)));
            return false;
        }
    }
    return true;
}

} // namespace

QJsonObject TaskSpec::toJson() const
{
    QJsonObject json{{QStringLiteral("kind"), taskName(kind)}, {QStringLiteral("loss"), loss}};
    if (objective != Objective::Supervised) // older readers see a supervised file unchanged
        json.insert(QStringLiteral("objective"), objectiveName(objective));
    if (objective == Objective::Contrastive)
        json.insert(QStringLiteral("outputs"), QStringLiteral("none: \"logits\" is [B, 0]; embed/text, embed/image and "
                                                              "embed/audio are the aligned per-modality embeddings"));
    else if (objective == Objective::Reconstruct)
        json.insert(QStringLiteral("outputs"), QStringLiteral("none: \"logits\" is [B, 0]; \"embedding\" is the fused "
                                                              "representation learnt by masked-modality reconstruction"));
    if (kind == TaskKind::Regress) {
        json.insert(QStringLiteral("targets"), QJsonArray::fromStringList(targets));
        json.insert(QStringLiteral("target_mean"), numberArray(mean));
        json.insert(QStringLiteral("target_std"), numberArray(std));
        json.insert(QStringLiteral("scaling"), QStringLiteral("value = output * target_std + target_mean"));
    } else if (kind == TaskKind::Multilabel) {
        json.insert(QStringLiteral("tags"), QJsonArray::fromStringList(targets));
        json.insert(QStringLiteral("thresholds"), numberArray(thresholds));
        if (!posWeight.empty())
            json.insert(QStringLiteral("pos_weight"), numberArray(posWeight));
        json.insert(QStringLiteral("tag_separator"), tagSeparator);
        json.insert(QStringLiteral("scaling"),
                    QStringLiteral("probability = sigmoid(output); the tag is predicted when probability >= its threshold"));
    }
    return json;
}

bool TaskSpec::fromJson(const QJsonObject &json, TaskSpec *spec, QString *error)
{
    *spec = TaskSpec();
    if (json.isEmpty())
        return true;
    const QString kind = json.value(QStringLiteral("kind")).toString();
    if (kind == QLatin1String("classify")) {
        spec->kind = TaskKind::Classify;
    } else if (kind == QLatin1String("regress")) {
        spec->kind = TaskKind::Regress;
    } else if (kind == QLatin1String("multilabel")) {
        spec->kind = TaskKind::Multilabel;
    } else {
        *error = QStringLiteral("task.kind must be \"classify\", \"regress\" or \"multilabel\", got \"%1\"").arg(kind);
        return false;
    }
    const QString defaultLoss = spec->isRegression() ? QStringLiteral("mse")
                                : spec->isMultilabel() ? QStringLiteral("bce") : spec->loss;
    spec->loss = json.value(QStringLiteral("loss")).toString(defaultLoss);
    const QJsonValue objective = json.value(QStringLiteral("objective"));
    if (!objective.isUndefined() && !parseObjective(objective.toString(), &spec->objective)) {
        *error = QStringLiteral("task.objective must be \"supervised\", \"contrastive\", \"contrastive+supervised\" or \"reconstruct\", got %1")
                     .arg(objective.isString() ? QStringLiteral("\"%1\"").arg(objective.toString()) : QStringLiteral("a %1").arg(objective.isDouble() ? QStringLiteral("number") : QStringLiteral("non-string")));
        return false;
    }
    if (!spec->hasTaskOutputs() && spec->kind != TaskKind::Classify) {
        *error = QStringLiteral("task: a %1 model has no task outputs, so its kind is \"classify\", not \"%2\"")
                     .arg(objectiveName(spec->objective), kind);
        return false;
    }
    if (spec->isMultilabel())
        return fromMultilabelJson(json, spec, error);
    if (!spec->isRegression())
        return true;
    if (!regressionLossNames().contains(spec->loss)) {
        *error = QStringLiteral("task.loss must be one of %1, got \"%2\"").arg(regressionLossNames().join(QStringLiteral(", ")), spec->loss);
        return false;
    }
    for (const QJsonValue &value : json.value(QStringLiteral("targets")).toArray())
        spec->targets << value.toString();
    readNumbers(json, "target_mean", &spec->mean);
    readNumbers(json, "target_std", &spec->std);
    const auto count = std::size_t(spec->targets.size());
    if (count == 0 || spec->targets.contains(QString()) || spec->mean.size() != count || spec->std.size() != count) {
        *error = QStringLiteral("task: a regression needs \"targets\" (names) and \"target_mean\" and \"target_std\" "
                                "with one number per target");
        return false;
    }
    for (std::size_t k = 0; k < count; ++k) {
        if (!std::isfinite(spec->mean[k]) || !std::isfinite(spec->std[k]) || spec->std[k] <= 0.0) {
            *error = QStringLiteral("task: target \"%1\" needs a finite target_mean and a positive target_std")
                         .arg(spec->targets.at(int(k)));
            return false;
        }
    }
    return true;
}

QString TaskSpec::describe() const
{
    if (objective == Objective::Contrastive)
        return QStringLiteral("contrastive: no task outputs; embed/text, embed/image and embed/audio are aligned (InfoNCE)");
    if (objective == Objective::Reconstruct)
        return QStringLiteral("reconstruct: no task outputs; the fused embedding learnt to predict a hidden modality from the others");
    if (objective == Objective::SemiSupervised)
        return QStringLiteral("contrastive+") + describeTask();
    return describeTask();
}

QString TaskSpec::describeTask() const
{
    if (isMultilabel())
        return QStringLiteral("multilabel: %1 tags (bce%2; probability = sigmoid(output), thresholds tuned on val)")
            .arg(targets.size())
            .arg(posWeight.empty() ? QString() : QStringLiteral(", positive weights"));
    if (!isRegression())
        return QStringLiteral("classify");
    return QStringLiteral("regress: %1 (%2 loss; outputs standardised: value = output * std + mean)")
        .arg(targets.join(QStringLiteral(", ")), loss);
}
