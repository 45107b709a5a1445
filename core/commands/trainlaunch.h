#pragma once

// `fusionscope train --nproc-per-node N`: this binary as its own torchrun (--standalone, or one
// node of a manual multi-host start).

#include <QtCore/QString>
#include <QtCore/QStringList>

struct TrainLaunch
{
    int processesPerNode = 1;
    int nodes = 1;
    int nodeRank = 0;
    QString masterAddress;   ///< empty: 127.0.0.1 with a free port (one node only)
    int masterPort = 0;
    bool threadsGiven = false;
};

/** The worker's arguments: `arguments` without the launcher's own options. */
QStringList workerArguments(const QStringList &arguments);

/**
 * Starts launch.processesPerNode workers of this executable (`train` + workerArguments) with
 * torchrun's environment (RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT)
 * and, unless --threads was given, cores / processes intra-op threads each. Rank 0's output is
 * the run's; the others' errors are passed through. When one worker fails the others get five
 * seconds to fail on their own (a dead peer breaks their collectives at once), then are killed;
 * none outlives this process.
 * Returns the first failure's exit code, or 0.
 */
int launchTrainWorkers(const QStringList &arguments, const TrainLaunch &launch);
