#include "core/model/modulebuilder.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/jit/frontend/resolver.h>
#include <torch/csrc/jit/frontend/sugared_value.h>

#include <cmath>

namespace {

/**
 * LibTorch's native resolver knows only `torch`; ours also knows `ValueError`, so a script
 * can reject bad inputs with a sentence (raised as "ValueError: ...").
 */
struct ScriptResolver final : torch::jit::Resolver
{
    std::shared_ptr<torch::jit::SugaredValue> resolveValue(const std::string &name, torch::jit::GraphFunction &function,
                                                           const torch::jit::SourceRange &location) override
    {
        if (name == "ValueError")
            return std::make_shared<torch::jit::ExceptionValue>(name);
        return torch::jit::nativeResolver()->resolveValue(name, function, location);
    }
};

} // namespace

ModelContext::ModelContext(std::uint64_t seed)
    : unit(std::make_shared<torch::jit::CompilationUnit>())
    , generator(at::detail::createCPUGenerator(seed))
{
}

ModuleBuilder::ModuleBuilder(ModelContext &context, const std::string &className)
    : m_context(context)
    , m_module(c10::QualifiedName("__torch__.fusionscope." + className), context.unit,
               /*shouldMangle=*/true)
{
    // Module::train()/eval() flip this flag in every submodule; the scripts read it.
    m_module.register_attribute("training", c10::BoolType::get(), true);
}

ModuleBuilder::Shape ModuleBuilder::stacked(Shape stack, const Shape &shape)
{
    stack.insert(stack.end(), shape.begin(), shape.end());
    return stack;
}

void ModuleBuilder::linear(const std::string &name, std::int64_t out, std::int64_t in, Shape stack)
{
    uniform(name + "_w", stacked(stack, {out, in}), std::sqrt(6.0 / double(in + out)));
    zeros(name + "_b", stacked(stack, {out}));
}

void ModuleBuilder::zeroLinear(const std::string &name, std::int64_t out, std::int64_t in, Shape stack)
{
    zeros(name + "_w", stacked(stack, {out, in}));
    zeros(name + "_b", stacked(stack, {out}));
}

void ModuleBuilder::layerNorm(const std::string &name, std::int64_t dim, Shape stack)
{
    parameter(name + "_w", torch::ones(stacked(stack, {dim})));
    zeros(name + "_b", stacked(stack, {dim}));
}

void ModuleBuilder::normal(const std::string &name, const Shape &shape, double std)
{
    parameter(name, torch::empty(shape).normal_(0.0, std, m_context.generator));
}

void ModuleBuilder::uniform(const std::string &name, const Shape &shape, double bound)
{
    parameter(name, torch::empty(shape).uniform_(-bound, bound, m_context.generator));
}

void ModuleBuilder::convWeight(const std::string &name, const Shape &shape, Shape stack)
{
    std::int64_t fanIn = 1;
    for (std::size_t i = 1; i < shape.size(); ++i)
        fanIn *= shape[i];
    normal(name, stacked(stack, shape), std::sqrt(2.0 / double(fanIn)));
}

void ModuleBuilder::zeros(const std::string &name, const Shape &shape)
{
    parameter(name, torch::zeros(shape));
}

void ModuleBuilder::parameter(const std::string &name, torch::Tensor value)
{
    m_module.register_parameter(name, value.set_requires_grad(true), /*is_buffer=*/false);
}

void ModuleBuilder::buffer(const std::string &name, torch::Tensor value)
{
    m_module.register_buffer(name, std::move(value));
}

void ModuleBuilder::intAttribute(const std::string &name, std::int64_t value)
{
    m_module.register_attribute(name, c10::IntType::get(), value);
}

void ModuleBuilder::floatAttribute(const std::string &name, double value)
{
    m_module.register_attribute(name, c10::FloatType::get(), value);
}

void ModuleBuilder::submodule(const std::string &name, const torch::jit::Module &module)
{
    m_module.register_module(name, module);
}

torch::jit::Module ModuleBuilder::define(const std::string &source)
{
    m_module.define(source, std::make_shared<ScriptResolver>());
    return m_module;
}
