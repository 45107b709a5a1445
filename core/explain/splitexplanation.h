#pragma once

#include "core/data/task.h"
#include "core/eval/classifiercurves.h"
#include "core/eval/multilabelscores.h"
#include "core/eval/regressionscores.h"

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
    /** How far apart the unimodal predictions are, averaged over pairs of present modalities: the total-variation
     *  distance of class distributions, the mean |Δp| over tags, or the mean |Δ value| in target standard deviations. */
    double score = 0.0;
    bool signConflict = false;          ///< Shapley values of both signs
    int verdict = -1;                   ///< 1 right (the class, or every tag), 0 wrong, -1 unknown or a regression
    std::array<QString, 3> unimodal;    ///< what each modality alone predicts (class, tags, values); empty when absent
    std::array<double, 3> shapley{};
    QString reason;
};

/** The task's score (accuracy, mean R², mAP) as one modality is degraded at increasing severity, the others clean. */
struct RobustnessCurve
{
    QString modality;                   ///< "text", "image", "audio"
    QString corruption;                 ///< "gaussian_noise", "blur", "occlusion", "white_noise", "time_dropout", "typos", "word_dropout"
    QString levelUnit;                  ///< what `levels` measure, e.g. "sigma (pixel intensity 0..1)"
    std::vector<double> severities;     ///< 0..1
    std::vector<double> levels;         ///< the corruption's own parameter at each severity
    std::vector<double> accuracy;       ///< the task's score at each severity
};

/** One explained sample's outcome, so a confusion cell can name its samples. */
struct SplitPrediction
{
    int index = -1;     ///< dataset index
    int truth = -1;     ///< class index among classNames; -1 when unlabeled or a label the model lacks
    int predicted = -1; ///< class predicted with every modality the sample has (the explained column otherwise)
    std::vector<float> truthValues;     ///< regress: per target, NaN unknown
    std::vector<float> predictedValues; ///< regress: per target, with every modality the sample has
};

/**
 * Everything the explanation engine says about a split: mean |Shapley| per modality, the
 * task's score of every modality subset, confusion (classifiers), per-target or per-tag
 * scores, disagreeing samples, pointing game, robustness curves. "accuracy" fields hold the
 * task's score (scoreName()). Plain values, torch-free.
 */
struct SplitExplanation
{
    TaskKind task = TaskKind::Classify;
    /** "joint" / "fused": a model trained without labels, explained through its representation
     *  (TaskReadout); it has no score, confusion, disagreements or robustness curves. */
    QString representation;
    std::array<double, 3> meanAgreement{}; ///< a representation: mean cosine per kModalityPairs pair (NaN: no sample had both)
    std::array<int, 3> agreementCount{};  ///< samples with both modalities of the pair
    QStringList classNames;             ///< the output columns: classes, targets or tags
    int samples = 0;
    int labeled = 0;
    double accuracy = 0.0;              ///< the task's score with every modality
    std::array<double, 3> meanAbsShapley{};
    std::array<double, 3> meanShapley{};
    std::array<int, 3> playerCount{};   ///< samples in which each modality was present (a player)
    double maxEfficiencyError = 0.0;
    bool hasGates = false;
    std::array<double, 3> meanGates{};
    /** regress / multilabel: mean |Shapley| and mean Shapley of every column's own game, per modality. */
    std::vector<std::array<double, 3>> outputMeanAbsShapley;
    std::vector<std::array<double, 3>> outputMeanShapley;
    RegressionReport regression;        ///< regress: every target's scores with every modality
    MultilabelReport multilabel;        ///< multilabel: every tag's scores at the model's thresholds
    QMap<QString, double> subsetAccuracy; ///< the task's score by EvalReport::subsetNames() key
    std::vector<std::vector<int>> confusion; ///< [true][predicted]
    ClassifierCurves curves;            ///< top-k, ROC / precision-recall, calibration of the labeled samples
    std::vector<SplitPrediction> predictions; ///< every explained sample, in the order given
    std::vector<DisagreementCase> disagreements; ///< most disagreeing first
    int targetBoxes = 0;                ///< samples with meta.target_box and an image
    std::vector<PointingScore> pointing; ///< per attention source; the preferred source first
    bool hasRobustness = false;
    double cleanAccuracy = 0.0;
    std::array<double, 3> missingAccuracy{}; ///< the task's score with that modality absent
    std::vector<RobustnessCurve> robustness;
    QString error;                      ///< non-empty when the pass could not finish

    /** What the Shapley values decompose (gameValueDescription or representationGameDescription). */
    QString gameDescription() const;
    /** "accuracy", "mean R²", "mAP". */
    QString scoreName() const { return taskScoreName(task); }
    QJsonObject toJson() const;
    /** Tables for a terminal. */
    QString toText() const;
};
