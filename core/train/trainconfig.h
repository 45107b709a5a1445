#pragma once

#include <QtCore/QJsonObject>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <cstdint>

/**
 * How to train: optimiser, schedule, regularisation, stopping and bookkeeping. Plain values,
 * torch-free; saved in every run's config.json and exported model. Every field has a default
 * that trains the built-in models well on the demo data.
 */
struct TrainConfig
{
    /**
     * 0 = auto: enough epochs for about kAutoEpochSteps optimiser steps (at least 3, at most
     * 100), so a big dataset is not trained for hours and a small one not for a handful of steps.
     */
    int epochs = 0;
    int batchSize = 64;
    double learningRate = 1e-3;   ///< peak AdamW learning rate, reached after warm-up
    double weightDecay = 0.01;    ///< AdamW decoupled decay, on weight matrices only (not biases/norms)
    int warmupSteps = 0;          ///< linear warm-up steps; 0 = warmupFraction of all steps
    double warmupFraction = 0.05;
    double minLearningRateRatio = 0.05; ///< cosine decays to learningRate × this
    double gradClipNorm = 1.0;    ///< 0 = no clipping
    double labelSmoothing = 0.0;
    int earlyStoppingPatience = 0; ///< epochs without a lower validation loss before stopping; 0 = off
    double modalityDropout = 0.0; ///< drop each present modality per sample with this probability (never all)
    /** none|balanced; for multilabel, balanced weighs each tag's positives by negatives / positives (BCE's pos_weight). */
    QString classWeights = QStringLiteral("none");
    /**
     * Weight of the contrastive alignment of the modalities (core/train/contrastiveloss.h)
     * added to the task's loss; 0 = off. On, unlabeled train samples train it too (the task's
     * loss skips them): semi-supervised. `train --task contrastive+classify` sets it to 1.
     */
    double contrastiveWeight = 0.0;
    /**
     * Learn the task from the labels (the default). False: a contrastive run, the alignment
     * alone; labels, if any, only measure the embeddings (linear probe, class precision).
     */
    bool supervised = true;
    /**
     * With supervised false: masked-modality reconstruction (core/train/maskedreconstruction.h)
     * instead of the contrastive alignment. `train --task reconstruct` sets it.
     */
    bool reconstruct = false;
    /**
     * Train only what follows the encoders (fusion, heads): with init_model, a linear probe of
     * pretrained encoders. Their parameters are left out of the optimiser.
     */
    bool freezeEncoders = false;
    /**
     * Learn the task from this share of the labelled train samples (the same share of every
     * class, at least one each, drawn with the seed); the rest count as unlabelled. Measures
     * how far few labels go, e.g. fine-tuning a contrastive model on 10 % of them.
     */
    double labelFraction = 1.0;
    QString task = QStringLiteral("auto");         ///< auto|classify|regress: how the dataset's labels are read (core/data/task.h)
    QString regressionLoss = QStringLiteral("mse"); ///< mse|huber|l1, on standardised targets (regress only)
    /// regress / multilabel: learn only these targets or tags (Dataset::keepingTargets); empty = all of them
    QStringList targets;
    std::uint64_t seed = 1;
    int threads = 0;              ///< intra-op threads; 0 = all cores
    /// fp32|bf16|auto: the forward's arithmetic (core/util/precision.h). A run folder's
    /// config.json records what auto resolved to, so a resume runs the same arithmetic.
    QString precision = QStringLiteral("auto");
    int logEverySteps = 10;       ///< one metrics.jsonl step record per this many steps
    int checkpointEverySteps = 200; ///< 0 = only at the end of each epoch
    QString initModel;            ///< model file to start from (fine-tuning); empty = fresh weights

    static constexpr int kAutoEpochSteps = 1500;
    /** `epochs`, or the auto choice for a train split of `trainSamples` labeled samples. */
    int resolvedEpochs(std::int64_t trainSamples) const;

    /** Steps of linear warm-up for a run of totalSteps. */
    int warmupStepCount(std::int64_t totalSteps) const;
    /** Learning rate for 0-based `step` of a run of `totalSteps`: linear warm-up, cosine to the floor. */
    double learningRateAt(std::int64_t step, std::int64_t totalSteps) const;

    /** Empty when valid, else a sentence naming the bad field. */
    QString validate() const;
    QJsonObject toJson() const;
    /**
     * Missing fields keep their defaults. An unknown key or a value of the wrong type is an
     * error naming the key (a typo in a config file must not silently train something else).
     */
    static TrainConfig fromJson(const QJsonObject &json, QString *error = nullptr);

    /**
     * Reads a task as the CLI and the window name it: "classify", "regress", …, "auto";
     * "contrastive" (the alignment alone, no labels needed); "reconstruct" (masked-modality
     * autoencoding, no labels needed); or a task after "contrastive+"
     * (that task plus the alignment, semi-supervised): with the alignment its weight becomes 1
     * unless one is set, without it 0. False, leaving the config as it was, for anything else.
     */
    bool setTaskName(const QString &name);
    /** "contrastive", "reconstruct", "contrastive+classify" when the alignment is on, else the task. */
    QString taskName() const;
};
