#pragma once

// Internal to core (includes torch): builders of the encoder modules. Each encoder's forward
// maps its modality to (tokens [B,N,D], valid [B,N]).

#include "core/model/modelparts.h"

EncoderPart buildTextEncoder(const ModelConfig &config, ModelContext &context);
EncoderPart buildImageEncoder(const ModelConfig &config, ModelContext &context);
EncoderPart buildAudioEncoder(const ModelConfig &config, ModelContext &context);

/**
 * Wraps a user's TorchScript encoder file. Its forward must take one Tensor (the modality's
 * input, e.g. image [B,3,S,S]) and return a Tensor [B,N,D'] (N tokens) or [B,D'] (one
 * token); a linear projection maps D' to the model width. `probe` is a one-sample input used
 * to find N and D'. Throws std::invalid_argument naming `field` and the file when it does not
 * load or breaks that signature.
 */
EncoderPart buildUserEncoder(const ModelConfig &config, ModelContext &context, const QString &path,
                             const char *field, const torch::Tensor &probe);
