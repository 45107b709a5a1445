#include "core/model/fusions.h"

#include "core/model/script/scripts.h"

namespace {

/** Parameters both token fusions share after their layers: final norm and classifier. */
void addHead(ModuleBuilder &builder, const ModelConfig &config)
{
    const std::int64_t dim = config.dim;
    builder.layerNorm("final_norm", dim);
    builder.linear("hidden", 2 * dim, 2 * dim + 3);
    builder.linear("classifier", config.numClasses, 2 * dim);
}

torch::jit::Module buildAttention(const ModelConfig &config, ModelContext &context, const TokenLayout &layout)
{
    const std::int64_t dim = config.dim;
    const std::int64_t layers = config.fusionLayers();
    ModuleBuilder builder(context, "AttentionFusion");
    builder.normal("type_embedding", {3, dim}, 0.02);
    builder.normal("cls_token", {1, 1, dim}, 0.02);
    modelparts::addTransformerLayers(builder, config, layers);
    // Cross-attention from the text to the image (index 0) and to the audio (index 1).
    builder.layerNorm("cross_norm", dim, {layers});
    builder.linear("cross_q", dim, dim, {layers, 2});
    builder.linear("cross_kv", 2 * dim, dim, {layers, 2});
    builder.zeroLinear("cross_out", dim, dim, {layers, 2});
    modelparts::addReadout(builder, config, layout.imageTokens());
    addHead(builder, config);
    return builder.define(modelparts::joinSources({modelscript::attentionOps(), modelscript::transformerLayer(),
                                                   modelscript::readout(config.valueOutputs), modelscript::attentionFusion()}));
}

torch::jit::Module buildGraph(const ModelConfig &config, ModelContext &context, const TokenLayout &layout)
{
    const std::int64_t dim = config.dim;
    ModuleBuilder builder(context, "GraphFusion");
    builder.normal("type_embedding", {3, dim}, 0.02);
    modelparts::addTransformerLayers(builder, config, config.fusionLayers());
    builder.buffer("adjacency", graphAdjacency(layout));
    modelparts::addReadout(builder, config, layout.imageTokens());
    addHead(builder, config);
    return builder.define(modelparts::joinSources({modelscript::attentionOps(), modelscript::transformerLayer(),
                                                   modelscript::readout(config.valueOutputs), modelscript::graphFusion()}));
}

} // namespace

torch::Tensor graphAdjacency(const TokenLayout &layout)
{
    const std::int64_t text = layout.textTokens;
    const std::int64_t image = layout.imageTokens();
    const std::int64_t audio = layout.audioTokens;
    const std::int64_t nodes = text + image + audio;
    auto modality = torch::empty({nodes}, torch::kLong);
    modality.narrow(0, 0, text).fill_(0);
    modality.narrow(0, text, image).fill_(1);
    modality.narrow(0, text + image, audio).fill_(2);
    // Every cross-modal pair, plus self-loops.
    auto adjacency = modality.unsqueeze(0).ne(modality.unsqueeze(1)).logical_or(torch::eye(nodes, torch::kBool));
    auto edges = adjacency.accessor<bool, 2>();
    auto link = [&](std::int64_t a, std::int64_t b) {
        edges[a][b] = true;
        edges[b][a] = true;
    };
    for (std::int64_t i = 0; i + 1 < text; ++i)
        link(i, i + 1);
    for (std::int64_t r = 0; r < layout.imageGridH; ++r) {
        for (std::int64_t c = 0; c < layout.imageGridW; ++c) {
            const std::int64_t cell = text + r * layout.imageGridW + c;
            if (c + 1 < layout.imageGridW)
                link(cell, cell + 1);
            if (r + 1 < layout.imageGridH)
                link(cell, cell + layout.imageGridW);
        }
    }
    for (std::int64_t i = text + image; i + 1 < nodes; ++i)
        link(i, i + 1);
    return adjacency;
}

torch::jit::Module buildTokenFusion(const ModelConfig &config, ModelContext &context, const TokenLayout &layout)
{
    if (config.fusion == QLatin1String("graph"))
        return buildGraph(config, context, layout);
    return buildAttention(config, context, layout);
}

torch::jit::Module buildFusion(const ModelConfig &config, ModelContext &context, const TokenLayout &layout)
{
    if (config.fusion == QLatin1String("attention") || config.fusion == QLatin1String("graph"))
        return buildTokenFusion(config, context, layout);
    return buildVectorFusion(config, context, layout);
}
