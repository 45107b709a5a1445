#pragma once

// Internal to core (includes torch): the loop behind TrainingJob.

#include "core/data/batch.h"
#include "core/eval/modelmeta.h"
#include "core/train/checkpoint.h"
#include "core/train/metricslog.h"
#include "core/train/trainevents.h"

#include <torch/script.h>
#include <torch/torch.h>

#include <QtCore/QElapsedTimer>
#include <memory>
#include <vector>

class BatchLoader;
class TrainingJob;

/**
 * Trains a TorchScript module on a dataset's train split with AdamW, validates each epoch,
 * checkpoints, and finally evaluates on the test split and exports model.pt. Lives on the
 * job's thread for one run() and reports through the job.
 */
class Trainer
{
public:
    Trainer(TrainingJob &job, const Dataset &dataset, torch::jit::Module module, ModelMeta meta);
    ~Trainer();

    FinishReport train(bool resume);

private:
    struct Validation
    {
        double loss = 0.0;
        double accuracy = 0.0;
        bool ran = false;
        bool cancelled = false;
    };

    bool setUp(bool resume, QString *error);
    void buildOptimizer();
    torch::Tensor classWeights() const;
    void setLearningRate(double rate);
    /** One optimiser step; false with *error when the loss or gradients are not finite. */
    bool step(const Batch &batch, double *loss, QString *error);
    Validation validate();
    bool writeCheckpoint(QString *error);
    FinishReport stopCancelled();
    /** multilabel: the per-tag thresholds with the best validation F1, into the task meta.json records. */
    bool tuneThresholds(QString *error);
    FinishReport finishRun(bool stoppedEarly, double lastValLoss, double lastValAccuracy);

    TrainingJob &m_job;
    const Dataset &m_dataset;
    torch::jit::Module m_module;
    ModelMeta m_meta;
    std::vector<int> m_trainIndices;
    std::vector<int> m_valIndices;
    std::vector<int> m_testIndices;
    std::unique_ptr<BatchLoader> m_trainLoader;
    std::unique_ptr<BatchLoader> m_valLoader;
    std::unique_ptr<torch::optim::AdamW> m_optimizer;
    std::vector<torch::Tensor> m_parameters;
    torch::Tensor m_classWeights;
    MetricsLog m_metrics;
    TrainState m_state;
    std::int64_t m_totalSteps = 0;
    QElapsedTimer m_clock;       ///< this session's training time
    double m_secondsBefore = 0.0; ///< earlier sessions' (from the checkpoint)
};
