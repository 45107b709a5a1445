#include "core/model/modelsummary.h"

#include "core/model/modelfactory.h"


namespace {

qint64 countParameters(const torch::jit::Module &module)
{
    qint64 count = 0;
    for (const auto &parameter : module.parameters())
        count += parameter.numel();
    return count;
}

QString encoderLabel(const QString &encoder)
{
    return ModelConfig::isEncoderFile(encoder) ? QStringLiteral("TorchScript file %1").arg(encoder) : encoder;
}

} // namespace

ModelSummary summarizeModel(const ModelConfig &config)
{
    ModelSummary summary;
    torch::jit::Module model;
    try {
        model = buildModel(config, /*seed=*/0);
    } catch (const std::exception &error) {
        summary.error = QString::fromStdString(error.what());
        return summary;
    }

    const struct
    {
        const char *member;
        QString name;
    } parts[] = {
        {"text_encoder", QStringLiteral("text encoder (%1)").arg(encoderLabel(config.textEncoder))},
        {"image_encoder", QStringLiteral("image encoder (%1)").arg(encoderLabel(config.imageEncoder))},
        {"audio_encoder", QStringLiteral("audio encoder (%1)").arg(encoderLabel(config.audioEncoder))},
        {"fusion", QStringLiteral("fusion (%1)").arg(config.fusion)},
        {"embedding_heads", QStringLiteral("embedding heads (per modality)")},
    };
    QStringList lines;
    lines << QStringLiteral("%1 fusion, width %2, %3 heads, %4 layers, %5 classes")
                 .arg(config.fusion).arg(config.dim).arg(config.heads).arg(config.fusionLayers()).arg(config.numClasses);
    for (const auto &part : parts) {
        ModelSummary::Part entry;
        entry.name = part.name;
        entry.parameters = countParameters(model.attr(part.member).toModule());
        summary.parameters += entry.parameters;
        summary.parts << entry;
    }
    for (const auto &entry : summary.parts) {
        lines << QStringLiteral("  %1 %2 parameters")
                     .arg(entry.name, -36)
                     .arg(entry.parameters, 10);
    }
    lines << QStringLiteral("  %1 %2 parameters").arg(QStringLiteral("total"), -36).arg(summary.parameters, 10);
    lines << QStringLiteral("inputs: text [B,%1], image [B,3,%2,%2], audio [B,1,%3,%4], present [B,3]")
                 .arg(config.textLength).arg(config.imageSize).arg(config.melBins).arg(config.audioFrames);
    lines << QStringLiteral("tokens: text %1, image %2×%3, audio %4")
                 .arg(config.textLength)
                 .arg(model.attr("image_grid_h").toInt())
                 .arg(model.attr("image_grid_w").toInt())
                 .arg(model.attr("audio_tokens").toInt());
    summary.text = lines.join(QLatin1Char('\n'));
    return summary;
}
