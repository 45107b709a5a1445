#pragma once

#include "core/eval/classifiercurves.h"

#include <QtCore/QJsonObject>
#include <QtCore/QMap>
#include <QtCore/QStringList>

#include <limits>
#include <vector>

/** How well one tag is predicted: at its threshold (precision, recall, F1) and over every threshold (AP, AUC). */
struct TagScores
{
    static constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

    QString name;
    double threshold = 0.5; ///< predicted when the probability reaches it
    int truePositives = 0;
    int falsePositives = 0;
    int falseNegatives = 0;
    /** At the threshold; 0 where the ratio is 0/0 (nothing predicted, nothing to find), as scikit-learn's zero_division=0. */
    double precision = 0.0;
    double recall = 0.0;
    double f1 = 0.0;
    OneVsRestCurves curves; ///< AP (NaN without positives), AUC, the PR and ROC curves

    int positives() const { return curves.positives; }
    QJsonObject toJson() const;
    static TagScores fromJson(const QJsonObject &json);
};

/**
 * The threshold in (0, 1) that gives the best F1 for these probabilities: halfway between the
 * lowest score that is predicted and the highest that is not. 0.5 when no sample is positive.
 * O(n log n).
 */
double bestF1Threshold(const std::vector<float> &probabilities, const std::vector<char> &positive);

/**
 * Truth and probability per sample and tag, row-major `[samples × tags]`; a truth of NaN is
 * an unknown row (skipped). What training's validation, threshold tuning and evaluation share.
 */
struct TagMatrix
{
    int tags = 0;
    std::vector<float> truth;       ///< 1, 0, or NaN for a sample without tags
    std::vector<float> probability; ///< sigmoid of the model's output

    int rows() const { return tags > 0 ? int(truth.size() / std::size_t(tags)) : 0; }
    /** Appends one sample; both spans hold `tags` values. */
    void add(const float *truthRow, const float *probabilityRow);
    /** The column of one tag over the known rows. */
    void column(int tag, std::vector<float> *probabilities, std::vector<char> *positive) const;
    /** bestF1Threshold per tag. */
    std::vector<double> tunedThresholds() const;
};

/** A multi-label model's quality on a set of samples. Torch-free, plain values. */
struct MultilabelReport
{
    static constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

    int samples = 0;               ///< samples with a tag set
    double loss = 0.0;             ///< binary cross-entropy per sample and tag
    std::vector<TagScores> tags;   ///< in the model's tag order
    double microPrecision = 0.0;   ///< over every (sample, tag) decision
    double microRecall = 0.0;
    double microF1 = 0.0;
    double macroF1 = kNan;         ///< the mean F1 of the tags that occur in these samples
    double meanAveragePrecision = kNan; ///< mAP: the mean AP of the tags that occur; the score validation reports
    double exactMatch = 0.0;       ///< samples whose whole predicted set is right
    /** mAP with only these modalities present, keys as EvalReport::subsetNames(). */
    QMap<QString, double> subsetMap;

    /** Scores `matrix` with one threshold per tag (thresholds.size() == names.size() == matrix.tags). */
    static MultilabelReport compute(const QStringList &names, const TagMatrix &matrix, const std::vector<double> &thresholds);
    QJsonObject toJson() const;
    static MultilabelReport fromJson(const QJsonObject &json);
    /** The headline and the per-tag table for a terminal (subsets: formatEvalReport). */
    QString toText() const;
};
