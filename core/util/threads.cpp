#include "core/util/threads.h"

#include <QtCore/QThread>
#include <sched.h>

int availableCores()
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0)
        return std::max(1, CPU_COUNT(&set));
    return std::max(1, QThread::idealThreadCount());
}

void configureComputeThreads(int threads)
{
    at::set_num_threads(threads > 0 ? threads : availableCores());
}
