#include "core/model/modelparts.h"

#include "core/model/script/scripts.h"

#include <cmath>

namespace modelparts {

std::string joinSources(std::initializer_list<const char *> sources)
{
    std::string joined;
    for (const char *source : sources)
        joined += source;
    return joined;
}

void addTransformerLayers(ModuleBuilder &builder, const ModelConfig &config, std::int64_t layers)
{
    const std::int64_t dim = config.dim;
    // A feed-forward width of 2×dim (not the usual 4×) keeps the default model small and fast.
    const std::int64_t hidden = 2 * dim;
    builder.layerNorm("norm1", dim, {layers});
    builder.linear("qkv", 3 * dim, dim, {layers});
    // Residual branches start closed: an untrained stack passes its input through, so the
    // readout first learns from the encoders' tokens and the layers add context as they learn.
    builder.zeroLinear("out", dim, dim, {layers});
    builder.layerNorm("norm2", dim, {layers});
    builder.linear("ff1", hidden, dim, {layers});
    builder.zeroLinear("ff2", dim, hidden, {layers});
    builder.intAttribute("layers", layers);
    builder.intAttribute("heads", config.heads);
    builder.floatAttribute("dropout", config.dropout);
}

void addReadout(ModuleBuilder &builder, const ModelConfig &config, std::int64_t imageTokens)
{
    const std::int64_t dim = config.dim;
    builder.linear("query1", dim, 2 * dim + 3);
    builder.linear("query2", dim, dim);
    builder.linear("key", dim, dim);
    builder.linear("value", dim, dim);
    builder.linear("pointer", config.numClasses, config.heads * imageTokens);
    if (config.valueOutputs) // zero: an untrained readout adds nothing, as the log map starts
        builder.zeroLinear("pointer_value", config.numClasses, config.heads * imageTokens);
}

void addGru(ModuleBuilder &builder, const std::string &prefix, std::int64_t in, std::int64_t hidden)
{
    // PyTorch's default GRU initialisation; gates r, z, n stacked along the first axis.
    const double bound = 1.0 / std::sqrt(double(hidden));
    builder.uniform(prefix + "_ih_w", {3 * hidden, in}, bound);
    builder.uniform(prefix + "_hh_w", {3 * hidden, hidden}, bound);
    builder.uniform(prefix + "_ih_b", {3 * hidden}, bound);
    builder.uniform(prefix + "_hh_b", {3 * hidden}, bound);
}

torch::jit::Module buildConvBlock(ModelContext &context, const ModelConfig &config, std::int64_t in,
                                  std::int64_t out, std::int64_t strideH, std::int64_t strideW)
{
    ModuleBuilder builder(context, "ConvBlock");
    builder.convWeight("weight", {out, in, 3, 3});
    builder.layerNorm("norm", out);
    builder.intAttribute("stride_h", strideH);
    builder.intAttribute("stride_w", strideW);
    if (config.norm == QLatin1String("group")) {
        std::int64_t groups = 8;
        while (out % groups != 0)
            groups /= 2;
        builder.intAttribute("groups", groups);
        return builder.define(modelscript::convBlockGroupNorm());
    }
    builder.buffer("running_mean", torch::zeros({out}));
    builder.buffer("running_var", torch::ones({out}));
    return builder.define(modelscript::convBlockBatchNorm());
}

std::int64_t convOutput(std::int64_t length, std::int64_t stride)
{
    return (length - 1) / stride + 1;
}

} // namespace modelparts
