#pragma once

// Internal to core (includes torch).

#include "core/data/dataset.h"
#include "core/eval/modelmeta.h"

#include <torch/script.h>

#include <cstdint>
#include <exception>
#include <optional>
#include <string>

/** A TorchScript model file opened for use, with its FusionScope metadata when present. */
struct LoadedModel
{
    torch::jit::Module module;
    ModelMeta meta;
    bool hasMeta = false;         ///< false for an external file without fusionscope/meta.json
    std::string tokenizerModel;   ///< serialized SentencePiece model; empty when absent
};

/**
 * Writes module + fusionscope/meta.json + fusionscope/tokenizer.model as one TorchScript
 * archive, atomically (temp file, then rename). False with a reason on failure. The extra
 * files land in the zip as <archive>/extra/fusionscope/...; Python reads them with
 * torch.jit.load(f, _extra_files={"fusionscope/meta.json": ""}). A module in training mode
 * is saved as an eval-mode deep copy, so Python predicts without dropout; the caller's
 * module is untouched.
 */
bool saveModelFile(const QString &path, const torch::jit::Module &module, const ModelMeta &meta,
                   const std::string &tokenizerModel, QString *error);

/**
 * Opens any TorchScript archive. Never throws: a truncated zip, a non-TorchScript file or a
 * file that breaks the contract gives nullopt and one sentence in *error (no c10 backtrace).
 * With a meta.json that records preprocessing the dummy-batch contract check runs at once (shapes and class count from
 * the meta); without it only forward's signature is checked here, so the caller runs
 * checkModelContract with the shapes it will feed. The module is returned in eval() mode.
 */
std::optional<LoadedModel> loadModelFile(const QString &path, QString *error);

/**
 * Runs one dummy batch through the module and checks the contract: forward's four inputs,
 * a dict with "logits" [B,C], C == expectedClasses (when > 0). Empty when it holds. Shapes
 * come from meta.preprocess (text length, image size, mel bins, audio frames); *classes
 * receives C when the forward got that far.
 */
QString checkModelContract(torch::jit::Module &module, const ModelMeta &meta, int expectedClasses,
                           int *classes = nullptr);

/** The static half of the contract: forward exists and takes four Tensors. Empty when it holds. */
QString checkForwardSignature(const torch::jit::Module &module);

/** forward's TorchScript schema as text, e.g. "forward(Tensor text, ...) -> Dict(str, Tensor)". */
QString forwardSchema(const torch::jit::Module &module);

/**
 * train()/eval() that never throws: Module::train asserts on a submodule without a
 * "training" attribute (a module assembled in C++ without one); such a module has no mode.
 */
void setTrainingMode(torch::jit::Module &module, bool training);

/** Sum of the numels of all parameters, submodules included. */
std::int64_t parameterCount(const torch::jit::Module &module);

/**
 * The useful line of a torch exception: c10::Error without its C++ backtrace, and for an
 * error raised inside TorchScript the final "RuntimeError: ..." line rather than the trace.
 */
QString torchErrorSentence(const std::exception &error);

/**
 * How to read a dataset for this model: its tokenizer when it carries one (else empty, so the
 * dataset trains one on its train split exactly as a new run would: the documented fallback),
 * its recorded preprocessing frozen when meta.json has a preprocess block, else base's
 * (measured on the dataset) with the text length, image size and clip length from token_layout.
 */
DatasetOptions datasetOptionsForModel(const LoadedModel &model, DatasetOptions base = {});

/** The note eval/explain print (and the window shows) when the file has no tokenizer; empty when it has one. */
QString tokenizerFallbackNote(const LoadedModel &model, const QString &modelPath, const QString &datasetPath);
