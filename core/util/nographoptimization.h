#pragma once

// Internal to core (includes torch).

#include <torch/csrc/jit/python/update_graph_executor_opt.h>

/**
 * Runs TorchScript unoptimised on this thread for the guard's life. The profiling executor
 * switches a method to a differently optimised graph (fusion, symbolic autodiff) after its
 * first runs, so the same inputs give numbers that differ in the last bits depending on how
 * often the module ran before: a resumed training session, whose fresh module starts
 * profiling again, would compute slightly different gradients than the uninterrupted run.
 * The setting is thread-local.
 */
class NoGraphOptimization
{
public:
    NoGraphOptimization() : m_previous(torch::jit::getGraphExecutorOptimize()) { torch::jit::setGraphExecutorOptimize(false); }
    ~NoGraphOptimization() { torch::jit::setGraphExecutorOptimize(m_previous); }
    NoGraphOptimization(const NoGraphOptimization &) = delete;
    NoGraphOptimization &operator=(const NoGraphOptimization &) = delete;

private:
    bool m_previous;
};
