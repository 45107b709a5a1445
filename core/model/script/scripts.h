#pragma once

// TorchScript sources of the built-in model parts, one part per file in this folder. Each
// returns the methods of one module (compiled with torch::jit::Module::define); the C++
// builders in core/model register the parameters these sources read. Helper sources
// (attentionOps, transformerLayer, gruOps, summaryOps, readout) are appended to the
// modules that use them.

namespace modelscript {

// Shared helpers.
const char *attentionOps();     ///< masked_softmax, split_heads, attend, masked_mean
const char *transformerLayer(); ///< transformer_layer over stacked per-layer parameters
const char *gruOps();           ///< run_gru, reverse_valid
const char *summaryOps();       ///< modality summaries for the vector fusions
const char *readout(bool valueOutputs); ///< attention-to-logits readout over the image tokens (values: also of the weights)

// Encoders: forward(x) -> (tokens [B,N,D], valid [B,N]).
const char *convBlockBatchNorm();
const char *convBlockGroupNorm();
const char *textMean();
const char *textConv1d();
const char *textGru();
const char *textTransformer();
const char *imageCnn();
const char *audioCnn();
const char *audioGru();
const char *userEncoder();

// Fusions: forward(text, text_valid, image, image_valid, audio, audio_valid, present) -> Dict.
const char *concatFusion();
const char *lateFusion();
const char *gatedFusion();
const char *tensorFusion();
const char *lowrankFusion();
const char *attentionFusion();
const char *graphFusion();

// forward(text, text_valid, image, image_valid, audio, audio_valid, present) -> the three
// normalised per-modality embeddings.
const char *embeddingHeads();

// The model contract's forward.
const char *model();

} // namespace modelscript
