#include "core/eval/classifiercurves.h"

#include "core/util/jsonnumber.h"

#include <QtCore/QJsonArray>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace {

QString key(const char *name)
{
    return QString::fromLatin1(name);
}

/** Keeps the first and last point and evenly spaced ones between, at most `limit` in all. */
std::vector<CurvePoint> thinned(std::vector<CurvePoint> points, int limit)
{
    if (int(points.size()) <= limit || limit < 2)
        return points;
    std::vector<CurvePoint> kept;
    kept.reserve(std::size_t(limit));
    const double stride = double(points.size() - 1) / double(limit - 1);
    for (int i = 0; i < limit; ++i)
        kept.push_back(points[std::size_t(std::lround(i * stride))]);
    return kept;
}

/** ROC and precision-recall of `scores` (descending order given by `order`) against `positive`. */
OneVsRestCurves oneVsRest(const std::vector<float> &scores, const std::vector<char> &positive,
                          const std::vector<std::size_t> &order)
{
    OneVsRestCurves curves;
    for (char p : positive)
        (p ? curves.positives : curves.negatives) += 1;
    const double positives = curves.positives;
    const double negatives = curves.negatives;
    std::vector<CurvePoint> roc{{0.0, 0.0}};
    std::vector<CurvePoint> pr;
    double tp = 0.0;
    double fp = 0.0;
    double previousRecall = 0.0;
    double averagePrecision = 0.0;
    for (std::size_t i = 0; i < order.size(); ++i) {
        (positive[order[i]] ? tp : fp) += 1.0;
        // A threshold is a distinct score: tied samples enter the prediction together.
        if (i + 1 < order.size() && scores[order[i + 1]] == scores[order[i]])
            continue;
        if (positives > 0 && negatives > 0)
            roc.push_back({fp / negatives, tp / positives});
        if (positives > 0) {
            const double recall = tp / positives;
            const double precision = tp / (tp + fp);
            averagePrecision += (recall - previousRecall) * precision;
            previousRecall = recall;
            pr.push_back({recall, precision});
        }
    }
    if (positives > 0 && negatives > 0) {
        double area = 0.0;
        for (std::size_t i = 1; i < roc.size(); ++i)
            area += (roc[i].x - roc[i - 1].x) * 0.5 * (roc[i].y + roc[i - 1].y);
        curves.auc = area;
        curves.roc = thinned(std::move(roc), ClassifierCurves::kMaxCurvePoints);
    }
    if (positives > 0) {
        curves.averagePrecision = averagePrecision;
        pr.insert(pr.begin(), CurvePoint{0.0, 1.0}); // scikit-learn's end point: nothing predicted
        curves.pr = thinned(std::move(pr), ClassifierCurves::kMaxCurvePoints);
    }
    return curves;
}

QJsonArray pointsJson(const std::vector<CurvePoint> &points)
{
    QJsonArray array;
    for (const CurvePoint &point : points)
        array.append(QJsonArray{point.x, point.y});
    return array;
}

std::vector<CurvePoint> pointsFromJson(const QJsonValue &value)
{
    std::vector<CurvePoint> points;
    for (const QJsonValue &entry : value.toArray()) {
        const QJsonArray pair = entry.toArray();
        if (pair.size() == 2)
            points.push_back({pair.at(0).toDouble(), pair.at(1).toDouble()});
    }
    return points;
}

} // namespace

double meanOfDefined(const std::vector<double> &values)
{
    double sum = 0.0;
    int count = 0;
    for (double value : values) {
        if (std::isfinite(value)) {
            sum += value;
            ++count;
        }
    }
    return count > 0 ? sum / count : std::numeric_limits<double>::quiet_NaN();
}

OneVsRestCurves OneVsRestCurves::of(const std::vector<float> &scores, const std::vector<char> &positive)
{
    std::vector<std::size_t> order(std::min(scores.size(), positive.size()));
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
    return oneVsRest(scores, positive, order);
}

QJsonObject OneVsRestCurves::toJson() const
{
    return QJsonObject{{key("positives"), positives},
                       {key("negatives"), negatives},
                       {key("auc"), jsonNumber(auc)},
                       {key("average_precision"), jsonNumber(averagePrecision)},
                       {key("roc"), pointsJson(roc)},
                       {key("pr"), pointsJson(pr)}};
}

OneVsRestCurves OneVsRestCurves::fromJson(const QJsonObject &json)
{
    OneVsRestCurves curves;
    curves.positives = json.value(key("positives")).toInt();
    curves.negatives = json.value(key("negatives")).toInt();
    curves.auc = numberFromJson(json.value(key("auc")));
    curves.averagePrecision = numberFromJson(json.value(key("average_precision")));
    curves.roc = pointsFromJson(json.value(key("roc")));
    curves.pr = pointsFromJson(json.value(key("pr")));
    return curves;
}

ClassifierCurves ClassifierCurves::compute(const std::vector<int> &truth, const std::vector<float> &probabilities,
                                           int classes)
{
    ClassifierCurves result;
    if (classes <= 0)
        return result;
    std::vector<std::size_t> rows; // samples with a usable truth and a full probability row
    for (std::size_t i = 0; i < truth.size(); ++i) {
        if (truth[i] >= 0 && truth[i] < classes && (i + 1) * std::size_t(classes) <= probabilities.size())
            rows.push_back(i);
    }
    result.samples = int(rows.size());
    if (rows.empty())
        return result;
    const double n = double(rows.size());
    const auto probability = [&](std::size_t row, int c) { return probabilities[row * std::size_t(classes) + std::size_t(c)]; };

    const int topKs = std::min(kMaxTopK, classes);
    std::vector<long long> withinRank(std::size_t(topKs), 0);
    std::vector<long long> binCount(kCalibrationBins, 0);
    std::vector<double> binConfidence(kCalibrationBins, 0.0);
    std::vector<double> binCorrect(kCalibrationBins, 0.0);
    for (std::size_t row : rows) {
        const int t = truth[row];
        const float truthProbability = probability(row, t);
        int rank = 0;
        int predicted = 0;
        for (int c = 0; c < classes; ++c) {
            const float p = probability(row, c);
            rank += p > truthProbability || (p == truthProbability && c < t) ? 1 : 0;
            if (p > probability(row, predicted))
                predicted = c;
        }
        for (int k = rank; k < topKs; ++k)
            ++withinRank[std::size_t(k)];
        const double confidence = std::clamp(double(probability(row, predicted)), 0.0, 1.0);
        const int bin = std::clamp(int(std::ceil(confidence * kCalibrationBins)) - 1, 0, kCalibrationBins - 1);
        ++binCount[std::size_t(bin)];
        binConfidence[std::size_t(bin)] += confidence;
        binCorrect[std::size_t(bin)] += predicted == t ? 1.0 : 0.0;
    }
    for (long long hits : withinRank)
        result.topK.push_back(double(hits) / n);
    for (int b = 0; b < kCalibrationBins; ++b) {
        CalibrationBin bin;
        bin.lower = double(b) / kCalibrationBins;
        bin.upper = double(b + 1) / kCalibrationBins;
        bin.count = int(binCount[std::size_t(b)]);
        if (bin.count > 0) {
            bin.confidence = binConfidence[std::size_t(b)] / bin.count;
            bin.accuracy = binCorrect[std::size_t(b)] / bin.count;
            const double gap = std::abs(bin.accuracy - bin.confidence);
            result.expectedCalibrationError += bin.count / n * gap;
            result.maxCalibrationError = std::max(result.maxCalibrationError, gap);
        }
        result.calibration.push_back(bin);
    }

    std::vector<float> scores(rows.size());
    std::vector<char> positive(rows.size());
    std::vector<double> aucs;
    std::vector<double> precisions;
    for (int c = 0; c < classes; ++c) {
        for (std::size_t i = 0; i < rows.size(); ++i) {
            scores[i] = probability(rows[i], c);
            positive[i] = truth[rows[i]] == c ? 1 : 0;
        }
        result.perClass.push_back(OneVsRestCurves::of(scores, positive));
        aucs.push_back(result.perClass.back().auc);
        precisions.push_back(result.perClass.back().averagePrecision);
    }
    result.macroAuc = meanOfDefined(aucs);
    result.macroAveragePrecision = meanOfDefined(precisions);
    return result;
}

QJsonObject ClassifierCurves::toJson() const
{
    QJsonObject json;
    json.insert(key("samples"), samples);
    QJsonArray top;
    for (double value : topK)
        top.append(value);
    json.insert(key("top_k_accuracy"), top);
    json.insert(key("macro_auc"), jsonNumber(macroAuc));
    json.insert(key("macro_average_precision"), jsonNumber(macroAveragePrecision));
    json.insert(key("expected_calibration_error"), expectedCalibrationError);
    json.insert(key("max_calibration_error"), maxCalibrationError);
    QJsonArray bins;
    for (const CalibrationBin &bin : calibration) {
        bins.append(QJsonObject{{key("lower"), bin.lower},
                                {key("upper"), bin.upper},
                                {key("count"), bin.count},
                                {key("confidence"), bin.confidence},
                                {key("accuracy"), bin.accuracy}});
    }
    json.insert(key("calibration"), bins);
    QJsonArray classes;
    for (const OneVsRestCurves &curves : perClass)
        classes.append(curves.toJson());
    json.insert(key("per_class"), classes);
    return json;
}

ClassifierCurves ClassifierCurves::fromJson(const QJsonObject &json)
{
    ClassifierCurves result;
    result.samples = json.value(key("samples")).toInt();
    for (const QJsonValue &value : json.value(key("top_k_accuracy")).toArray())
        result.topK.push_back(value.toDouble());
    result.macroAuc = numberFromJson(json.value(key("macro_auc")));
    result.macroAveragePrecision = numberFromJson(json.value(key("macro_average_precision")));
    result.expectedCalibrationError = json.value(key("expected_calibration_error")).toDouble();
    result.maxCalibrationError = json.value(key("max_calibration_error")).toDouble();
    for (const QJsonValue &value : json.value(key("calibration")).toArray()) {
        const QJsonObject entry = value.toObject();
        CalibrationBin bin;
        bin.lower = entry.value(key("lower")).toDouble();
        bin.upper = entry.value(key("upper")).toDouble();
        bin.count = entry.value(key("count")).toInt();
        bin.confidence = entry.value(key("confidence")).toDouble();
        bin.accuracy = entry.value(key("accuracy")).toDouble();
        result.calibration.push_back(bin);
    }
    for (const QJsonValue &value : json.value(key("per_class")).toArray())
        result.perClass.push_back(OneVsRestCurves::fromJson(value.toObject()));
    return result;
}
