#include "core/util/threads.h"

#include "core/util/sanitizedheap.h"

#include <QtCore/QThread>
#include <dlfcn.h>
#include <malloc.h>
#include <sched.h>

int availableCores()
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0)
        return std::max(1, CPU_COUNT(&set));
    return std::max(1, QThread::idealThreadCount());
}

int setBlasThreads(int threads)
{
    // openblas_set_num_threads is OpenBLAS's own; the reference BLAS and BLIS have no pool.
    using SetThreads = void (*)(int);
    using GetThreads = int (*)();
    const auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
    const auto get = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
    if (!set || !get)
        return 0;
    set(threads);
    return get();
}

void configureComputeThreads(int threads)
{
    at::set_num_threads(threads > 0 ? threads : availableCores());
    // LibTorch already spreads its work over the OpenMP pool above; OpenBLAS, called from
    // inside that work, would start a pool of its own on the same cores, and the two pools'
    // spinning threads then take turns (measured: 250-330 samples/s, bimodal, sys time 25 s;
    // with one BLAS thread a steady 330 and 6 s). One pool, one place: here.
    setBlasThreads(1);
    keepLargeBlocksInTheHeap();
}

void keepLargeBlocksInTheHeap()
{
    // glibc serves blocks above its mmap threshold (dynamic, at most 32 MB) with fresh mmaps and
    // returns them on free, so every training step faulted its activation buffers in again,
    // page by page (perf: clear_page and page faults ~6 % of the time). Kept in the heap, a
    // step reuses the last step's pages: fp32 steady 387-431 -> 551-561 samples/s here. The
    // cost is that memory freed after the peak stays with the process until it exits.
    mallopt(M_MMAP_THRESHOLD, 256 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
    keepTensorBlocksUnderAddressSanitizer(); // mallopt means nothing to ASan's allocator
}
