#pragma once

#include <QtCore/QJsonObject>

#include <limits>
#include <vector>

/** The mean of the finite values (a class or tag without an AUC or AP is NaN and left out); NaN when none is. */
double meanOfDefined(const std::vector<double> &values);

/** One point of a curve: (false-positive rate, true-positive rate) or (recall, precision). */
struct CurvePoint
{
    double x = 0.0;
    double y = 0.0;
};

/**
 * One class against the rest. AUC and average precision are computed exactly over every
 * distinct score; the stored curves are thinned to at most ClassifierCurves::kMaxCurvePoints
 * points, which is plenty to draw them.
 */
struct OneVsRestCurves
{
    int positives = 0;
    int negatives = 0;
    /** Area under the ROC curve (trapezoids); NaN when the class has no positives or no negatives. */
    double auc = std::numeric_limits<double>::quiet_NaN();
    /**
     * Average precision as scikit-learn defines it: sum over thresholds of
     * (R_n - R_{n-1}) * P_n, no interpolation; NaN without positives.
     */
    double averagePrecision = std::numeric_limits<double>::quiet_NaN();
    std::vector<CurvePoint> roc; ///< (FPR, TPR) from (0,0) to (1,1), thresholds descending
    std::vector<CurvePoint> pr;  ///< (recall, precision), recall rising
    bool hasAuc() const { return positives > 0 && negatives > 0; }

    /** The curves of `scores` (higher: more likely positive) against `positive` (same length). O(n log n). */
    static OneVsRestCurves of(const std::vector<float> &scores, const std::vector<char> &positive);
    QJsonObject toJson() const;
    static OneVsRestCurves fromJson(const QJsonObject &json);
};

/** One bin of the reliability diagram: samples whose top probability falls in (lower, upper]. */
struct CalibrationBin
{
    double lower = 0.0;
    double upper = 0.0;
    int count = 0;
    double confidence = 0.0; ///< mean top probability of the bin's samples
    double accuracy = 0.0;   ///< fraction of them predicted correctly
};

/**
 * What a classifier's probabilities say beyond its argmax: top-k accuracy, ROC and
 * precision-recall curves per class (one-vs-rest), and calibration. Torch-free, plain values;
 * computed from the labeled samples' probability rows in O(classes * n log n).
 */
struct ClassifierCurves
{
    static constexpr int kMaxTopK = 5;
    static constexpr int kCalibrationBins = 15; ///< as torchmetrics' CalibrationError
    static constexpr int kMaxCurvePoints = 200;

    int samples = 0;
    std::vector<double> topK;               ///< topK[k - 1]: truth among the k most probable, k = 1..min(5, classes)
    std::vector<OneVsRestCurves> perClass;  ///< in the model's class order
    double macroAuc = std::numeric_limits<double>::quiet_NaN();              ///< mean over classes that have an AUC
    double macroAveragePrecision = std::numeric_limits<double>::quiet_NaN(); ///< mean over classes with positives
    std::vector<CalibrationBin> calibration; ///< kCalibrationBins equal-width bins over [0, 1]
    double expectedCalibrationError = 0.0;   ///< sum over bins of (count / samples) * |accuracy - confidence|
    double maxCalibrationError = 0.0;        ///< the largest such gap among non-empty bins

    bool isEmpty() const { return samples == 0; }

    /**
     * `truth[i]` is sample i's class (0..classes-1; others are skipped) and
     * `probabilities[i * classes + c]` its probability of class c. Ties are broken as argmax
     * breaks them (the lower class index first), so top-1 accuracy equals accuracy.
     */
    static ClassifierCurves compute(const std::vector<int> &truth, const std::vector<float> &probabilities, int classes);

    /** Undefined values (NaN) are written as null and read back as NaN. */
    QJsonObject toJson() const;
    static ClassifierCurves fromJson(const QJsonObject &json);
};
