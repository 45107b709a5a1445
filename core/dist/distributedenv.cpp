#include "core/dist/distributedenv.h"

#include <algorithm>
#include <utility>

namespace {

bool readInt(const QProcessEnvironment &environment, const QString &name, int low, int *value, QString *error)
{
    if (!environment.contains(name))
        return true;
    bool ok = false;
    const int parsed = environment.value(name).trimmed().toInt(&ok);
    if (!ok || parsed < low) {
        *error = QStringLiteral("%1=%2 is not a whole number of at least %3").arg(name, environment.value(name)).arg(low);
        return false;
    }
    *value = parsed;
    return true;
}

} // namespace

QString DistributedEnv::describe() const
{
    return QStringLiteral("rank %1 of %2").arg(rank).arg(worldSize);
}

QString slurmFirstHost(const QString &nodeList)
{
    // The list is comma-separated hosts, each optionally followed by a bracketed range list.
    QString first;
    int depth = 0;
    for (const QChar c : nodeList.trimmed()) {
        if (c == QLatin1Char(',') && depth == 0)
            break;
        depth += c == QLatin1Char('[') ? 1 : c == QLatin1Char(']') ? -1 : 0;
        first += c;
    }
    const int open = first.indexOf(QLatin1Char('['));
    if (open < 0)
        return first;
    QString range = first.mid(open + 1);
    range.chop(range.endsWith(QLatin1Char(']')) ? 1 : 0);
    const QString firstItem = range.section(QLatin1Char(','), 0, 0).section(QLatin1Char('-'), 0, 0);
    return first.left(open) + firstItem;
}

bool readDistributedEnv(const QProcessEnvironment &environment, DistributedEnv *env, QString *error)
{
    *env = DistributedEnv();
    if (!readInt(environment, QStringLiteral("FUSIONSCOPE_DIST_TIMEOUT"), 1, &env->timeoutSeconds, error)
        || !readInt(environment, QStringLiteral("FUSIONSCOPE_DIST_BUCKET_KB"), 4, &env->bucketKilobytes, error))
        return false;
    env->socketInterface = environment.value(QStringLiteral("GLOO_SOCKET_IFNAME")).trimmed();
    if (environment.contains(QStringLiteral("WORLD_SIZE"))) {
        env->launcher = environment.contains(QStringLiteral("TORCHELASTIC_RESTART_COUNT")) ? QStringLiteral("torchrun")
                                                                                          : QStringLiteral("environment");
        if (!readInt(environment, QStringLiteral("WORLD_SIZE"), 1, &env->worldSize, error)
            || !readInt(environment, QStringLiteral("RANK"), 0, &env->rank, error)
            || !readInt(environment, QStringLiteral("LOCAL_RANK"), 0, &env->localRank, error)
            || !readInt(environment, QStringLiteral("LOCAL_WORLD_SIZE"), 1, &env->localWorldSize, error)
            || !readInt(environment, QStringLiteral("MASTER_PORT"), 1, &env->masterPort, error)
            || !readInt(environment, QStringLiteral("TORCHELASTIC_RESTART_COUNT"), 0, &env->restartCount, error))
            return false;
        if (environment.contains(QStringLiteral("MASTER_ADDR")))
            env->masterAddress = environment.value(QStringLiteral("MASTER_ADDR")).trimmed();
        env->agentStore = environment.value(QStringLiteral("TORCHELASTIC_USE_AGENT_STORE")).trimmed().compare(QLatin1String("true"), Qt::CaseInsensitive) == 0;
        if (env->isDistributed() && !environment.contains(QStringLiteral("RANK"))) {
            *error = QStringLiteral("WORLD_SIZE=%1 but RANK is not set").arg(env->worldSize);
            return false;
        }
        if (!environment.contains(QStringLiteral("LOCAL_WORLD_SIZE")))
            env->localWorldSize = env->worldSize;
    } else if (environment.value(QStringLiteral("SLURM_NTASKS")).toInt() > 1) {
        env->launcher = QStringLiteral("slurm");
        if (!readInt(environment, QStringLiteral("SLURM_NTASKS"), 1, &env->worldSize, error)
            || !readInt(environment, QStringLiteral("SLURM_PROCID"), 0, &env->rank, error)
            || !readInt(environment, QStringLiteral("SLURM_LOCALID"), 0, &env->localRank, error)
            || !readInt(environment, QStringLiteral("MASTER_PORT"), 1, &env->masterPort, error))
            return false;
        // SLURM_NTASKS_PER_NODE may read "2(x3)": the count before the parenthesis.
        env->localWorldSize = std::max(1, environment.value(QStringLiteral("SLURM_NTASKS_PER_NODE")).section(QLatin1Char('('), 0, 0).toInt());
        env->masterAddress = environment.contains(QStringLiteral("MASTER_ADDR"))
                                 ? environment.value(QStringLiteral("MASTER_ADDR")).trimmed()
                                 : slurmFirstHost(environment.value(QStringLiteral("SLURM_JOB_NODELIST")));
        if (env->masterAddress.isEmpty()) {
            *error = QStringLiteral("SLURM_NTASKS=%1 but neither MASTER_ADDR nor SLURM_JOB_NODELIST names the first host").arg(env->worldSize);
            return false;
        }
    } else {
        return true; // one process
    }
    if (env->rank >= env->worldSize) {
        *error = QStringLiteral("rank %1 is outside a world of %2").arg(env->rank).arg(env->worldSize);
        return false;
    }
    if (env->localRank >= env->localWorldSize)
        env->localWorldSize = env->localRank + 1;
    if (env->masterPort > 65535) {
        *error = QStringLiteral("MASTER_PORT=%1 is not a TCP port").arg(env->masterPort);
        return false;
    }
    return true;
}

bool processDistributedEnv(DistributedEnv *env, QString *error)
{
    static const auto read = [] {
        std::pair<DistributedEnv, QString> result;
        if (!readDistributedEnv(QProcessEnvironment::systemEnvironment(), &result.first, &result.second) && result.second.isEmpty())
            result.second = QStringLiteral("unreadable distributed environment");
        return result;
    }();
    *env = read.first;
    if (!read.second.isEmpty()) {
        *error = read.second;
        return false;
    }
    return true;
}
