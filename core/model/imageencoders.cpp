#include "core/model/encoders.h"

#include "core/model/script/scripts.h"

namespace {

EncoderPart buildImageCnn(const ModelConfig &config, ModelContext &context)
{
    using modelparts::buildConvBlock;
    using modelparts::convOutput;
    const std::int64_t dim = config.dim;
    ModuleBuilder builder(context, "ImageCnn");
    builder.submodule("block0", buildConvBlock(context, config, 3, dim / 2, 2, 2));
    builder.submodule("block1", buildConvBlock(context, config, dim / 2, dim, 2, 2));
    builder.submodule("block2", buildConvBlock(context, config, dim, dim, 2, 2));
    builder.submodule("block3", buildConvBlock(context, config, dim, dim, 1, 1));

    EncoderPart part;
    part.gridH = convOutput(convOutput(convOutput(config.imageSize, 2), 2), 2);
    part.gridW = part.gridH;
    part.tokens = part.gridH * part.gridW;
    builder.normal("row_embedding", {part.gridH, dim}, 0.02);
    builder.normal("col_embedding", {part.gridW, dim}, 0.02);
    builder.layerNorm("norm", dim);
    builder.intAttribute("grid_h", part.gridH);
    builder.intAttribute("grid_w", part.gridW);
    builder.intAttribute("image_size", config.imageSize);
    part.module = builder.define(modelscript::imageCnn());
    return part;
}

} // namespace

EncoderPart buildImageEncoder(const ModelConfig &config, ModelContext &context)
{
    if (ModelConfig::imageEncoderNames().contains(config.imageEncoder))
        return buildImageCnn(config, context);
    return buildUserEncoder(config, context, config.imageEncoder, "image_encoder",
                            torch::zeros({1, 3, config.imageSize, config.imageSize}));
}
