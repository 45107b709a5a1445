#pragma once

#include <QtCore/QJsonObject>
#include <QtCore/QMap>
#include <QtCore/QStringList>

#include <limits>
#include <vector>

/** How well one target is predicted, in the target's own units. */
struct TargetScores
{
    static constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

    QString name;
    int samples = 0;        ///< samples with this target given
    double mae = kNan;
    double rmse = kNan;
    double r2 = kNan;       ///< 1 - SSE / SST; NaN when the truth is constant
    double pearson = kNan;  ///< NaN when either side is constant
    double spearman = kNan; ///< Pearson of the average ranks (ties share their mean rank)
    /** The sign as a binary decision, over the samples whose truth is not 0 (CMU-MOSI's Acc-2 / F1). */
    int signSamples = 0;
    double signAccuracy = kNan;
    double signF1 = kNan;   ///< F1 of "positive", NaN without both signs in the truth

    /** Scores of predictions against truths (same length; NaN truths are skipped). O(n log n). */
    static TargetScores compute(const QString &name, const std::vector<double> &truth, const std::vector<double> &predicted);
    QJsonObject toJson() const;
    static TargetScores fromJson(const QJsonObject &json);
};

/** The mean of the targets' R² over those that have one (NaN when none does). */
double meanR2(const std::vector<TargetScores> &targets);

/**
 * Truths and predictions of each target, gathered batch by batch (NaN truths allowed), then
 * scored: what validation and evaluation both collect.
 */
class TargetColumns
{
public:
    explicit TargetColumns(const QStringList &names) : m_names(names), m_truth(std::size_t(names.size())), m_predicted(m_truth) {}
    void add(std::size_t target, double truth, double predicted)
    {
        m_truth[target].push_back(truth);
        m_predicted[target].push_back(predicted);
    }
    std::vector<TargetScores> scores() const;

private:
    QStringList m_names;
    std::vector<std::vector<double>> m_truth;
    std::vector<std::vector<double>> m_predicted;
};

/** A regression model's quality on a set of samples. Torch-free, plain values. */
struct RegressionReport
{
    int samples = 0;                    ///< samples with at least one target
    double loss = 0.0;                  ///< the training loss on standardised targets, per target value
    std::vector<TargetScores> targets;
    double meanR2 = TargetScores::kNan; ///< the mean of the targets' R²: the score validation reports
    /** Mean R² with only these modalities present, keys as EvalReport::subsetNames(). */
    QMap<QString, double> subsetR2;

    QJsonObject toJson() const;
    static RegressionReport fromJson(const QJsonObject &json);
    /** The headline and the per-target table for a terminal (subsets: formatEvalReport). */
    QString toText() const;
};
