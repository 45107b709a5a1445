#pragma once

// Internal to core (includes torch).

#include <torch/script.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

/**
 * What every part of one model shares while it is built: the compilation unit that holds
 * all its TorchScript classes and the generator its weights are drawn from, so the same seed
 * gives the same weights whatever else the process does. Lives on the building thread.
 */
struct ModelContext
{
    explicit ModelContext(std::uint64_t seed);

    std::shared_ptr<torch::jit::CompilationUnit> unit;
    at::Generator generator;
};

/**
 * Builds one torch::jit::Module: registers initialised parameters, buffers, attributes and
 * submodules, then compiles the TorchScript source that reads them. Used on one thread.
 * A non-empty `stack` prepends leading dimensions ([layers, ...]) so a loop can index them.
 */
class ModuleBuilder
{
public:
    using Shape = std::vector<std::int64_t>;

    ModuleBuilder(ModelContext &context, const std::string &className);

    /** name_w [out,in] (Xavier uniform) and name_b [out] (zeros). */
    void linear(const std::string &name, std::int64_t out, std::int64_t in, Shape stack = {});
    /**
     * name_w and name_b all zeros: the last projection of a residual branch, so the branch
     * starts as the identity and a deep model begins as its shallow skip path.
     */
    void zeroLinear(const std::string &name, std::int64_t out, std::int64_t in, Shape stack = {});
    /** name_w (ones) and name_b (zeros), [dim]. */
    void layerNorm(const std::string &name, std::int64_t dim, Shape stack = {});
    /** A parameter drawn from N(0, std²). */
    void normal(const std::string &name, const Shape &shape, double std);
    /** A parameter drawn from U(-bound, bound). */
    void uniform(const std::string &name, const Shape &shape, double bound);
    /** A convolution weight [out,in,k...] with Kaiming-normal initialisation (ReLU gain). */
    void convWeight(const std::string &name, const Shape &shape, Shape stack = {});
    void zeros(const std::string &name, const Shape &shape);
    void parameter(const std::string &name, torch::Tensor value);
    void buffer(const std::string &name, torch::Tensor value);
    void intAttribute(const std::string &name, std::int64_t value);
    void floatAttribute(const std::string &name, double value);
    void submodule(const std::string &name, const torch::jit::Module &module);

    /** Compiles `source` (methods of this module) and returns the finished module. */
    torch::jit::Module define(const std::string &source);

    torch::jit::Module &module() { return m_module; }
    at::Generator &generator() { return m_context.generator; }

private:
    static Shape stacked(Shape stack, const Shape &shape);

    ModelContext &m_context;
    torch::jit::Module m_module;
};
