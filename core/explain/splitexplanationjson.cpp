// JSON and terminal tables of a split-level explanation.
#include "core/explain/splitexplanation.h"

#include "core/data/modality.h"
#include "core/eval/reporttext.h"
#include "core/explain/explanation.h"
#include "core/util/jsonnumber.h"

#include <QtCore/QJsonArray>

#include <algorithm>
#include <cmath>

namespace {

template <typename T>
QJsonObject perModality(const std::array<T, 3> &values)
{
    QJsonObject object;
    for (Modality modality : kAllModalities)
        object.insert(modalityName(modality), jsonNumber(double(values[std::size_t(modality)])));
    return object;
}

QJsonArray numbers(const std::vector<double> &values)
{
    QJsonArray array;
    for (double value : values)
        array.append(jsonNumber(value));
    return array;
}

QJsonObject pointingJson(const PointingScore &score)
{
    return {{QStringLiteral("source"), score.source}, {QStringLiteral("hits"), score.hits},
            {QStringLiteral("total"), score.total}, {QStringLiteral("rate"), score.rate()}};
}

QString fixed(double value, int decimals = 3)
{
    return std::isfinite(value) ? QString::number(value, 'f', decimals) : QStringLiteral("-");
}

/** JSON's name for the task's score: accuracy keeps its keys; "r2" and "map" follow eval's val_r2 / val_map. */
QString scoreKey(TaskKind task, const char *prefix = "")
{
    const char *name = task == TaskKind::Regress ? "r2" : task == TaskKind::Multilabel ? "map" : "accuracy";
    return QLatin1String(prefix) + QLatin1String(name);
}

QJsonObject perOutput(const QStringList &names, const std::vector<std::array<double, 3>> &values)
{
    QJsonObject object;
    for (std::size_t c = 0; c < values.size(); ++c)
        object.insert(names.value(int(c)), perModality(values[c]));
    return object;
}

} // namespace

QString SplitExplanation::gameDescription() const
{
    return representation.isEmpty() ? gameValueDescription(task) : representationGameDescription(representation);
}

QJsonObject SplitExplanation::toJson() const
{
    QJsonObject json;
    if (representation.isEmpty()) {
        json.insert(QStringLiteral("task"), taskName(task));
        json.insert(QStringLiteral("score_name"), scoreName());
        json.insert(QStringLiteral("labeled"), labeled);
        json.insert(scoreKey(task), jsonNumber(accuracy));
    } else {
        QJsonObject pairs;
        for (std::size_t p = 0; p < meanAgreement.size(); ++p)
            pairs.insert(modalityPairName(p), QJsonObject{{QStringLiteral("mean_cosine"), jsonNumber(meanAgreement[p])},
                                                          {QStringLiteral("samples"), agreementCount[p]}});
        json.insert(QStringLiteral("representation"), representation);
        json.insert(QStringLiteral("agreement"), pairs);
    }
    json.insert(QStringLiteral("samples"), samples);
    if (!error.isEmpty())
        json.insert(QStringLiteral("error"), error);
    QJsonObject shapley{{QStringLiteral("value"), gameDescription()},
                        {QStringLiteral("mean_abs"), perModality(meanAbsShapley)},
                        {QStringLiteral("mean"), perModality(meanShapley)},
                        {QStringLiteral("samples_present"), perModality(playerCount)},
                        {QStringLiteral("max_efficiency_error"), maxEfficiencyError}};
    if (!outputMeanAbsShapley.empty()) {
        shapley.insert(QStringLiteral("per_output_mean_abs"), perOutput(classNames, outputMeanAbsShapley));
        shapley.insert(QStringLiteral("per_output_mean"), perOutput(classNames, outputMeanShapley));
    }
    json.insert(QStringLiteral("shapley"), shapley);
    if (task == TaskKind::Regress)
        json.insert(QStringLiteral("regression"), regression.toJson());
    if (task == TaskKind::Multilabel)
        json.insert(QStringLiteral("multilabel"), multilabel.toJson());
    json.insert(QStringLiteral("gates"), hasGates ? QJsonValue(perModality(meanGates)) : QJsonValue(QJsonValue::Null));
    QJsonObject subsets;
    for (auto it = subsetAccuracy.cbegin(); it != subsetAccuracy.cend(); ++it)
        subsets.insert(it.key(), jsonNumber(it.value()));
    if (representation.isEmpty())
        json.insert(scoreKey(task, "subset_"), subsets);
    QJsonArray matrix;
    for (const std::vector<int> &row : confusion) {
        QJsonArray line;
        for (int count : row)
            line.append(count);
        matrix.append(line);
    }
    if (task == TaskKind::Classify && representation.isEmpty())
        json.insert(QStringLiteral("confusion"), QJsonObject{{QStringLiteral("labels"), QJsonArray::fromStringList(classNames)},
                                                             {QStringLiteral("matrix"), matrix}});
    if (!curves.isEmpty())
        json.insert(QStringLiteral("curves"), curves.toJson());
    QJsonArray cases;
    for (const DisagreementCase &c : disagreements) {
        QJsonObject unimodalJson;
        for (Modality modality : kAllModalities) {
            const QString &name = c.unimodal[std::size_t(modality)];
            unimodalJson.insert(modalityName(modality), name.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(name));
        }
        cases.append(QJsonObject{{QStringLiteral("id"), c.sampleId}, {QStringLiteral("index"), c.index},
                                 {QStringLiteral("label"), c.label}, {QStringLiteral("predicted"), c.predicted},
                                 {QStringLiteral("score"), c.score}, {QStringLiteral("sign_conflict"), c.signConflict},
                                 {QStringLiteral("unimodal"), unimodalJson}, {QStringLiteral("shapley"), perModality(c.shapley)},
                                 {QStringLiteral("reason"), c.reason}});
    }
    json.insert(QStringLiteral("disagreements"), cases);
    if (!pointing.empty()) {
        QJsonArray sources;
        for (const PointingScore &score : pointing)
            sources.append(pointingJson(score));
        json.insert(QStringLiteral("pointing_game"), QJsonObject{{QStringLiteral("samples"), targetBoxes},
                                                                 {QStringLiteral("primary"), pointingJson(pointing.front())},
                                                                 {QStringLiteral("sources"), sources}});
    } else {
        json.insert(QStringLiteral("pointing_game"), QJsonValue(QJsonValue::Null));
    }
    if (hasRobustness) {
        QJsonArray curves;
        for (const RobustnessCurve &curve : robustness)
            curves.append(QJsonObject{{QStringLiteral("modality"), curve.modality}, {QStringLiteral("corruption"), curve.corruption},
                                      {QStringLiteral("level_unit"), curve.levelUnit}, {QStringLiteral("severity"), numbers(curve.severities)},
                                      {QStringLiteral("level"), numbers(curve.levels)}, {scoreKey(task), numbers(curve.accuracy)}});
        json.insert(QStringLiteral("robustness"), QJsonObject{{scoreKey(task, "clean_"), jsonNumber(cleanAccuracy)},
                                                              {QStringLiteral("missing"), perModality(missingAccuracy)},
                                                              {QStringLiteral("curves"), curves}});
    }
    return json;
}

QString SplitExplanation::toText() const
{
    QString text;
    const QString score = scoreName();
    if (!representation.isEmpty()) {
        text += QStringLiteral("%1 samples, explained through the %2 embedding (the model has no task outputs)\n")
                    .arg(samples).arg(representation);
        for (std::size_t p = 0; p < meanAgreement.size(); ++p) {
            if (agreementCount[p] > 0)
                text += QStringLiteral("  agreement %1 %2 mean cosine over %3 samples\n")
                            .arg(modalityPairName(p), -12).arg(fixed(meanAgreement[p])).arg(agreementCount[p]);
        }
        text += QLatin1Char('\n');
    } else {
        text += QStringLiteral("%1 %2 on %3 labeled of %4 samples\n").arg(score, fixed(accuracy)).arg(labeled).arg(samples);
        if (task == TaskKind::Classify)
            text += formatCurveSummary(curves) + QLatin1Char('\n');
        else if (task == TaskKind::Regress)
            text += regression.toText() + QLatin1Char('\n');
        else
            text += multilabel.toText() + QLatin1Char('\n');
    }
    text += QStringLiteral("modality contribution (Shapley of %1)\n").arg(gameDescription());
    text += QStringLiteral("  %1 %2 %3 %4\n").arg(QStringLiteral("modality"), -10).arg(QStringLiteral("mean|phi|"), 10)
                .arg(QStringLiteral("mean phi"), 10).arg(hasGates ? QStringLiteral("gate") : QString(), 8);
    for (Modality modality : kAllModalities) {
        const auto m = std::size_t(modality);
        text += QStringLiteral("  %1 %2 %3 %4\n").arg(modalityName(modality), -10).arg(fixed(meanAbsShapley[m]), 10)
                    .arg(fixed(meanShapley[m]), 10).arg(hasGates ? fixed(meanGates[m]) : QString(), 8);
    }
    text += QStringLiteral("  efficiency: max |sum phi - (f(all) - f(none))| = %1\n\n").arg(maxEfficiencyError, 0, 'g', 3);
    if (!outputMeanAbsShapley.empty()) {
        text += QStringLiteral("mean |phi| of each %1's own value%2\n  %3 %4 %5 %6\n")
                    .arg(task == TaskKind::Regress ? QStringLiteral("target") : QStringLiteral("tag"),
                         task == TaskKind::Regress ? QString() : QStringLiteral(" (logit)"))
                    .arg(QString(), -16).arg(QStringLiteral("text"), 8).arg(QStringLiteral("image"), 8).arg(QStringLiteral("audio"), 8);
        for (std::size_t c = 0; c < outputMeanAbsShapley.size(); ++c) {
            text += QStringLiteral("  %1").arg(classNames.value(int(c)), -16);
            for (double value : outputMeanAbsShapley[c])
                text += QStringLiteral(" %1").arg(fixed(value), 8);
            text += QLatin1Char('\n');
        }
        text += QLatin1Char('\n');
    }
    if (!subsetAccuracy.isEmpty())
        text += QStringLiteral("%1 by modality subset\n").arg(score);
    for (auto it = subsetAccuracy.cbegin(); it != subsetAccuracy.cend(); ++it)
        text += QStringLiteral("  %1 %2\n").arg(it.key(), -18).arg(fixed(it.value()));
    if (!pointing.empty()) {
        text += QStringLiteral("\npointing game (%1 samples with a target box)\n").arg(targetBoxes);
        for (const PointingScore &score : pointing)
            text += QStringLiteral("  %1 %2  (%3/%4)\n").arg(score.source, -40).arg(fixed(score.rate())).arg(score.hits).arg(score.total);
    }
    if (hasRobustness && !robustness.empty()) {
        text += QStringLiteral("\nrobustness: %1 as one modality is degraded (severity 0 to 1)\n  %2").arg(score).arg(QString(), -28);
        for (double severity : robustness.front().severities)
            text += QStringLiteral(" %1").arg(fixed(severity, 2), 6);
        text += QLatin1Char('\n');
        for (const RobustnessCurve &curve : robustness) {
            text += QStringLiteral("  %1").arg(curve.modality + QLatin1Char(' ') + curve.corruption, -28);
            for (double value : curve.accuracy)
                text += QStringLiteral(" %1").arg(fixed(value), 6);
            text += QLatin1Char('\n');
        }
        text += QStringLiteral("  missing entirely:");
        for (Modality modality : kAllModalities)
            text += QStringLiteral(" %1 %2").arg(modalityName(modality), fixed(missingAccuracy[std::size_t(modality)]));
        text += QLatin1Char('\n');
    }
    if (!disagreements.empty()) {
        text += QStringLiteral("\nsamples where the modalities disagree most (%1 listed in the JSON)\n").arg(disagreements.size());
        for (std::size_t i = 0; i < std::min<std::size_t>(10, disagreements.size()); ++i) {
            const DisagreementCase &c = disagreements[i];
            text += QStringLiteral("  %1 %2 %3 (label %4, predicted %5)\n")
                        .arg(c.sampleId, -12).arg(fixed(c.score)).arg(c.reason, c.label.isEmpty() ? QStringLiteral("-") : c.label, c.predicted);
        }
    }
    if (!error.isEmpty())
        text += QStringLiteral("\nstopped early: %1\n").arg(error);
    return text;
}
