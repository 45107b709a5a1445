#pragma once

// Internal to core (includes torch): the loop behind TrainingJob.

#include "core/data/batch.h"
#include "core/dist/processgroup.h"
#include "core/eval/modelmeta.h"
#include "core/train/checkpoint.h"
#include "core/train/maskedreconstruction.h"
#include "core/train/metricslog.h"
#include "core/train/trainevents.h"

#include <torch/script.h>
#include <torch/torch.h>

#include <QtCore/QElapsedTimer>
#include <array>
#include <functional>
#include <cmath>
#include <memory>
#include <utility>
#include <vector>

class BatchLoader;
class GradientBuckets;
struct RunOutcome;
class TrainingJob;

/**
 * Trains a TorchScript module on a dataset's train split with AdamW, validates each epoch,
 * checkpoints, and finally evaluates on the test split and exports model.pt. Lives on the
 * job's thread for one run() and reports through the job. The self-supervised objectives'
 * parts (contrastive alignment, masked reconstruction, the probe) are in trainerselfsupervised.cpp.
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
        double recallAt1 = std::nan(""); ///< contrastive runs: mean R@1 over the modality pairs
        bool ran = false;
        bool cancelled = false;
    };

    bool setUp(bool resume, QString *error);
    void buildOptimizer();
    torch::Tensor classWeights() const;
    void setLearningRate(double rate);
    /** One optimiser step; false with *error when the loss or gradients are not finite. */
    bool step(const Batch &batch, double *loss, QString *error);
    /** The task's loss plus, when on, the contrastive alignment's; false with *error for outputs of the wrong shape. */
    bool supervisedLoss(const Batch &batch, torch::Tensor *loss, QString *error);
    /** Reconstruct runs: registers the decoders and takes every split's samples (trainerselfsupervised.cpp). */
    bool setUpReconstruction(QString *error);
    /** Reconstruct runs: the masked-modality loss of one batch, hiding what draw `draw` picks; *rows: how many hid one. */
    torch::Tensor reconstructionLoss(const Batch &batch, std::int64_t draw, std::int64_t *rows = nullptr);
    /** Reconstruct runs: the same loss over the validation split (called by validate()). */
    Validation validateReconstruction();
    Validation validate();
    /** Runs `visit` on every validation batch in order; false when cancelled on the way. */
    bool forEachValidationBatch(const std::function<void(const Batch &)> &visit);
    /** Contrastive runs: the alignment loss and mean R@1 on the validation split (called by validate()). */
    Validation validateAlignment();
    /** The task's loss over the batch's labelled rows (zero, still on the graph, when none is). */
    torch::Tensor taskLoss(const torch::Tensor &logits, const Batch &batch) const;
    /** label_fraction in a semi-supervised run: the batch with the labels left out of the task made unlabelled. */
    Batch keptLabels(const Batch &batch) const;
    /** The contrastive loss of one forward's per-modality embeddings over the batch. */
    /** This process's part in a distributed run (trainerdistributed.cpp): joins it when the environment
     *  names one; refuses what is not distributed yet. True and nothing done for one process. */
    bool joinDistributed(QString *error);
    /** Every parameter and buffer as rank 0 has it (at the start and after a resume). */
    void broadcastModel();
    /** A distributed run's gradient buckets over m_parameters, their hooks armed (trainerdistributed.cpp). */
    void armGradientBuckets();
    /** A distributed run's step: this rank's rows' loss sum, gradients and normaliser summed over the ranks. */
    bool distributedStep(const Batch &batch, double *loss, QString *error);
    /** Clips the gradients (when configured) and steps AdamW; false with *error on a non-finite norm. */
    bool clipAndStep(QString *error);
    /** "the <what> became NaN at step S (epoch E); try a lower learning rate" for the coming step. */
    QString nonFiniteError(const char *what, double value) const;
    /** The task's loss of the batch as (sum over its rows, the normaliser taskLoss divides by). */
    std::pair<torch::Tensor, torch::Tensor> taskLossParts(const torch::Tensor &logits, const Batch &batch) const;
    /** Rank 0 (or the only process) owns the run folder: checkpoints, metrics, the model, the report. */
    bool ownsRunFolder() const { return !m_group || m_group->rank() == 0; }
    torch::Tensor alignmentLoss(const std::array<torch::Tensor, 3> &embeddings, const torch::Tensor &present,
                                const Batch &batch) const;
    /** Contrastive runs: mean R@1 of cross-modal retrieval over the validation split. */
    double validationRecall();
    /** checkpoints/last.pt by rank 0; `gatherRanks`: with every rank's generator (a collective: not on a cancel). */
    bool writeCheckpoint(QString *error, bool gatherRanks = true);
    /** After a distributed resume: this rank's own generator from the checkpoint, or a fresh one when it has none. */
    void restoreRankGenerator(const at::Tensor &saved);
    FinishReport stopCancelled();
    /** multilabel: the per-tag thresholds with the best validation F1, into the task meta.json records. */
    bool tuneThresholds(QString *error);
    /** Contrastive runs: every modality pair's retrieval scores on the test split, for report.json. */
    bool measureTestRetrieval(RunOutcome *outcome, QString *error);
    /**
     * Runs whose dataset has classes but whose model was not taught them (contrastive): how
     * well the test split's embeddings separate the classes (k-NN and the linear probe on 100,
     * 10 and 1 % of the train labels), for report.json.
     */
    bool measureTestProbe(RunOutcome *outcome, QString *error);
    FinishReport finishRun(bool stoppedEarly, double lastValLoss, double lastValAccuracy, double lastValRecall);

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
    torch::Tensor m_sources;    ///< contrastive runs: modalitySources() of the dataset
    torch::Tensor m_logitScale; ///< contrastive runs: the embedding heads' temperature parameter
    MaskedReconstruction m_reconstruction; ///< reconstruct runs: the decoders
    torch::Tensor m_labelKept;  ///< semi-supervised runs with label_fraction < 1: [N] bool, the labels the task learns from
    std::unique_ptr<ProcessGroup> m_group; ///< a distributed run's ranks; null for one process
    std::unique_ptr<GradientBuckets> m_gradientBuckets; ///< a distributed run's gradient sums, overlapped with the backward
    double m_allreduceSeconds = 0.0;      ///< this session's wait for the sums after the backward (what it did not hide)
    std::int64_t m_allreduceSteps = 0;
    MetricsLog m_metrics;
    TrainState m_state;
    std::int64_t m_totalSteps = 0;
    QElapsedTimer m_clock;       ///< this session's training time
    double m_secondsBefore = 0.0; ///< earlier sessions' (from the checkpoint)
};
