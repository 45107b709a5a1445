#include "core/model/modelfactory.h"

#include "core/model/embeddingheads.h"
#include "core/model/encoders.h"
#include "core/model/fusions.h"
#include "core/model/script/scripts.h"

#include <stdexcept>

torch::jit::Module buildModel(const ModelConfig &config, std::uint64_t seed)
{
    const QString problem = config.validate();
    if (!problem.isEmpty())
        throw std::invalid_argument(problem.toStdString());

    // Parts are built in a fixed order from one generator: the same seed, the same weights.
    ModelContext context(seed);
    const EncoderPart text = buildTextEncoder(config, context);
    const EncoderPart image = buildImageEncoder(config, context);
    const EncoderPart audio = buildAudioEncoder(config, context);
    TokenLayout layout;
    layout.textTokens = text.tokens;
    layout.imageGridH = image.gridH;
    layout.imageGridW = image.gridW;
    layout.audioTokens = audio.tokens;

    ModuleBuilder builder(context, "FusionModel");
    builder.submodule("text_encoder", text.module);
    builder.submodule("image_encoder", image.module);
    builder.submodule("audio_encoder", audio.module);
    builder.submodule("fusion", buildFusion(config, context, layout));
    // Drawn after every other part, so adding them left the other parts' weights as they were.
    builder.submodule("embedding_heads", buildEmbeddingHeads(config, context));
    builder.intAttribute("text_length", config.textLength);
    builder.intAttribute("image_size", config.imageSize);
    builder.intAttribute("mel_bins", config.melBins);
    builder.intAttribute("audio_frames", config.audioFrames);
    // The token layout, for whoever draws attention maps over the inputs.
    builder.intAttribute("image_grid_h", layout.imageGridH);
    builder.intAttribute("image_grid_w", layout.imageGridW);
    builder.intAttribute("audio_tokens", layout.audioTokens);
    builder.module().register_attribute("fusion_name", c10::StringType::get(), config.fusion.toStdString());
    return builder.define(modelscript::model());
}
