#include "bench/stallprobe.h"

#include "bench/stallsampler.h"

#include <QtCore/QByteArray>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

double cpuMs(bool process)
{
    timespec t{};
    clock_gettime(process ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

RunQueueClock::RunQueueClock()
{
    const QByteArray path = "/proc/self/task/" + QByteArray::number(qint64(syscall(SYS_gettid))) + "/schedstat";
    m_fd = ::open(path.constData(), O_RDONLY);
}

RunQueueClock::~RunQueueClock()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

double RunQueueClock::waitedMs() const
{
    // schedstat: "<ns on a CPU> <ns waiting on a run queue> <time slices>"
    char buffer[128];
    const ssize_t n = m_fd >= 0 ? ::pread(m_fd, buffer, sizeof buffer - 1, 0) : -1;
    if (n <= 0)
        return 0.0;
    buffer[n] = 0;
    unsigned long long run = 0, wait = 0;
    return std::sscanf(buffer, "%llu %llu", &run, &wait) == 2 ? double(wait) / 1e6 : 0.0;
}

StallProbe::StallProbe()
{
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(1);
    connect(&m_timer, &QTimer::timeout, this, &StallProbe::tick);
}

void StallProbe::start()
{
    m_gaps.clear();
    m_gaps.reserve(200000);
    m_clock.start();
    m_last = 0;
    m_lastCpu = cpuMs();
    m_lastWaited = m_runQueue.waitedMs();
    m_timer.start();
}

void StallProbe::stop()
{
    if (m_timer.isActive())
        m_seconds = double(m_clock.nsecsElapsed()) / 1e9;
    m_timer.stop();
}

double StallProbe::seconds() const
{
    return m_timer.isActive() ? double(m_clock.nsecsElapsed()) / 1e9 : m_seconds;
}

void StallProbe::tick()
{
    const qint64 now = m_clock.nsecsElapsed();
    const double cpu = cpuMs();
    const double waited = m_runQueue.waitedMs();
    m_gaps.push_back({double(now) / 1e9, double(now - m_last) / 1e6, cpu - m_lastCpu, waited - m_lastWaited});
    m_last = now;
    m_lastCpu = cpu;
    m_lastWaited = waited;
    if (m_sampler)
        m_sampler->beat();
}

namespace {

double percentile(const std::vector<double> &sorted, double p)
{
    if (sorted.empty())
        return 0.0;
    const std::size_t index = std::min(sorted.size() - 1, std::size_t(std::ceil(p * double(sorted.size()))) - 1);
    return sorted[index];
}

} // namespace

GapStats statistics(const std::vector<Gap> &gaps, Part part)
{
    std::vector<double> walls;
    for (const Gap &gap : gaps) {
        switch (part) {
        case Part::Wall: walls.push_back(gap.wallMs); break;
        case Part::Busy: walls.push_back(std::min(gap.wallMs, gap.guiCpuMs)); break;
        case Part::RunQueue: walls.push_back(std::min(gap.wallMs, gap.runQueueMs)); break;
        case Part::Blocked: walls.push_back(gap.blockedMs()); break;
        }
    }
    std::sort(walls.begin(), walls.end());
    GapStats stats;
    stats.samples = walls.size();
    stats.p50 = percentile(walls, 0.50);
    stats.p99 = percentile(walls, 0.99);
    stats.max = walls.empty() ? 0.0 : walls.back();
    stats.over16 = long(walls.end() - std::upper_bound(walls.begin(), walls.end(), 16.0));
    stats.over50 = long(walls.end() - std::upper_bound(walls.begin(), walls.end(), 50.0));
    return stats;
}

void printStats(const char *label, const GapStats &s)
{
    std::printf("  %-34s p50 %6.2f ms  p99 %6.2f ms  max %7.2f ms  >16 ms: %4ld  >50 ms: %3ld  (%zu samples)\n", label, s.p50,
                s.p99, s.max, s.over16, s.over50, s.samples);
}

void printLongest(const std::vector<Gap> &gaps, int count)
{
    std::vector<Gap> sorted = gaps;
    std::sort(sorted.begin(), sorted.end(), [](const Gap &a, const Gap &b) { return a.wallMs > b.wallMs; });
    std::printf("  longest gaps (at s into training: wall = GUI-thread CPU + run-queue wait + blocked, ms):\n");
    for (int i = 0; i < count && i < int(sorted.size()); ++i) {
        const Gap &g = sorted[i];
        std::printf("    %7.2f s: %6.1f = %5.1f + %6.1f + %6.1f\n", g.atSeconds, g.wallMs, g.guiCpuMs, g.runQueueMs, g.blockedMs());
    }
}
