#include "core/model/modelconfig.h"

#include <QtCore/QFileInfo>
#include <QtCore/QJsonValue>
#include <cmath>
#include <functional>
#include <map>

namespace {

/** Reads one JSON field into a config member; false when the value has the wrong type. */
using FieldReader = std::function<bool(const QJsonValue &, ModelConfig &)>;

FieldReader intField(int ModelConfig::*member)
{
    return [member](const QJsonValue &value, ModelConfig &config) {
        const double d = value.toDouble(std::nan(""));
        if (!value.isDouble() || d != std::floor(d) || std::abs(d) > 2e9)
            return false;
        config.*member = int(d);
        return true;
    };
}

FieldReader doubleField(double ModelConfig::*member)
{
    return [member](const QJsonValue &value, ModelConfig &config) {
        if (!value.isDouble())
            return false;
        config.*member = value.toDouble();
        return true;
    };
}

FieldReader stringField(QString ModelConfig::*member)
{
    return [member](const QJsonValue &value, ModelConfig &config) {
        if (!value.isString())
            return false;
        config.*member = value.toString();
        return true;
    };
}

const std::map<QString, FieldReader> &fieldReaders()
{
    static const std::map<QString, FieldReader> readers{
        {QStringLiteral("fusion"), stringField(&ModelConfig::fusion)},
        {QStringLiteral("text_encoder"), stringField(&ModelConfig::textEncoder)},
        {QStringLiteral("image_encoder"), stringField(&ModelConfig::imageEncoder)},
        {QStringLiteral("audio_encoder"), stringField(&ModelConfig::audioEncoder)},
        {QStringLiteral("dim"), intField(&ModelConfig::dim)},
        {QStringLiteral("heads"), intField(&ModelConfig::heads)},
        {QStringLiteral("layers"), intField(&ModelConfig::layers)},
        {QStringLiteral("dropout"), doubleField(&ModelConfig::dropout)},
        {QStringLiteral("text_layers"), intField(&ModelConfig::textLayers)},
        {QStringLiteral("norm"), stringField(&ModelConfig::norm)},
        {QStringLiteral("rank"), intField(&ModelConfig::rank)},
        {QStringLiteral("num_classes"), intField(&ModelConfig::numClasses)},
        {QStringLiteral("value_outputs"), [](const QJsonValue &value, ModelConfig &config) {
             if (!value.isBool())
                 return false;
             config.valueOutputs = value.toBool();
             return true;
         }},
        {QStringLiteral("vocab_size"), intField(&ModelConfig::vocabSize)},
        {QStringLiteral("text_length"), intField(&ModelConfig::textLength)},
        {QStringLiteral("image_size"), intField(&ModelConfig::imageSize)},
        {QStringLiteral("mel_bins"), intField(&ModelConfig::melBins)},
        {QStringLiteral("audio_frames"), intField(&ModelConfig::audioFrames)},
    };
    return readers;
}

QString quoted(const QStringList &names)
{
    return names.join(QLatin1Char('|'));
}

/** Empty when `value` lies in [low, high], else why not. */
QString checkRange(const char *field, int value, int low, int high)
{
    if (value >= low && value <= high)
        return {};
    return QStringLiteral("model config: %1 must be between %2 and %3 (is %4)")
        .arg(QLatin1String(field)).arg(low).arg(high).arg(value);
}

/** Empty when `path` names a readable file, else why not. */
QString checkEncoderFile(const char *field, const QString &path, const QStringList &builtIns)
{
    const QFileInfo info(path);
    if (info.isFile() && info.isReadable())
        return {};
    return QStringLiteral("model config: %1 \"%2\" is neither a built-in encoder (%3) nor a readable "
                          "TorchScript file")
        .arg(QLatin1String(field), path, quoted(builtIns));
}

} // namespace

QStringList ModelConfig::fusionNames()
{
    return {QStringLiteral("concat"), QStringLiteral("late"), QStringLiteral("gated"),
            QStringLiteral("tensor"), QStringLiteral("lowrank"), QStringLiteral("attention"),
            QStringLiteral("graph")};
}

QStringList ModelConfig::textEncoderNames()
{
    return {QStringLiteral("mean"), QStringLiteral("conv1d"), QStringLiteral("gru"),
            QStringLiteral("transformer")};
}

QStringList ModelConfig::imageEncoderNames()
{
    return {QStringLiteral("cnn")};
}

QStringList ModelConfig::audioEncoderNames()
{
    return {QStringLiteral("cnn"), QStringLiteral("gru")};
}

QStringList ModelConfig::normNames()
{
    return {QStringLiteral("batch"), QStringLiteral("group")};
}

int ModelConfig::fusionLayers() const
{
    if (layers > 0)
        return layers;
    // One attention layer already lets every token see every other; message passing needs a
    // second hop to carry text and audio through the image's neighbourhood edges.
    return fusion == QLatin1String("graph") ? 2 : 1;
}

bool ModelConfig::isEncoderFile(const QString &name)
{
    return !imageEncoderNames().contains(name) && !audioEncoderNames().contains(name)
        && !textEncoderNames().contains(name);
}

QString ModelConfig::validate() const
{
    if (!fusionNames().contains(fusion))
        return QStringLiteral("model config: fusion \"%1\" is unknown (choose %2)").arg(fusion, quoted(fusionNames()));
    if (!textEncoderNames().contains(textEncoder))
        return QStringLiteral("model config: text_encoder \"%1\" is unknown (choose %2)")
            .arg(textEncoder, quoted(textEncoderNames()));
    if (!imageEncoderNames().contains(imageEncoder)) {
        const QString why = checkEncoderFile("image_encoder", imageEncoder, imageEncoderNames());
        if (!why.isEmpty())
            return why;
    }
    if (!audioEncoderNames().contains(audioEncoder)) {
        const QString why = checkEncoderFile("audio_encoder", audioEncoder, audioEncoderNames());
        if (!why.isEmpty())
            return why;
    }
    if (!normNames().contains(norm))
        return QStringLiteral("model config: norm \"%1\" is unknown (choose %2)").arg(norm, quoted(normNames()));

    const QString ranges[] = {
        checkRange("dim", dim, 8, 1024),
        checkRange("heads", heads, 1, 64),
        checkRange("layers", layers, 0, 8),
        checkRange("text_layers", textLayers, 1, 4),
        checkRange("rank", rank, 1, 64),
        checkRange("num_classes", numClasses, 0, 100000), // 0: a contrastive model, no task outputs
        checkRange("vocab_size", vocabSize, 2, 1000000),
        checkRange("text_length", textLength, 1, 4096),
        checkRange("image_size", imageSize, 8, 1024),
        checkRange("mel_bins", melBins, 8, 512),
        checkRange("audio_frames", audioFrames, 8, 100000),
    };
    for (const QString &why : ranges) {
        if (!why.isEmpty())
            return why;
    }
    if (dim % heads != 0)
        return QStringLiteral("model config: dim (%1) must be a multiple of heads (%2)").arg(dim).arg(heads);
    if (dim % 8 != 0 && norm == QLatin1String("group"))
        return QStringLiteral("model config: dim (%1) must be a multiple of 8 for group norm").arg(dim);
    if (!(dropout >= 0.0 && dropout < 1.0))
        return QStringLiteral("model config: dropout must be in [0, 1) (is %1)").arg(dropout);
    return {};
}

QJsonObject ModelConfig::toJson() const
{
    return {
        {QStringLiteral("fusion"), fusion},
        {QStringLiteral("text_encoder"), textEncoder},
        {QStringLiteral("image_encoder"), imageEncoder},
        {QStringLiteral("audio_encoder"), audioEncoder},
        {QStringLiteral("dim"), dim},
        {QStringLiteral("heads"), heads},
        {QStringLiteral("layers"), layers},
        {QStringLiteral("dropout"), dropout},
        {QStringLiteral("text_layers"), textLayers},
        {QStringLiteral("norm"), norm},
        {QStringLiteral("rank"), rank},
        {QStringLiteral("num_classes"), numClasses},
        {QStringLiteral("value_outputs"), valueOutputs},
        {QStringLiteral("vocab_size"), vocabSize},
        {QStringLiteral("text_length"), textLength},
        {QStringLiteral("image_size"), imageSize},
        {QStringLiteral("mel_bins"), melBins},
        {QStringLiteral("audio_frames"), audioFrames},
    };
}

ModelConfig ModelConfig::fromJson(const QJsonObject &json, QString *error)
{
    ModelConfig config;
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
        *error = problems.isEmpty() ? QString() : QStringLiteral("model config: ") + problems.join(QStringLiteral("; "));
    return config;
}
