#include "core/data/task.h"

#include <QtCore/QJsonArray>

#include <cmath>

QString taskName(TaskKind kind)
{
    return kind == TaskKind::Regress ? QStringLiteral("regress") : QStringLiteral("classify");
}

QStringList taskRequestNames()
{
    return {QStringLiteral("auto"), QStringLiteral("classify"), QStringLiteral("regress")};
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
    else
        return false;
    return true;
}

QStringList regressionLossNames()
{
    return {QStringLiteral("mse"), QStringLiteral("huber"), QStringLiteral("l1")};
}

QJsonObject TaskSpec::toJson() const
{
    QJsonObject json{{QStringLiteral("kind"), taskName(kind)}, {QStringLiteral("loss"), loss}};
    if (kind == TaskKind::Regress) {
        QJsonArray means;
        QJsonArray stds;
        for (double value : mean)
            means.append(value);
        for (double value : std)
            stds.append(value);
        json.insert(QStringLiteral("targets"), QJsonArray::fromStringList(targets));
        json.insert(QStringLiteral("target_mean"), means);
        json.insert(QStringLiteral("target_std"), stds);
        json.insert(QStringLiteral("scaling"), QStringLiteral("value = output * target_std + target_mean"));
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
    } else {
        *error = QStringLiteral("task.kind must be \"classify\" or \"regress\", got \"%1\"").arg(kind);
        return false;
    }
    spec->loss = json.value(QStringLiteral("loss")).toString(spec->isRegression() ? QStringLiteral("mse") : spec->loss);
    if (!spec->isRegression())
        return true;
    if (!regressionLossNames().contains(spec->loss)) {
        *error = QStringLiteral("task.loss must be one of %1, got \"%2\"").arg(regressionLossNames().join(QStringLiteral(", ")), spec->loss);
        return false;
    }
    for (const QJsonValue &value : json.value(QStringLiteral("targets")).toArray())
        spec->targets << value.toString();
    const auto numbers = [&](const char *key, std::vector<double> *out) {
        for (const QJsonValue &value : json.value(QLatin1String(key)).toArray())
            out->push_back(value.toDouble(std::nan("")));
    };
    numbers("target_mean", &spec->mean);
    numbers("target_std", &spec->std);
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
    if (!isRegression())
        return QStringLiteral("classify");
    return QStringLiteral("regress: %1 (%2 loss; outputs standardised: value = output * std + mean)")
        .arg(targets.join(QStringLiteral(", ")), loss);
}
