#include "core/model/encoders.h"

#include "core/model/script/scripts.h"

#include <torch/csrc/jit/serialization/import.h>

#include <cmath>
#include <stdexcept>

namespace {

/** The first line of a c10 error: the rest is a C++ backtrace no user wants to read. */
std::string firstLine(const std::exception &error)
{
    std::string text = error.what();
    if (const auto c10Error = dynamic_cast<const c10::Error *>(&error))
        text = c10Error->what_without_backtrace();
    const auto end = text.find('\n');
    return end == std::string::npos ? text : text.substr(0, end);
}

[[noreturn]] void fail(const char *field, const QString &path, const std::string &why)
{
    throw std::invalid_argument(std::string("model config: ") + field + " \"" + path.toStdString()
                                + "\": " + why);
}

} // namespace

EncoderPart buildUserEncoder(const ModelConfig &config, ModelContext &context, const QString &path,
                             const char *field, const torch::Tensor &probe)
{
    torch::jit::Module net;
    try {
        // Imported into the model's own compilation unit: class names that clash with ours
        // (or with another user encoder's) are mangled instead of colliding on save.
        net = torch::jit::import_ir_module(context.unit, path.toStdString());
    } catch (const std::exception &error) {
        fail(field, path, "is not a TorchScript file (" + firstLine(error) + ")");
    }
    if (!net.find_method("forward"))
        fail(field, path, "has no forward method");

    // Find N and D' from one probe sample, in eval mode so batch-norm statistics stay as they are.
    torch::Tensor output;
    const bool wasTraining = net.is_training();
    try {
        torch::NoGradGuard noGrad;
        net.eval();
        const c10::IValue result = net.forward({probe});
        net.train(wasTraining);
        if (!result.isTensor())
            fail(field, path, "forward(x) must return a Tensor [B,N,D] or [B,D]");
        output = result.toTensor();
    } catch (const std::invalid_argument &) {
        throw;
    } catch (const std::exception &error) {
        fail(field, path, "forward(x) failed on an input shaped " + std::string(c10::str(probe.sizes()))
                              + " (" + firstLine(error) + ")");
    }
    if (output.dim() != 2 && output.dim() != 3)
        fail(field, path, "forward(x) must return [B,N,D] or [B,D], not a tensor shaped "
                              + std::string(c10::str(output.sizes())));
    if (output.size(0) != probe.size(0) || output.size(-1) < 1 || !output.is_floating_point())
        fail(field, path, "forward(x) must return a float tensor with one row per sample, got "
                              + std::string(c10::str(output.sizes())));

    EncoderPart part;
    part.tokens = output.dim() == 3 ? output.size(1) : 1;
    // A square token count is taken for a grid (what a CNN emits); anything else is a row.
    const auto side = std::int64_t(std::llround(std::sqrt(double(part.tokens))));
    part.gridH = side * side == part.tokens ? side : 1;
    part.gridW = part.tokens / part.gridH;

    ModuleBuilder builder(context, "UserEncoder");
    builder.submodule("net", net);
    builder.linear("proj", config.dim, output.size(-1));
    builder.layerNorm("norm", config.dim);
    builder.intAttribute("tokens", part.tokens);
    try {
        part.module = builder.define(modelscript::userEncoder());
    } catch (const std::exception &error) {
        fail(field, path, "forward must be forward(x: Tensor) -> Tensor (" + firstLine(error) + ")");
    }
    return part;
}
