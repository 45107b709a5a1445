#include "core/commands/trainlaunch.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QElapsedTimer>
#include <QtCore/QProcess>
#include <QtCore/QTextStream>
#include <QtCore/QThread>

#include <arpa/inet.h>
#include <csignal>
#include <memory>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace {

const char *const kCommand = "fusionscope train";

/** A TCP port nobody listens on now (the kernel's choice), for the store rank 0 will host. */
int freeLoopbackPort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 29500;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    int port = 29500;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof(address)) == 0
        && ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length) == 0)
        port = ntohs(address.sin_port);
    ::close(fd);
    return port;
}

} // namespace

QStringList workerArguments(const QStringList &arguments)
{
    static const QStringList own{QStringLiteral("--nproc-per-node"), QStringLiteral("--nnodes"), QStringLiteral("--node-rank"),
                                 QStringLiteral("--master")};
    QStringList kept;
    for (int i = 0; i < arguments.size(); ++i) {
        const QString &argument = arguments.at(i);
        const QString name = argument.section(QLatin1Char('='), 0, 0);
        if (!own.contains(name)) {
            kept << argument;
            continue;
        }
        if (!argument.contains(QLatin1Char('=')))
            ++i; // its value follows
    }
    return kept;
}

int launchTrainWorkers(const QStringList &arguments, const TrainLaunch &launch)
{
    QTextStream err(stderr);
    const int perNode = launch.processesPerNode;
    const int world = perNode * launch.nodes;
    const QString address = launch.masterAddress.isEmpty() ? QStringLiteral("127.0.0.1") : launch.masterAddress;
    const int port = launch.masterPort > 0 ? launch.masterPort : freeLoopbackPort();
    QStringList worker = QStringList{QStringLiteral("train")} + workerArguments(arguments);
    if (!launch.threadsGiven) // the cores shared out, so the ranks' OpenMP pools do not fight
        worker << QStringLiteral("--threads") << QString::number(std::max(1, QThread::idealThreadCount() / perNode));
    err << kCommand << ": starting " << perNode << " worker(s) on node " << launch.nodeRank << " of " << launch.nodes
        << " (world " << world << ", store at " << address << ':' << port << ")\n" << Qt::flush;

    std::vector<std::unique_ptr<QProcess>> workers;
    for (int local = 0; local < perNode; ++local) {
        auto process = std::make_unique<QProcess>();
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("RANK"), QString::number(launch.nodeRank * perNode + local));
        environment.insert(QStringLiteral("WORLD_SIZE"), QString::number(world));
        environment.insert(QStringLiteral("LOCAL_RANK"), QString::number(local));
        environment.insert(QStringLiteral("LOCAL_WORLD_SIZE"), QString::number(perNode));
        environment.insert(QStringLiteral("GROUP_RANK"), QString::number(launch.nodeRank));
        environment.insert(QStringLiteral("MASTER_ADDR"), address);
        environment.insert(QStringLiteral("MASTER_PORT"), QString::number(port));
        environment.remove(QStringLiteral("TORCHELASTIC_USE_AGENT_STORE")); // rank 0 hosts the store itself
        process->setProcessEnvironment(environment);
        if (local == 0 && launch.nodeRank == 0) {
            process->setProcessChannelMode(QProcess::ForwardedChannels); // the run's own output
        } else {
            process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
            process->setStandardOutputFile(QProcess::nullDevice());
        }
        // No orphans: a worker dies with this launcher, however it ends.
        process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
        process->start(QCoreApplication::applicationFilePath(), worker);
        workers.push_back(std::move(process));
    }

    // Ctrl-C reaches the workers directly (same process group): rank 0 checkpoints and says how to resume.
    const auto previous = std::signal(SIGINT, SIG_IGN);
    int failedRank = -1;
    int failedCode = 0;
    QElapsedTimer sinceFailure;
    for (;;) {
        bool running = false;
        for (int local = 0; local < perNode; ++local) {
            QProcess &process = *workers[std::size_t(local)];
            if (process.state() != QProcess::NotRunning) {
                running = true;
                process.waitForFinished(50);
                continue;
            }
            const bool failed = process.exitStatus() == QProcess::CrashExit || process.exitCode() != 0 || process.error() == QProcess::FailedToStart;
            if (failed && failedRank < 0) {
                failedRank = launch.nodeRank * perNode + local;
                failedCode = process.exitStatus() == QProcess::CrashExit || process.exitCode() == 0 ? 1 : process.exitCode();
                sinceFailure.start();
                err << kCommand << ": rank " << failedRank << " exited with code " << failedCode
                    << (process.exitStatus() == QProcess::CrashExit ? " (killed)" : "") << "; stopping the others\n" << Qt::flush;
            }
        }
        if (!running)
            break;
        if (failedRank >= 0 && sinceFailure.elapsed() > 5000) {
            for (auto &process : workers) // a hung rank: its peers have had their chance to fail on their own
                if (process->state() != QProcess::NotRunning)
                    process->kill();
        }
    }
    std::signal(SIGINT, previous);
    return failedRank >= 0 ? failedCode : 0;
}
