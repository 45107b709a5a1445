#include "core/util/singlethreadedops.h"

#include <ATen/Parallel.h>

#include <dlfcn.h>

namespace {

using SetThreads = void (*)(int);
using GetThreads = int (*)();

// Looked up at run time: libgomp comes in as LibTorch's dependency, not ours to link.
SetThreads setThreads()
{
    static const auto function = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "omp_set_num_threads"));
    return function;
}

GetThreads getThreads()
{
    static const auto function = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "omp_get_max_threads"));
    return function;
}

} // namespace

SingleThreadedOps::SingleThreadedOps()
{
    if (!setThreads() || !getThreads())
        return;
    (void)at::get_num_threads(); // ATen's per-thread lazy init first, so it cannot undo what follows
    m_previous = getThreads()();
    if (m_previous > 1)
        setThreads()(1);
    else
        m_previous = 0;
}

SingleThreadedOps::~SingleThreadedOps()
{
    if (m_previous > 0)
        setThreads()(m_previous);
}
