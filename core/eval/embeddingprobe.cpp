#include "core/eval/embeddingprobe.h"

#include "core/eval/linearprobe.h"
#include "core/util/jsonnumber.h"

#include <QtCore/QStringList>

#include <cmath>

QJsonObject EmbeddingProbe::toJson() const
{
    QJsonObject probe;
    for (const Fit &fit : linear)
        probe.insert(QString::number(fit.percent), QJsonObject{{QStringLiteral("accuracy"), jsonNumber(fit.accuracy)},
                                                               {QStringLiteral("train_samples"), fit.trainRows}});
    return QJsonObject{{QStringLiteral("knn_k"), knnK},
                       {QStringLiteral("knn_accuracy"), jsonNumber(knnK > 0 ? knnAccuracy : std::nan(""))},
                       {QStringLiteral("linear_probe"), probe}};
}

QString EmbeddingProbe::text() const
{
    QStringList parts;
    if (knnK > 0)
        parts << QStringLiteral("k-NN (k = %1) %2 %").arg(knnK).arg(100.0 * knnAccuracy, 0, 'f', 1);
    QStringList fits;
    for (const Fit &fit : linear)
        fits << QStringLiteral("%1 % (%2 % of the labels, %3 samples)").arg(100.0 * fit.accuracy, 0, 'f', 1).arg(fit.percent).arg(fit.trainRows);
    if (!fits.isEmpty())
        parts << QStringLiteral("linear probe %1").arg(fits.join(QStringLiteral("; ")));
    return parts.join(QStringLiteral("; "));
}

EmbeddingProbe probeEmbeddings(const EmbeddingTable &train, const std::vector<int> &trainClasses, const EmbeddingTable &query,
                               const std::vector<int> &queryClasses, int neighbours, bool linear)
{
    EmbeddingProbe probe;
    probe.knnK = neighbours;
    probe.knnAccuracy = neighbours > 0 ? knnAccuracy(train, trainClasses, query, queryClasses, neighbours) : std::nan("");
    if (!linear)
        return probe;
    for (const int percent : {100, 10, 1}) {
        const LinearProbeResult fitted = linearProbe(train, trainClasses, query, queryClasses, percent / 100.0, /*seed=*/1);
        probe.linear.push_back({percent, fitted.accuracy, fitted.trainRows});
    }
    return probe;
}
