#pragma once

// Internal to core (includes torch).

#include "core/model/modelconfig.h"
#include "core/model/modulebuilder.h"

#include <cstdint>
#include <initializer_list>
#include <string>

/** How many tokens each encoder emits; the fusions' parameter shapes depend on it. */
struct TokenLayout
{
    std::int64_t textTokens = 0;
    std::int64_t imageGridH = 1;
    std::int64_t imageGridW = 1;
    std::int64_t audioTokens = 0;

    std::int64_t imageTokens() const { return imageGridH * imageGridW; }
};

/** One built encoder and the tokens it emits (an image encoder's as a gridH×gridW grid). */
struct EncoderPart
{
    torch::jit::Module module;
    std::int64_t tokens = 0;
    std::int64_t gridH = 1;
    std::int64_t gridW = 1;
};

// Building blocks several model parts share: each registers the parameters that the
// TorchScript helper of the same name (core/model/script) reads.
namespace modelparts {

/** Concatenates TorchScript sources (helpers first, then the part's own methods). */
std::string joinSources(std::initializer_list<const char *> sources);

/** Stacked parameters and attributes (layers, heads, dropout) of modelscript::transformerLayer. */
void addTransformerLayers(ModuleBuilder &builder, const ModelConfig &config, std::int64_t layers);

/** Parameters of modelscript::readout over `imageTokens` image tokens. */
void addReadout(ModuleBuilder &builder, const ModelConfig &config, std::int64_t imageTokens);

/** Weights `prefix`_{ih,hh}_{w,b} of modelscript::gruOps' run_gru, in torch.gru's layout. */
void addGru(ModuleBuilder &builder, const std::string &prefix, std::int64_t in, std::int64_t hidden);

/** Conv 3×3 + batch or group norm (config.norm) + ReLU, as its own module. */
torch::jit::Module buildConvBlock(ModelContext &context, const ModelConfig &config, std::int64_t in,
                                  std::int64_t out, std::int64_t strideH, std::int64_t strideW);

/** Output length of a 3×3, padding-1 convolution with `stride` over `length` inputs. */
std::int64_t convOutput(std::int64_t length, std::int64_t stride);

} // namespace modelparts
