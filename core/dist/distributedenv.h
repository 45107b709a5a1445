#pragma once

// Where this process stands in a distributed run, read from the environment its launcher set:
// `fusionscope train --nproc-per-node N`, torchrun, Slurm's srun, or a manual start. Torch-free.

#include <QtCore/QProcessEnvironment>
#include <QtCore/QString>

struct DistributedEnv
{
    int rank = 0;
    int worldSize = 1;
    int localRank = 0;
    int localWorldSize = 1;
    QString masterAddress = QStringLiteral("127.0.0.1");
    int masterPort = 29500;
    /** torchrun's static rendezvous (TORCHELASTIC_USE_AGENT_STORE=True): its agent already hosts the
     *  store; every rank is a client and prefixes keys with /worker/attempt_<restartCount>. */
    bool agentStore = false;
    int restartCount = 0;
    QString socketInterface;   ///< GLOO_SOCKET_IFNAME: the interface Gloo's pairs bind to
    int timeoutSeconds = 60;   ///< FUSIONSCOPE_DIST_TIMEOUT: a rank silent this long fails the others
    int bucketKilobytes = 1024; ///< FUSIONSCOPE_DIST_BUCKET_KB: gradients per all-reduce bucket (DDP's bucket_cap_mb)
    QString launcher;          ///< "torchrun", "slurm", "environment"; empty for one process

    bool isDistributed() const { return worldSize > 1; }
    bool isRoot() const { return rank == 0; }
    /** "rank 1 of 3" */
    QString describe() const;
};

/**
 * Reads RANK / WORLD_SIZE / LOCAL_RANK / LOCAL_WORLD_SIZE / MASTER_ADDR / MASTER_PORT (torchrun,
 * --nproc-per-node, manual starts) or, without WORLD_SIZE, SLURM_PROCID / SLURM_NTASKS /
 * SLURM_LOCALID / SLURM_NTASKS_PER_NODE / SLURM_JOB_NODELIST. False with a sentence naming the
 * variable when they are inconsistent (a rank outside the world, a port that is not a number).
 */
bool readDistributedEnv(const QProcessEnvironment &environment, DistributedEnv *env, QString *error);

/**
 * This process's place, read from its environment once (the trainer, the run folder and the
 * command's output all ask). False with the sentence readDistributedEnv gave when it is broken.
 */
bool processDistributedEnv(DistributedEnv *env, QString *error);

/** The first host of a Slurm node list: "gpu[03-05,9],cpu1" → "gpu03". */
QString slurmFirstHost(const QString &nodeList);
