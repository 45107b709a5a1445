#include "bench/stallsampler.h"

#include <QtCore/QFile>

#include <chrono>
#include <csignal>
#include <cxxabi.h>
#include <dlfcn.h>
#include <execinfo.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace {

long long nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Filled by the signal handler on the GUI thread; read by the watchdog once `g_ready` is set.
void *g_frames[48];
std::atomic_int g_frameCount{0};
std::atomic_bool g_ready{false};

void onStackRequest(int)
{
    g_frameCount = backtrace(g_frames, 48);
    g_ready = true;
}

QByteArray readProc(int tid, const char *name)
{
    QFile file(QStringLiteral("/proc/self/task/%1/%2").arg(tid).arg(QLatin1String(name)));
    return file.open(QIODevice::ReadOnly | QIODevice::Unbuffered) ? file.readAll().trimmed() : QByteArray();
}

QString syscallName(const QByteArray &line)
{
    if (line.startsWith("running"))
        return QStringLiteral("running");
    const long number = line.split(' ').value(0).toLong();
    switch (number) {
    case SYS_read: return QStringLiteral("read");
    case SYS_write: return QStringLiteral("write");
    case SYS_poll: return QStringLiteral("poll");
    case SYS_ppoll: return QStringLiteral("ppoll");
    case SYS_futex: return QStringLiteral("futex");
    case SYS_fsync: return QStringLiteral("fsync");
    case SYS_fdatasync: return QStringLiteral("fdatasync");
    case SYS_openat: return QStringLiteral("openat");
    case SYS_recvmsg: return QStringLiteral("recvmsg");
    case SYS_sendmsg: return QStringLiteral("sendmsg");
    case SYS_writev: return QStringLiteral("writev");
    case SYS_rename: return QStringLiteral("rename");
    case SYS_renameat2: return QStringLiteral("renameat2");
    case SYS_nanosleep: return QStringLiteral("nanosleep");
    case SYS_clock_nanosleep: return QStringLiteral("clock_nanosleep");
    case SYS_mmap: return QStringLiteral("mmap");
    case SYS_munmap: return QStringLiteral("munmap");
    default: return QStringLiteral("syscall %1").arg(number);
    }
}

QString symbolise(void *address)
{
    Dl_info info{};
    if (!dladdr(address, &info) || !info.dli_sname) {
        const QString object = info.dli_fname ? QString::fromLocal8Bit(info.dli_fname).section(QLatin1Char('/'), -1)
                                              : QStringLiteral("?");
        return QStringLiteral("%1 (%2)").arg(object, QString::number(quintptr(address), 16));
    }
    int status = 0;
    char *demangled = abi::__cxa_demangle(info.dli_sname, nullptr, nullptr, &status);
    QString name = QString::fromLocal8Bit(status == 0 && demangled ? demangled : info.dli_sname);
    std::free(demangled);
    if (name.size() > 140)
        name = name.left(137) + QStringLiteral("...");
    return name;
}

} // namespace

StallSampler::StallSampler() : m_guiTid(int(syscall(SYS_gettid)))
{
    void *warm[2];
    backtrace(warm, 2); // loads libgcc's unwinder now, not inside the signal handler
    struct sigaction action {};
    action.sa_handler = &onStackRequest;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    sigaction(SIGUSR2, &action, nullptr);
}

StallSampler::~StallSampler()
{
    stop();
}

void StallSampler::start(double thresholdMs)
{
    m_thresholdMs = thresholdMs;
    m_startNs = nowNs();
    m_lastBeatNs = m_startNs;
    m_running = true;
    m_thread = std::thread([this] { watch(); });
}

void StallSampler::stop()
{
    m_running = false;
    if (m_thread.joinable())
        m_thread.join();
}

void StallSampler::beat()
{
    m_lastBeatNs = nowNs();
}

void StallSampler::watch()
{
    long long sampledBeat = -1;
    while (m_running) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        const long long beat = m_lastBeatNs;
        const double stalledMs = double(nowNs() - beat) / 1e6;
        if (stalledMs < m_thresholdMs || beat == sampledBeat)
            continue;
        sampledBeat = beat; // one sample per stall
        m_samples.push_back(sample(stalledMs));
    }
}

StallSampler::Sample StallSampler::sample(double stalledMs)
{
    Sample s;
    s.atSeconds = double(nowNs() - m_startNs) / 1e9;
    s.stalledMs = stalledMs;
    const QByteArray stat = readProc(m_guiTid, "stat");
    const int close = stat.lastIndexOf(')');
    s.state = close > 0 && close + 2 < stat.size() ? stat.at(close + 2) : '?';
    s.syscall = syscallName(readProc(m_guiTid, "syscall"));
    s.wchan = QString::fromLatin1(readProc(m_guiTid, "wchan"));
    // A sleeping thread takes the signal at once and the interrupted call resumes; a running
    // one takes it when it next gets a CPU, which tells nothing: sample sleepers only.
    if (s.state == 'S') {
        g_ready = false;
        syscall(SYS_tgkill, getpid(), m_guiTid, SIGUSR2);
        for (int i = 0; i < 50 && !g_ready; ++i)
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        if (g_ready) {
            for (int i = 2; i < g_frameCount && s.stack.size() < 14; ++i) // skip the handler and the signal trampoline
                s.stack << symbolise(g_frames[i]);
        }
    }
    return s;
}
