#include "core/model/encoders.h"

#include "core/model/script/scripts.h"

namespace {

EncoderPart buildAudioCnn(const ModelConfig &config, ModelContext &context)
{
    using modelparts::buildConvBlock;
    using modelparts::convOutput;
    const std::int64_t dim = config.dim;
    ModuleBuilder builder(context, "AudioCnn");
    builder.submodule("block0", buildConvBlock(context, config, 1, dim / 4, 2, 2));
    builder.submodule("block1", buildConvBlock(context, config, dim / 4, dim / 2, 2, 2));
    builder.submodule("block2", buildConvBlock(context, config, dim / 2, dim, 2, 2));

    const std::int64_t mels = convOutput(convOutput(convOutput(config.melBins, 2), 2), 2);
    EncoderPart part;
    part.tokens = convOutput(convOutput(convOutput(config.audioFrames, 2), 2), 2);
    part.gridW = part.tokens;
    builder.linear("proj", dim, dim * mels);
    builder.normal("position", {part.tokens, dim}, 0.02);
    builder.layerNorm("norm", dim);
    builder.intAttribute("audio_frames", config.audioFrames);
    part.module = builder.define(modelscript::audioCnn());
    return part;
}

EncoderPart buildAudioGru(const ModelConfig &config, ModelContext &context)
{
    const std::int64_t dim = config.dim;
    ModuleBuilder builder(context, "AudioGru");
    builder.linear("in", dim, 2 * config.melBins);
    modelparts::addGru(builder, "fw", dim, dim);
    modelparts::addGru(builder, "bw", dim, dim);
    builder.linear("proj", dim, 2 * dim);
    builder.layerNorm("norm", dim);
    builder.floatAttribute("dropout", config.dropout);

    EncoderPart part;
    part.tokens = config.audioFrames / 2;
    part.gridW = part.tokens;
    part.module = builder.define(modelparts::joinSources({modelscript::gruOps(), modelscript::audioGru()}));
    return part;
}

} // namespace

EncoderPart buildAudioEncoder(const ModelConfig &config, ModelContext &context)
{
    if (config.audioEncoder == QLatin1String("cnn"))
        return buildAudioCnn(config, context);
    if (config.audioEncoder == QLatin1String("gru"))
        return buildAudioGru(config, context);
    return buildUserEncoder(config, context, config.audioEncoder, "audio_encoder",
                            torch::zeros({1, 1, config.melBins, config.audioFrames}));
}
