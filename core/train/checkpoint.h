#pragma once

// Internal to core (includes torch).

#include <QtCore/QString>
#include <torch/script.h>
#include <torch/torch.h>

#include <cstdint>
#include <limits>

/** Where a run stands between two batches: everything besides tensors a resume needs. */
struct TrainState
{
    int epoch = 0;                 ///< the epoch in progress (0-based)
    int batchInEpoch = 0;          ///< batches of `epoch` already trained
    std::int64_t step = 0;         ///< optimiser steps done
    double bestValLoss = std::numeric_limits<double>::infinity();
    int badEpochs = 0;             ///< epochs since the best validation loss
    double epochLossSum = 0.0;     ///< Σ loss × batch size over `epoch` so far
    std::int64_t epochSamples = 0;
    double windowLossSum = 0.0;    ///< since the last metrics.jsonl step record
    int windowSteps = 0;
    double trainingSeconds = 0.0;  ///< wall time of all sessions so far
};

/**
 * checkpoints/last.pt: model parameters and buffers, AdamW state, the torch CPU generator
 * (dropout) and TrainState, written to a temp file, fsynced and renamed so a kill or a full
 * disk never leaves half a checkpoint: the previous one stays. `rankGenerators` ([ranks, S]
 * bytes, a distributed run's every rank's generator state) is kept beside the process's own.
 * False with a sentence naming the file and the reason ("No space left on device") on
 * failure; never throws.
 */
bool saveCheckpoint(const QString &path, const torch::jit::Module &module, torch::optim::Optimizer &optimizer,
                    const TrainState &state, QString *error, const at::Tensor &rankGenerators = {});

/**
 * Restores what saveCheckpoint wrote into a module of the same architecture, the generator
 * included; `rankGenerators` receives the ranks' generator states (undefined when the run had
 * one process, or the checkpoint predates them).
 */
bool loadCheckpoint(const QString &path, torch::jit::Module &module, torch::optim::Optimizer &optimizer,
                    TrainState *state, QString *error, at::Tensor *rankGenerators = nullptr);

/** The torch CPU generator's state (what model dropout draws from), and setting it back. */
at::Tensor cpuGeneratorState();
void setCpuGeneratorState(const at::Tensor &state);

/** Only where a checkpoint stands (step, epoch, best loss), without touching any model. */
bool readCheckpointState(const QString &path, TrainState *state, QString *error);

/** Model parameters and buffers only (the best weights under early stopping). */
bool saveWeights(const QString &path, const torch::jit::Module &module, QString *error);
/** Reads the weights of a saveWeights file or of a checkpoint. */
bool loadWeights(const QString &path, torch::jit::Module &module, QString *error);
