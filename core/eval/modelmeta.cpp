#include "core/eval/modelmeta.h"

#include <QtCore/QJsonArray>

namespace {

QString key(const char *name)
{
    return QString::fromLatin1(name);
}

} // namespace

QJsonObject ModelMeta::toJson() const
{
    QJsonObject json;
    json.insert(key("format_version"), formatVersion);
    json.insert(key("generator"), QStringLiteral("FusionScope " FUSIONSCOPE_VERSION));
    json.insert(key("labels"), QJsonArray::fromStringList(labels));
    json.insert(key("built_in"), builtIn);
    if (builtIn)
        json.insert(key("model"), model.toJson());
    json.insert(key("preprocess"), preprocess.toJson());
    json.insert(key("token_layout"), tokenLayout);
    json.insert(key("train"), trainConfig);
    json.insert(key("metrics"), metrics);
    return json;
}

bool ModelMeta::fromJson(const QJsonObject &json, ModelMeta *meta, QString *error)
{
    const auto fail = [error](const QString &reason) {
        if (error)
            *error = reason;
        return false;
    };
    ModelMeta result;
    const QJsonValue version = json.value(key("format_version"));
    if (!version.isDouble() || version.toDouble() != double(version.toInt()) || version.toInt() < 1)
        return fail(QStringLiteral("no valid \"format_version\""));
    result.formatVersion = version.toInt();
    if (result.formatVersion > kFormatVersion) {
        return fail(QStringLiteral("format version %1 is newer than the %2 this FusionScope "
                                   "reads; open it with a newer FusionScope")
                        .arg(result.formatVersion)
                        .arg(kFormatVersion));
    }

    const QJsonValue labels = json.value(key("labels"));
    if (!labels.isArray() || labels.toArray().isEmpty())
        return fail(QStringLiteral("no \"labels\" list"));
    for (const QJsonValue &label : labels.toArray()) {
        if (!label.isString() || label.toString().isEmpty())
            return fail(QStringLiteral("\"labels\" holds a value that is not a class name"));
        if (result.labels.contains(label.toString()))
            return fail(QStringLiteral("\"labels\" names \"%1\" twice").arg(label.toString()));
        result.labels << label.toString();
    }

    const QJsonValue preprocess = json.value(key("preprocess"));
    if (!preprocess.isObject())
        return fail(QStringLiteral("no \"preprocess\" object"));
    result.preprocess = PreprocessConfig::fromJson(preprocess.toObject());

    result.builtIn = json.value(key("built_in")).toBool(json.contains(key("model")));
    if (result.builtIn) {
        const QJsonValue model = json.value(key("model"));
        if (!model.isObject())
            return fail(QStringLiteral("a built-in model but no \"model\" object"));
        QString modelError;
        result.model = ModelConfig::fromJson(model.toObject(), &modelError);
        if (!modelError.isEmpty())
            return fail(QStringLiteral("\"model\": %1").arg(modelError));
    }
    result.tokenLayout = json.value(key("token_layout")).toObject();
    result.trainConfig = json.value(key("train")).toObject();
    result.metrics = json.value(key("metrics")).toObject();
    if (meta)
        *meta = result;
    return true;
}
