#include "core/model/encoders.h"

#include "core/model/script/scripts.h"

#include <cmath>

namespace {

void addEmbeddings(ModuleBuilder &builder, const ModelConfig &config, bool positions)
{
    const double scale = 1.0 / std::sqrt(double(config.dim));
    builder.normal("embedding", {config.vocabSize, config.dim}, scale);
    if (positions)
        builder.normal("position", {config.textLength, config.dim}, scale);
}

torch::jit::Module buildMean(const ModelConfig &config, ModelContext &context)
{
    ModuleBuilder builder(context, "TextMeanEmbedding");
    addEmbeddings(builder, config, /*positions=*/true);
    return builder.define(modelscript::textMean());
}

torch::jit::Module buildConv1d(const ModelConfig &config, ModelContext &context)
{
    constexpr std::int64_t layers = 2;
    ModuleBuilder builder(context, "TextConv1d");
    addEmbeddings(builder, config, /*positions=*/true);
    builder.convWeight("conv_w", {config.dim, config.dim, 3}, {layers});
    builder.zeros("conv_b", {layers, config.dim});
    builder.layerNorm("norm", config.dim, {layers});
    builder.intAttribute("layers", layers);
    builder.floatAttribute("dropout", config.dropout);
    return builder.define(modelscript::textConv1d());
}

torch::jit::Module buildGru(const ModelConfig &config, ModelContext &context)
{
    ModuleBuilder builder(context, "TextGru");
    addEmbeddings(builder, config, /*positions=*/false);
    modelparts::addGru(builder, "fw", config.dim, config.dim);
    modelparts::addGru(builder, "bw", config.dim, config.dim);
    builder.linear("proj", config.dim, 2 * config.dim);
    builder.layerNorm("norm", config.dim);
    builder.floatAttribute("dropout", config.dropout);
    return builder.define(modelparts::joinSources({modelscript::gruOps(), modelscript::textGru()}));
}

torch::jit::Module buildTransformer(const ModelConfig &config, ModelContext &context)
{
    ModuleBuilder builder(context, "TextTransformer");
    addEmbeddings(builder, config, /*positions=*/true);
    modelparts::addTransformerLayers(builder, config, config.textLayers);
    builder.layerNorm("final_norm", config.dim);
    return builder.define(modelparts::joinSources(
        {modelscript::attentionOps(), modelscript::transformerLayer(), modelscript::textTransformer()}));
}

} // namespace

EncoderPart buildTextEncoder(const ModelConfig &config, ModelContext &context)
{
    EncoderPart part;
    part.tokens = config.textLength;
    part.gridW = config.textLength;
    if (config.textEncoder == QLatin1String("mean"))
        part.module = buildMean(config, context);
    else if (config.textEncoder == QLatin1String("conv1d"))
        part.module = buildConv1d(config, context);
    else if (config.textEncoder == QLatin1String("gru"))
        part.module = buildGru(config, context);
    else
        part.module = buildTransformer(config, context);
    return part;
}
