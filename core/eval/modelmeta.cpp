#include "core/eval/modelmeta.h"

#include "core/data/melspectrogram.h"

#include <QtCore/QJsonArray>

#include <algorithm>

namespace {

QString key(const char *name)
{
    return QString::fromLatin1(name);
}

/** Default preprocessing with the sizes a token layout states (text length, image side, audio frames). */
PreprocessConfig preprocessFromLayout(const QJsonObject &layout)
{
    PreprocessConfig config;
    const int textLength = layout.value(key("text_length")).toInt(0);
    if (textLength > 0 && textLength <= 4096)
        config.textLength = textLength;
    const int imageSize = layout.value(key("image_size")).toInt(0);
    if (imageSize >= 8 && imageSize <= 4096)
        config.imageSize = imageSize;
    const int frames = layout.value(key("audio_frames")).toInt(0);
    if (frames > 1 && frames <= 100000) {
        // The clip length whose spectrogram has exactly that many frames (hop-sized steps).
        const MelSpectrogram mel(config.mel);
        std::size_t samples = std::size_t(frames) * std::size_t(config.mel.hopLength);
        for (int step = 0; step < 8 && mel.frameCount(samples) > frames && samples > std::size_t(config.mel.hopLength); ++step)
            samples -= std::size_t(config.mel.hopLength);
        for (int step = 0; step < 8 && mel.frameCount(samples) < frames; ++step)
            samples += std::size_t(config.mel.hopLength);
        if (mel.frameCount(samples) == frames) {
            config.audioSeconds = double(samples) / double(config.mel.sampleRate);
            config.maxAudioSeconds = std::max(config.maxAudioSeconds, config.audioSeconds);
        }
    }
    return config;
}

} // namespace

QJsonObject ModelMeta::toJson() const
{
    QJsonObject json;
    json.insert(key("format_version"), formatVersion);
    json.insert(key("generator"), QStringLiteral("FusionScope " FUSIONSCOPE_VERSION));
    json.insert(key("labels"), QJsonArray::fromStringList(labels));
    json.insert(key("task"), task.toJson());
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

    const QJsonValue task = json.value(key("task"));
    if (!task.isUndefined() && !task.isNull() && !task.isObject())
        return fail(QStringLiteral("\"task\" is not an object"));
    QString taskError;
    if (!TaskSpec::fromJson(task.toObject(), &result.task, &taskError))
        return fail(taskError);

    const QJsonValue labels = json.value(key("labels"));
    if (result.task.hasTargets() || !result.task.hasTaskOutputs()) {
        // A regression's or multi-label's outputs are named by its targets or tags, a contrastive
        // model has none: no classes to assume.
    } else if (labels.isUndefined() || labels.isNull() || (labels.isArray() && labels.toArray().isEmpty())) {
        result.assumed << key("labels");
    } else if (!labels.isArray()) {
        return fail(QStringLiteral("\"labels\" is not a list of class names"));
    }
    for (const QJsonValue &label : labels.toArray()) {
        if (!label.isString() || label.toString().isEmpty())
            return fail(QStringLiteral("\"labels\" holds a value that is not a class name"));
        if (result.labels.contains(label.toString()))
            return fail(QStringLiteral("\"labels\" names \"%1\" twice").arg(label.toString()));
        result.labels << label.toString();
    }

    const QJsonValue layout = json.value(key("token_layout"));
    if (layout.isUndefined() || layout.isNull())
        result.assumed << key("token_layout");
    else if (!layout.isObject())
        return fail(QStringLiteral("\"token_layout\" is not an object"));
    result.tokenLayout = layout.toObject();

    const QJsonValue preprocess = json.value(key("preprocess"));
    if (preprocess.isUndefined() || preprocess.isNull()) {
        // Read the data as a new run would; the layout still fixes the shapes the model takes.
        result.assumed << key("preprocess");
        result.preprocess = preprocessFromLayout(result.tokenLayout);
    } else if (!preprocess.isObject()) {
        return fail(QStringLiteral("\"preprocess\" is not an object"));
    } else {
        result.preprocess = PreprocessConfig::fromJson(preprocess.toObject());
        const QJsonObject given = preprocess.toObject();
        for (const QString &field : PreprocessConfig().toJson().keys()) {
            if (!given.contains(field) && field != QLatin1String("audio_frames")) // derived, never read
                result.assumed << key("preprocess.") + field;
        }
    }

    const QJsonValue builtIn = json.value(key("built_in"));
    const QJsonValue model = json.value(key("model"));
    if (!builtIn.isBool())
        result.assumed << key("built_in");
    result.builtIn = builtIn.toBool(model.isObject());
    if (result.builtIn && !model.isObject()) {
        // Without its config a built-in model is just a TorchScript file that follows the contract.
        result.builtIn = false;
        result.assumed << key("model");
    } else if (result.builtIn) {
        QString modelError;
        result.model = ModelConfig::fromJson(model.toObject(), &modelError);
        if (!modelError.isEmpty())
            return fail(QStringLiteral("\"model\": %1").arg(modelError));
    }
    for (const char *name : {"train", "metrics"}) {
        const QJsonValue value = json.value(key(name));
        if (value.isUndefined() || value.isNull())
            result.assumed << key(name);
        else if (!value.isObject())
            return fail(QStringLiteral("\"%1\" is not an object").arg(key(name)));
    }
    result.trainConfig = json.value(key("train")).toObject();
    result.metrics = json.value(key("metrics")).toObject();
    if (meta)
        *meta = result;
    return true;
}
