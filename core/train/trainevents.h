#pragma once

#include "core/data/task.h"

#include <QtCore/QString>
#include <cmath>
#include <QtCore/QtGlobal>

// What a TrainingJob reports while it runs: small value structs, safe to queue across threads.

/** After every optimiser step. */
struct StepReport
{
    int epoch = 0;              ///< 0-based
    qint64 step = 0;            ///< optimiser steps done so far (1 after the first)
    qint64 totalSteps = 0;      ///< steps in the whole run
    double loss = 0.0;          ///< this step's training loss
    double learningRate = 0.0;  ///< the rate this step used
    double samplesPerSecond = 0.0;
};

/** After every epoch's validation pass. */
struct EpochReport
{
    int epoch = 0;              ///< 0-based
    int epochs = 0;
    double trainLoss = 0.0;     ///< mean over the epoch's training samples
    double valLoss = 0.0;       ///< NaN when there is no validation split
    double valAccuracy = 0.0;   ///< the task's score (taskScoreName): accuracy, mean R² or mAP; NaN without a validation split
    double valRecallAt1 = std::nan(""); ///< contrastive runs: mean cross-modal R@1 on validation; NaN otherwise
    double seconds = 0.0;       ///< wall time of the epoch (this session's part after a resume)
    TaskKind task = TaskKind::Classify; ///< what valAccuracy is; metrics.jsonl's key is taskScoreKey(task)
};

enum class MessageLevel { Info, Warning, Error };

/** How a run ended. */
struct FinishReport
{
    bool ok = false;            ///< trained to the end (or stopped early) and wrote model.pt
    bool cancelled = false;     ///< stopped on request; a checkpoint allows resuming
    QString reason;             ///< one sentence: why it failed or stopped
    QString runDir;
};
