#include "core/model/fusions.h"

#include "core/model/script/scripts.h"

#include <cmath>

namespace {

// Width of each modality's projection in the tensor fusion: its outer product has
// (width + 1)^3 entries, so it must stay small.
constexpr std::int64_t kTensorWidth = 12;

/** Attributes and helper sources every vector fusion uses. */
void addSummaryAttributes(ModuleBuilder &builder, const ModelConfig &config, const TokenLayout &layout)
{
    builder.intAttribute("grid_h", layout.imageGridH);
    builder.intAttribute("grid_w", layout.imageGridW);
    builder.floatAttribute("dropout", config.dropout);
}

std::string withSummaries(const char *source)
{
    return modelparts::joinSources({modelscript::attentionOps(), modelscript::summaryOps(), source});
}

torch::jit::Module buildConcat(const ModelConfig &config, ModelContext &context, const TokenLayout &layout)
{
    const std::int64_t dim = config.dim;
    ModuleBuilder builder(context, "ConcatFusion");
    addSummaryAttributes(builder, config, layout);
    builder.linear("hidden", 4 * dim, 11 * dim + 3);
    builder.linear("classifier", config.numClasses, 4 * dim);
    return builder.define(withSummaries(modelscript::concatFusion()));
}

torch::jit::Module buildLate(const ModelConfig &config, ModelContext &context, const TokenLayout &layout)
{
    const std::int64_t dim = config.dim;
    ModuleBuilder builder(context, "LateFusion");
    addSummaryAttributes(builder, config, layout);
    builder.linear("text1", dim, dim);
    builder.linear("text2", config.numClasses, dim);
    builder.linear("image1", dim, 9 * dim);
    builder.linear("image2", config.numClasses, dim);
    builder.linear("audio1", dim, dim);
    builder.linear("audio2", config.numClasses, dim);
    return builder.define(withSummaries(modelscript::lateFusion()));
}

torch::jit::Module buildGated(const ModelConfig &config, ModelContext &context, const TokenLayout &layout)
{
    const std::int64_t dim = config.dim;
    ModuleBuilder builder(context, "GatedFusion");
    addSummaryAttributes(builder, config, layout);
    builder.linear("text", dim, dim);
    builder.linear("image", dim, 9 * dim);
    builder.linear("audio", dim, dim);
    builder.linear("gate", 3, 3 * dim + 3);
    builder.linear("hidden", 2 * dim, dim);
    builder.linear("classifier", config.numClasses, 2 * dim);
    return builder.define(withSummaries(modelscript::gatedFusion()));
}

torch::jit::Module buildTensor(const ModelConfig &config, ModelContext &context, const TokenLayout &layout)
{
    const std::int64_t dim = config.dim;
    const std::int64_t width = kTensorWidth;
    ModuleBuilder builder(context, "TensorFusion");
    addSummaryAttributes(builder, config, layout);
    builder.linear("text", width, dim);
    builder.linear("image", width, 9 * dim);
    builder.linear("audio", width, dim);
    builder.linear("hidden", dim, (width + 1) * (width + 1) * (width + 1) + 3);
    builder.linear("classifier", config.numClasses, dim);
    return builder.define(withSummaries(modelscript::tensorFusion()));
}

torch::jit::Module buildLowrank(const ModelConfig &config, ModelContext &context, const TokenLayout &layout)
{
    const std::int64_t dim = config.dim;
    const std::int64_t rank = config.rank;
    ModuleBuilder builder(context, "LowRankFusion");
    addSummaryAttributes(builder, config, layout);
    // Factors [rank, 1 + input, dim]; Xavier-like so each factor's output has unit scale and
    // the three-way product neither vanishes nor explodes.
    builder.uniform("text_factor", {rank, dim + 1, dim}, std::sqrt(6.0 / double(2 * dim + 1)));
    builder.uniform("image_factor", {rank, 9 * dim + 1, dim}, std::sqrt(6.0 / double(10 * dim + 1)));
    builder.uniform("audio_factor", {rank, dim + 1, dim}, std::sqrt(6.0 / double(2 * dim + 1)));
    builder.parameter("rank_weight", torch::full({rank}, 1.0 / double(rank)));
    builder.zeros("fusion_bias", {dim});
    builder.linear("hidden", 2 * dim, dim + 3);
    builder.linear("classifier", config.numClasses, 2 * dim);
    return builder.define(withSummaries(modelscript::lowrankFusion()));
}

} // namespace

torch::jit::Module buildVectorFusion(const ModelConfig &config, ModelContext &context, const TokenLayout &layout)
{
    if (config.fusion == QLatin1String("concat"))
        return buildConcat(config, context, layout);
    if (config.fusion == QLatin1String("late"))
        return buildLate(config, context, layout);
    if (config.fusion == QLatin1String("gated"))
        return buildGated(config, context, layout);
    if (config.fusion == QLatin1String("tensor"))
        return buildTensor(config, context, layout);
    return buildLowrank(config, context, layout);
}
