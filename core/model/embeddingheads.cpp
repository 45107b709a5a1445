#include "core/model/embeddingheads.h"

#include "core/model/script/scripts.h"

torch::jit::Module buildEmbeddingHeads(const ModelConfig &config, ModelContext &context)
{
    ModuleBuilder builder(context, "EmbeddingHeads");
    builder.layerNorm("norm", config.dim, {3});
    builder.linear("projection", config.dim, config.dim, {3});
    builder.parameter("logit_scale", torch::full({}, kInitialLogitScale, torch::kFloat32));
    return builder.define(modelparts::joinSources({modelscript::attentionOps(), modelscript::embeddingHeads()}));
}
