#include "core/eval/multilabelscores.h"

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

double ratio(double numerator, double denominator)
{
    return denominator > 0.0 ? numerator / denominator : 0.0;
}

} // namespace

QJsonObject TagScores::toJson() const
{
    QJsonObject json = curves.toJson();
    json.insert(key("name"), name);
    json.insert(key("threshold"), threshold);
    json.insert(key("true_positives"), truePositives);
    json.insert(key("false_positives"), falsePositives);
    json.insert(key("false_negatives"), falseNegatives);
    json.insert(key("precision"), precision);
    json.insert(key("recall"), recall);
    json.insert(key("f1"), f1);
    return json;
}

TagScores TagScores::fromJson(const QJsonObject &json)
{
    TagScores scores;
    scores.curves = OneVsRestCurves::fromJson(json);
    scores.name = json.value(key("name")).toString();
    scores.threshold = json.value(key("threshold")).toDouble(0.5);
    scores.truePositives = json.value(key("true_positives")).toInt();
    scores.falsePositives = json.value(key("false_positives")).toInt();
    scores.falseNegatives = json.value(key("false_negatives")).toInt();
    scores.precision = json.value(key("precision")).toDouble();
    scores.recall = json.value(key("recall")).toDouble();
    scores.f1 = json.value(key("f1")).toDouble();
    return scores;
}

double bestF1Threshold(const std::vector<float> &probabilities, const std::vector<char> &positive)
{
    const std::size_t n = std::min(probabilities.size(), positive.size());
    const double positives = double(std::count(positive.begin(), positive.begin() + std::ptrdiff_t(n), char(1)));
    if (positives == 0.0)
        return 0.5;
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return probabilities[a] > probabilities[b]; });
    double tp = 0.0;
    double fp = 0.0;
    double bestF1 = -1.0;
    double best = 0.5;
    for (std::size_t i = 0; i < n; ++i) {
        (positive[order[i]] ? tp : fp) += 1.0;
        // Only a distinct score is a threshold: tied samples are predicted together.
        if (i + 1 < n && probabilities[order[i + 1]] == probabilities[order[i]])
            continue;
        const double f1 = 2.0 * tp / (2.0 * tp + fp + (positives - tp));
        if (f1 > bestF1) {
            bestF1 = f1;
            const double lowestIn = probabilities[order[i]];
            const double highestOut = i + 1 < n ? double(probabilities[order[i + 1]]) : 0.0;
            best = 0.5 * (lowestIn + highestOut);
        }
    }
    // Kept strictly inside (0, 1) so that meta.json's thresholds stay meaningful probabilities.
    return std::clamp(best, 1e-6, 1.0 - 1e-6);
}

void TagMatrix::add(const float *truthRow, const float *probabilityRow)
{
    truth.insert(truth.end(), truthRow, truthRow + tags);
    probability.insert(probability.end(), probabilityRow, probabilityRow + tags);
}

void TagMatrix::column(int tag, std::vector<float> *probabilities, std::vector<char> *positive) const
{
    probabilities->clear();
    positive->clear();
    for (int row = 0; row < rows(); ++row) {
        const std::size_t at = std::size_t(row) * std::size_t(tags) + std::size_t(tag);
        if (!std::isfinite(truth[at]))
            continue;
        probabilities->push_back(probability[at]);
        positive->push_back(truth[at] > 0.5f ? 1 : 0);
    }
}

std::vector<double> TagMatrix::tunedThresholds() const
{
    std::vector<double> thresholds;
    std::vector<float> probabilities;
    std::vector<char> positive;
    for (int k = 0; k < tags; ++k) {
        column(k, &probabilities, &positive);
        thresholds.push_back(bestF1Threshold(probabilities, positive));
    }
    return thresholds;
}

MultilabelReport MultilabelReport::compute(const QStringList &names, const TagMatrix &matrix, const std::vector<double> &thresholds)
{
    MultilabelReport report;
    const int tags = matrix.tags;
    if (tags <= 0 || int(thresholds.size()) != tags)
        return report;
    int exact = 0;
    for (int row = 0; row < matrix.rows(); ++row) {
        const std::size_t base = std::size_t(row) * std::size_t(tags);
        if (!std::isfinite(matrix.truth[base]))
            continue;
        ++report.samples;
        bool allRight = true;
        for (int k = 0; k < tags; ++k) {
            const bool predicted = double(matrix.probability[base + std::size_t(k)]) >= thresholds[std::size_t(k)];
            allRight = allRight && predicted == (matrix.truth[base + std::size_t(k)] > 0.5f);
        }
        exact += allRight ? 1 : 0;
    }
    report.exactMatch = ratio(exact, report.samples);

    double tp = 0.0;
    double fp = 0.0;
    double fn = 0.0;
    std::vector<double> f1s;
    std::vector<double> precisions;
    std::vector<float> probabilities;
    std::vector<char> positive;
    for (int k = 0; k < tags; ++k) {
        matrix.column(k, &probabilities, &positive);
        TagScores scores;
        scores.name = names.value(k);
        scores.threshold = thresholds[std::size_t(k)];
        for (std::size_t i = 0; i < probabilities.size(); ++i) {
            const bool predicted = double(probabilities[i]) >= scores.threshold;
            scores.truePositives += predicted && positive[i] ? 1 : 0;
            scores.falsePositives += predicted && !positive[i] ? 1 : 0;
            scores.falseNegatives += !predicted && positive[i] ? 1 : 0;
        }
        scores.precision = ratio(scores.truePositives, scores.truePositives + scores.falsePositives);
        scores.recall = ratio(scores.truePositives, scores.truePositives + scores.falseNegatives);
        scores.f1 = ratio(2.0 * scores.truePositives, 2.0 * scores.truePositives + scores.falsePositives + scores.falseNegatives);
        scores.curves = OneVsRestCurves::of(probabilities, positive);
        if (scores.positives() > 0)
            f1s.push_back(scores.f1);
        precisions.push_back(scores.curves.averagePrecision);
        tp += scores.truePositives;
        fp += scores.falsePositives;
        fn += scores.falseNegatives;
        report.tags.push_back(std::move(scores));
    }
    report.microPrecision = ratio(tp, tp + fp);
    report.microRecall = ratio(tp, tp + fn);
    report.microF1 = ratio(2.0 * tp, 2.0 * tp + fp + fn);
    report.macroF1 = meanOfDefined(f1s);
    report.meanAveragePrecision = meanOfDefined(precisions);
    return report;
}

QJsonObject MultilabelReport::toJson() const
{
    QJsonArray tagArray;
    for (const TagScores &tag : tags)
        tagArray.append(tag.toJson());
    QJsonObject subsets;
    for (auto it = subsetMap.constBegin(); it != subsetMap.constEnd(); ++it)
        subsets.insert(it.key(), jsonNumber(it.value()));
    return QJsonObject{{key("samples"), samples},
                       {key("loss"), jsonNumber(loss)},
                       {key("micro_precision"), microPrecision},
                       {key("micro_recall"), microRecall},
                       {key("micro_f1"), microF1},
                       {key("macro_f1"), jsonNumber(macroF1)},
                       {key("map"), jsonNumber(meanAveragePrecision)},
                       {key("exact_match"), exactMatch},
                       {key("tags"), tagArray},
                       {key("subset_map"), subsets}};
}

MultilabelReport MultilabelReport::fromJson(const QJsonObject &json)
{
    MultilabelReport report;
    report.samples = json.value(key("samples")).toInt();
    report.loss = numberFromJson(json.value(key("loss")));
    report.microPrecision = json.value(key("micro_precision")).toDouble();
    report.microRecall = json.value(key("micro_recall")).toDouble();
    report.microF1 = json.value(key("micro_f1")).toDouble();
    report.macroF1 = numberFromJson(json.value(key("macro_f1")));
    report.meanAveragePrecision = numberFromJson(json.value(key("map")));
    report.exactMatch = json.value(key("exact_match")).toDouble();
    for (const QJsonValue &value : json.value(key("tags")).toArray())
        report.tags.push_back(TagScores::fromJson(value.toObject()));
    const QJsonObject subsets = json.value(key("subset_map")).toObject();
    for (auto it = subsets.constBegin(); it != subsets.constEnd(); ++it)
        report.subsetMap.insert(it.key(), numberFromJson(it.value()));
    return report;
}

QString MultilabelReport::toText() const
{
    const auto number = [](double value, int decimals) {
        return std::isfinite(value) ? QString::number(value, 'f', decimals) : QStringLiteral("—");
    };
    QString out = QStringLiteral("mAP %1   micro-F1 %2 (precision %3, recall %4)   macro-F1 %5   exact match %6   (%7 samples)\n")
                      .arg(number(meanAveragePrecision, 3), number(microF1, 3), number(microPrecision, 3),
                           number(microRecall, 3), number(macroF1, 3), number(exactMatch, 3))
                      .arg(samples);
    if (std::isfinite(loss)) // a split explanation scores without the loss
        out += QStringLiteral("loss %1 (binary cross-entropy per tag)\n").arg(loss, 0, 'f', 4);
    out += QLatin1Char('\n');
    int width = 3;
    for (const TagScores &tag : tags)
        width = std::max(width, int(tag.name.size()));
    out += QStringLiteral("  %1 %2 %3 %4 %5 %6 %7 %8\n")
               .arg(QStringLiteral("tag"), -width)
               .arg(QStringLiteral("positives"), 9)
               .arg(QStringLiteral("threshold"), 9)
               .arg(QStringLiteral("precision"), 9)
               .arg(QStringLiteral("recall"), 7)
               .arg(QStringLiteral("F1"), 6)
               .arg(QStringLiteral("AP"), 6)
               .arg(QStringLiteral("AUC"), 6);
    for (const TagScores &tag : tags) {
        out += QStringLiteral("  %1 %2 %3 %4 %5 %6 %7 %8\n")
                   .arg(tag.name, -width)
                   .arg(tag.positives(), 9)
                   .arg(number(tag.threshold, 3), 9)
                   .arg(number(tag.precision, 3), 9)
                   .arg(number(tag.recall, 3), 7)
                   .arg(number(tag.f1, 3), 6)
                   .arg(number(tag.curves.averagePrecision, 3), 6)
                   .arg(number(tag.curves.auc, 3), 6);
    }
    return out;
}
