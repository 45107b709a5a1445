#pragma once

#include "core/eval/classifiercurves.h"

#include <QtCore/QJsonObject>
#include <QtCore/QMap>
#include <QtCore/QStringList>

#include <array>
#include <cstdint>
#include <vector>

/** How much of a split-level explanation to compute. */
struct SplitOptions
{
    int batchSize = 64;
    int disagreements = 20;    ///< how many "modalities disagree" samples to list
    bool pointing = true;      ///< score attention against meta.target_box where present
    bool robustness = true;
    int severitySteps = 5;     ///< severities 0, 1/(n-1), ..., 1
    std::uint64_t seed = 1;    ///< corruptions are a function of (seed, sample, corruption, severity)
};

/** The pointing game for one attention source: hits among samples with a target box and an image. */
struct PointingScore
{
    QString source;
    int hits = 0;
    int total = 0;
    double rate() const { return total > 0 ? double(hits) / double(total) : 0.0; }
};

/** A sample whose modalities pull different ways, for the GUI to list. */
struct DisagreementCase
{
    int index = -1;
    QString sampleId;
    QString label;
    QString predicted;
    double score = 0.0;                 ///< mean total-variation distance between unimodal predictions
    bool signConflict = false;          ///< Shapley values of both signs
    std::array<QString, 3> unimodal;    ///< class predicted from each modality alone; empty when absent
    std::array<double, 3> shapley{};
    QString reason;
};

/** Accuracy as one modality is degraded at increasing severity, the others clean. */
struct RobustnessCurve
{
    QString modality;                   ///< "text", "image", "audio"
    QString corruption;                 ///< "gaussian_noise", "blur", "occlusion", "white_noise", "time_dropout", "typos", "word_dropout"
    QString levelUnit;                  ///< what `levels` measure, e.g. "sigma (pixel intensity 0..1)"
    std::vector<double> severities;     ///< 0..1
    std::vector<double> levels;         ///< the corruption's own parameter at each severity
    std::vector<double> accuracy;
};

/** One explained sample's outcome, so a confusion cell can name its samples. */
struct SplitPrediction
{
    int index = -1;     ///< dataset index
    int truth = -1;     ///< class index among classNames; -1 when unlabeled or a label the model lacks
    int predicted = -1; ///< class predicted with every modality the sample has
};

/**
 * Everything the explanation engine says about a split: mean |Shapley| per modality,
 * accuracy of every modality subset, confusion, disagreeing samples, pointing game,
 * robustness curves. Plain values, torch-free.
 */
struct SplitExplanation
{
    QStringList classNames;
    int samples = 0;
    int labeled = 0;
    double accuracy = 0.0;
    std::array<double, 3> meanAbsShapley{};
    std::array<double, 3> meanShapley{};
    std::array<int, 3> playerCount{};   ///< samples in which each modality was present (a player)
    double maxEfficiencyError = 0.0;
    bool hasGates = false;
    std::array<double, 3> meanGates{};
    QMap<QString, double> subsetAccuracy; ///< EvalReport::subsetNames() keys
    std::vector<std::vector<int>> confusion; ///< [true][predicted]
    ClassifierCurves curves;            ///< top-k, ROC / precision-recall, calibration of the labeled samples
    std::vector<SplitPrediction> predictions; ///< every explained sample, in the order given
    std::vector<DisagreementCase> disagreements; ///< most disagreeing first
    int targetBoxes = 0;                ///< samples with meta.target_box and an image
    std::vector<PointingScore> pointing; ///< per attention source; the preferred source first
    bool hasRobustness = false;
    double cleanAccuracy = 0.0;
    std::array<double, 3> missingAccuracy{}; ///< accuracy with that modality absent
    std::vector<RobustnessCurve> robustness;
    QString error;                      ///< non-empty when the pass could not finish

    QJsonObject toJson() const;
    /** Tables for a terminal. */
    QString toText() const;
};
