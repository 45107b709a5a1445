#include "core/train/runconfig.h"

#include "core/util/atomicfile.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>

namespace {

QString key(const char *name)
{
    return QString::fromLatin1(name);
}

} // namespace

QJsonObject RunConfig::toJson() const
{
    QJsonObject dataset{{key("path"), datasetPath}};
    if (!columns.isEmpty())
        dataset.insert(key("map"), columns.toString());
    return {
        {key("format_version"), 1},
        {key("dataset"), dataset},
        {key("labels"), QJsonArray::fromStringList(labels)},
        {key("task"), task.toJson()},
        {key("preprocess"), preprocess.toJson()},
        {key("model"), model.toJson()},
        {key("train"), train.toJson()},
    };
}

bool RunConfig::fromJson(const QJsonObject &json, RunConfig *config, QString *error)
{
    const auto fail = [error](const QString &reason) {
        if (error)
            *error = reason;
        return false;
    };
    RunConfig result;
    const QJsonObject dataset = json.value(key("dataset")).toObject();
    result.datasetPath = dataset.value(key("path")).toString();
    if (result.datasetPath.isEmpty())
        return fail(QStringLiteral("config.json names no dataset path"));
    const QString map = dataset.value(key("map")).toString();
    if (!map.isEmpty() && !result.columns.parse(map, error))
        return false;
    if (!json.value(key("preprocess")).isObject() || !json.value(key("model")).isObject()
        || !json.value(key("train")).isObject())
        return fail(QStringLiteral("config.json lacks its \"preprocess\", \"model\" or \"train\" section"));
    result.preprocess = PreprocessConfig::fromJson(json.value(key("preprocess")).toObject());
    for (const QJsonValue &label : json.value(key("labels")).toArray())
        result.labels << label.toString();
    QString taskError;
    if (!TaskSpec::fromJson(json.value(key("task")).toObject(), &result.task, &taskError)) // absent: a run from before tasks
        return fail(QStringLiteral("config.json: %1").arg(taskError));
    QString modelError;
    result.model = ModelConfig::fromJson(json.value(key("model")).toObject(), &modelError);
    if (!modelError.isEmpty())
        return fail(QStringLiteral("config.json: %1").arg(modelError));
    QString trainError;
    result.train = TrainConfig::fromJson(json.value(key("train")).toObject(), &trainError);
    if (!trainError.isEmpty())
        return fail(QStringLiteral("config.json: %1").arg(trainError));
    if (config)
        *config = result;
    return true;
}

namespace runfiles {

QString configPath(const QString &runDir) { return QDir(runDir).filePath(QStringLiteral("config.json")); }
QString metricsPath(const QString &runDir) { return QDir(runDir).filePath(QStringLiteral("metrics.jsonl")); }
QString checkpointDir(const QString &runDir) { return QDir(runDir).filePath(QStringLiteral("checkpoints")); }
QString lastCheckpointPath(const QString &runDir) { return QDir(checkpointDir(runDir)).filePath(QStringLiteral("last.pt")); }
QString bestWeightsPath(const QString &runDir) { return QDir(checkpointDir(runDir)).filePath(QStringLiteral("best.pt")); }
QString tokenizerPath(const QString &runDir) { return QDir(runDir).filePath(QStringLiteral("tokenizer.model")); }
QString modelPath(const QString &runDir) { return QDir(runDir).filePath(QStringLiteral("model.pt")); }
QString reportPath(const QString &runDir) { return QDir(runDir).filePath(QStringLiteral("report.json")); }

bool writeJsonFile(const QString &path, const QJsonObject &json, QString *error)
{
    return writeFileAtomically(path, QJsonDocument(json).toJson(QJsonDocument::Indented), error);
}

bool readJsonFile(const QString &path, QJsonObject *json, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("cannot read %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!document.isObject()) {
        if (error) {
            *error = QStringLiteral("%1 is not a JSON object (%2 at byte %3)")
                         .arg(QDir::toNativeSeparators(path), parseError.errorString())
                         .arg(parseError.offset);
        }
        return false;
    }
    *json = document.object();
    return true;
}

} // namespace runfiles
