#include "core/eval/regressionscores.h"

#include "core/util/jsonnumber.h"

#include <QtCore/QJsonArray>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace {

double pearsonOf(const std::vector<double> &a, const std::vector<double> &b)
{
    const double n = double(a.size());
    if (a.size() < 2)
        return TargetScores::kNan;
    const double meanA = std::accumulate(a.begin(), a.end(), 0.0) / n;
    const double meanB = std::accumulate(b.begin(), b.end(), 0.0) / n;
    double ab = 0.0;
    double aa = 0.0;
    double bb = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        ab += (a[i] - meanA) * (b[i] - meanB);
        aa += (a[i] - meanA) * (a[i] - meanA);
        bb += (b[i] - meanB) * (b[i] - meanB);
    }
    return aa > 0.0 && bb > 0.0 ? ab / std::sqrt(aa * bb) : TargetScores::kNan;
}

/** 1-based ranks; tied values share the mean of the ranks they span (as scipy's rankdata). */
std::vector<double> averageRanks(const std::vector<double> &values)
{
    std::vector<std::size_t> order(values.size());
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return values[x] < values[y]; });
    std::vector<double> ranks(values.size());
    for (std::size_t i = 0; i < order.size();) {
        std::size_t j = i;
        while (j + 1 < order.size() && values[order[j + 1]] == values[order[i]])
            ++j;
        const double rank = 0.5 * double(i + j) + 1.0;
        for (std::size_t k = i; k <= j; ++k)
            ranks[order[k]] = rank;
        i = j + 1;
    }
    return ranks;
}

QString fixed(double value, int decimals = 4)
{
    return std::isfinite(value) ? QString::number(value, 'f', decimals) : QStringLiteral("-");
}

} // namespace

TargetScores TargetScores::compute(const QString &name, const std::vector<double> &truth, const std::vector<double> &predicted)
{
    TargetScores scores;
    scores.name = name;
    std::vector<double> y;
    std::vector<double> p;
    for (std::size_t i = 0; i < truth.size() && i < predicted.size(); ++i) {
        if (std::isfinite(truth[i]) && std::isfinite(predicted[i])) {
            y.push_back(truth[i]);
            p.push_back(predicted[i]);
        }
    }
    scores.samples = int(y.size());
    if (y.empty())
        return scores;
    const double n = double(y.size());
    double absolute = 0.0;
    double squared = 0.0;
    for (std::size_t i = 0; i < y.size(); ++i) {
        absolute += std::abs(p[i] - y[i]);
        squared += (p[i] - y[i]) * (p[i] - y[i]);
    }
    scores.mae = absolute / n;
    scores.rmse = std::sqrt(squared / n);
    const double mean = std::accumulate(y.begin(), y.end(), 0.0) / n;
    double total = 0.0;
    for (double value : y)
        total += (value - mean) * (value - mean);
    scores.r2 = total > 0.0 ? 1.0 - squared / total : kNan;
    scores.pearson = pearsonOf(y, p);
    scores.spearman = pearsonOf(averageRanks(y), averageRanks(p));

    int truePositive = 0;
    int falsePositive = 0;
    int falseNegative = 0;
    int correct = 0;
    bool positives = false;
    bool negatives = false;
    for (std::size_t i = 0; i < y.size(); ++i) {
        if (y[i] == 0.0)
            continue;
        ++scores.signSamples;
        const bool truthPositive = y[i] > 0.0;
        const bool predictedPositive = p[i] > 0.0;
        positives = positives || truthPositive;
        negatives = negatives || !truthPositive;
        correct += truthPositive == predictedPositive ? 1 : 0;
        truePositive += truthPositive && predictedPositive ? 1 : 0;
        falsePositive += !truthPositive && predictedPositive ? 1 : 0;
        falseNegative += truthPositive && !predictedPositive ? 1 : 0;
    }
    if (positives && negatives) {
        scores.signAccuracy = double(correct) / scores.signSamples;
        const int denominator = 2 * truePositive + falsePositive + falseNegative;
        scores.signF1 = denominator > 0 ? 2.0 * truePositive / denominator : 0.0;
    }
    return scores;
}

double meanR2(const std::vector<TargetScores> &targets)
{
    double sum = 0.0;
    int count = 0;
    for (const TargetScores &scores : targets) {
        if (std::isfinite(scores.r2)) {
            sum += scores.r2;
            ++count;
        }
    }
    return count > 0 ? sum / count : TargetScores::kNan;
}

std::vector<TargetScores> TargetColumns::scores() const
{
    std::vector<TargetScores> result;
    for (std::size_t k = 0; k < m_truth.size(); ++k)
        result.push_back(TargetScores::compute(m_names.value(int(k)), m_truth[k], m_predicted[k]));
    return result;
}

QJsonObject TargetScores::toJson() const
{
    return {{QStringLiteral("name"), name},         {QStringLiteral("samples"), samples},
            {QStringLiteral("mae"), jsonNumber(mae)},   {QStringLiteral("rmse"), jsonNumber(rmse)},
            {QStringLiteral("r2"), jsonNumber(r2)},     {QStringLiteral("pearson"), jsonNumber(pearson)},
            {QStringLiteral("spearman"), jsonNumber(spearman)}, {QStringLiteral("sign_samples"), signSamples},
            {QStringLiteral("sign_accuracy"), jsonNumber(signAccuracy)}, {QStringLiteral("sign_f1"), jsonNumber(signF1)}};
}

TargetScores TargetScores::fromJson(const QJsonObject &json)
{
    TargetScores scores;
    scores.name = json.value(QStringLiteral("name")).toString();
    scores.samples = json.value(QStringLiteral("samples")).toInt();
    scores.mae = numberFromJson(json.value(QStringLiteral("mae")));
    scores.rmse = numberFromJson(json.value(QStringLiteral("rmse")));
    scores.r2 = numberFromJson(json.value(QStringLiteral("r2")));
    scores.pearson = numberFromJson(json.value(QStringLiteral("pearson")));
    scores.spearman = numberFromJson(json.value(QStringLiteral("spearman")));
    scores.signSamples = json.value(QStringLiteral("sign_samples")).toInt();
    scores.signAccuracy = numberFromJson(json.value(QStringLiteral("sign_accuracy")));
    scores.signF1 = numberFromJson(json.value(QStringLiteral("sign_f1")));
    return scores;
}

QJsonObject RegressionReport::toJson() const
{
    QJsonArray perTarget;
    for (const TargetScores &scores : targets)
        perTarget.append(scores.toJson());
    QJsonObject subsets;
    for (auto it = subsetR2.cbegin(); it != subsetR2.cend(); ++it)
        subsets.insert(it.key(), jsonNumber(it.value()));
    return {{QStringLiteral("samples"), samples},
            {QStringLiteral("loss"), jsonNumber(loss)},
            {QStringLiteral("mean_r2"), jsonNumber(meanR2)},
            {QStringLiteral("targets"), perTarget},
            {QStringLiteral("subset_r2"), subsets}};
}

RegressionReport RegressionReport::fromJson(const QJsonObject &json)
{
    RegressionReport report;
    report.samples = json.value(QStringLiteral("samples")).toInt();
    report.loss = numberFromJson(json.value(QStringLiteral("loss")));
    report.meanR2 = numberFromJson(json.value(QStringLiteral("mean_r2")));
    for (const QJsonValue &value : json.value(QStringLiteral("targets")).toArray())
        report.targets.push_back(TargetScores::fromJson(value.toObject()));
    const QJsonObject subsets = json.value(QStringLiteral("subset_r2")).toObject();
    for (auto it = subsets.constBegin(); it != subsets.constEnd(); ++it)
        report.subsetR2.insert(it.key(), numberFromJson(it.value()));
    return report;
}

QString RegressionReport::toText() const
{
    // A split explanation scores without the loss: NaN leaves it out.
    QString text = QStringLiteral("mean R² %1%2   (%3 samples with targets)\n\n")
                       .arg(fixed(meanR2, 3), std::isfinite(loss) ? QStringLiteral("   loss %1").arg(fixed(loss)) : QString())
                       .arg(samples);
    int width = 6;
    for (const TargetScores &scores : targets)
        width = std::max(width, int(scores.name.size()));
    text += QStringLiteral("%1  samples      MAE     RMSE      R²  Pearson  Spearman  sign acc  sign F1\n")
                .arg(QStringLiteral("target"), -width);
    for (const TargetScores &s : targets) {
        text += QStringLiteral("%1  %2  %3  %4  %5  %6  %7  %8  %9\n")
                    .arg(s.name, -width)
                    .arg(s.samples, 7)
                    .arg(fixed(s.mae), 7)
                    .arg(fixed(s.rmse), 7)
                    .arg(fixed(s.r2, 3), 6)
                    .arg(fixed(s.pearson, 3), 7)
                    .arg(fixed(s.spearman, 3), 8)
                    .arg(fixed(s.signAccuracy, 3), 8)
                    .arg(fixed(s.signF1, 3), 7);
    }
    return text;
}
