#include "core/util/parallelfor.h"
#include "core/util/singlethreadedops.h"
#include "core/util/threads.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

bool parallelFor(int count, int threads, const std::function<void(int)> &body, const CancelFlag *cancel)
{
    const int workers = std::max(1, std::min(count, threads > 0 ? threads : availableCores()));
    std::atomic_int next{0};
    auto work = [&] {
        // The workers are the parallelism: a torch op in body() must not start an OpenMP team
        // of its own on each of them (see SingleThreadedOps).
        const SingleThreadedOps oneThreadPerWorker;
        for (int i = next++; i < count; i = next++) {
            if (cancel && cancel->load())
                return;
            body(i);
        }
    };
    std::vector<std::thread> pool;
    for (int w = 1; w < workers; ++w)
        pool.emplace_back(work);
    work();
    for (std::thread &t : pool)
        t.join();
    return !(cancel && cancel->load());
}
