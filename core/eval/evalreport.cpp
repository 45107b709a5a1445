#include "core/eval/evalreport.h"

#include <QtCore/QJsonArray>

namespace {

QString key(const char *name)
{
    return QString::fromLatin1(name);
}

} // namespace

QStringList EvalReport::subsetNames()
{
    return {QStringLiteral("text"),       QStringLiteral("image"),      QStringLiteral("audio"),
            QStringLiteral("text+image"), QStringLiteral("text+audio"), QStringLiteral("image+audio"),
            QStringLiteral("text+image+audio")};
}

void EvalReport::computeScores()
{
    const int classes = int(confusion.size());
    std::vector<long long> truth(std::size_t(classes), 0);
    std::vector<long long> predicted(std::size_t(classes), 0);
    long long total = 0;
    long long correct = 0;
    for (int t = 0; t < classes; ++t) {
        const auto &row = confusion[std::size_t(t)];
        for (int p = 0; p < classes && p < int(row.size()); ++p) {
            const int count = row[std::size_t(p)];
            truth[std::size_t(t)] += count;
            predicted[std::size_t(p)] += count;
            total += count;
            if (p == t)
                correct += count;
        }
    }
    samples = int(total);
    accuracy = total > 0 ? double(correct) / double(total) : 0.0;

    perClass.clear();
    double f1Sum = 0.0;
    int averaged = 0;
    for (int c = 0; c < classes; ++c) {
        const auto &row = confusion[std::size_t(c)];
        const double tp = c < int(row.size()) ? row[std::size_t(c)] : 0;
        ClassScores scores;
        scores.support = int(truth[std::size_t(c)]);
        scores.precision = predicted[std::size_t(c)] > 0 ? tp / double(predicted[std::size_t(c)]) : 0.0;
        scores.recall = truth[std::size_t(c)] > 0 ? tp / double(truth[std::size_t(c)]) : 0.0;
        const double sum = scores.precision + scores.recall;
        scores.f1 = sum > 0.0 ? 2.0 * scores.precision * scores.recall / sum : 0.0;
        perClass << scores;
        if (truth[std::size_t(c)] > 0 || predicted[std::size_t(c)] > 0) {
            f1Sum += scores.f1;
            ++averaged;
        }
    }
    macroF1 = averaged > 0 ? f1Sum / averaged : 0.0;
}

QJsonObject EvalReport::toJson() const
{
    QJsonObject json;
    json.insert(key("task"), taskName(task));
    if (task != TaskKind::Classify) {
        const QJsonObject scores = task == TaskKind::Regress ? regression.toJson() : multilabel.toJson();
        for (auto it = scores.constBegin(); it != scores.constEnd(); ++it)
            json.insert(it.key(), it.value());
        if (!error.isEmpty())
            json.insert(key("error"), error);
        return json;
    }
    json.insert(key("labels"), QJsonArray::fromStringList(labels));
    json.insert(key("samples"), samples);
    json.insert(key("loss"), loss);
    json.insert(key("accuracy"), accuracy);
    json.insert(key("macro_f1"), macroF1);
    QJsonArray classes;
    for (int c = 0; c < perClass.size(); ++c) {
        const ClassScores &scores = perClass.at(c);
        QJsonObject entry;
        entry.insert(key("label"), labels.value(c));
        entry.insert(key("precision"), scores.precision);
        entry.insert(key("recall"), scores.recall);
        entry.insert(key("f1"), scores.f1);
        entry.insert(key("support"), scores.support);
        classes.append(entry);
    }
    json.insert(key("per_class"), classes);
    QJsonArray matrix;
    for (const auto &row : confusion) {
        QJsonArray cells;
        for (int count : row)
            cells.append(count);
        matrix.append(cells);
    }
    json.insert(key("confusion"), matrix);
    QJsonObject subsets;
    for (auto it = subsetAccuracy.cbegin(); it != subsetAccuracy.cend(); ++it)
        subsets.insert(it.key(), it.value());
    json.insert(key("subset_accuracy"), subsets);
    if (!curves.isEmpty())
        json.insert(key("curves"), curves.toJson());
    if (!error.isEmpty())
        json.insert(key("error"), error);
    return json;
}

EvalReport EvalReport::fromJson(const QJsonObject &json)
{
    EvalReport report;
    if (json.value(key("task")).toString() == QLatin1String("regress")) {
        report.task = TaskKind::Regress;
        report.regression = RegressionReport::fromJson(json);
        report.samples = report.regression.samples;
        report.error = json.value(key("error")).toString();
        return report;
    }
    if (json.value(key("task")).toString() == QLatin1String("multilabel")) {
        report.task = TaskKind::Multilabel;
        report.multilabel = MultilabelReport::fromJson(json);
        report.samples = report.multilabel.samples;
        report.loss = report.multilabel.loss;
        report.error = json.value(key("error")).toString();
        return report;
    }
    for (const QJsonValue &label : json.value(key("labels")).toArray())
        report.labels << label.toString();
    report.samples = json.value(key("samples")).toInt();
    report.loss = json.value(key("loss")).toDouble();
    report.accuracy = json.value(key("accuracy")).toDouble();
    report.macroF1 = json.value(key("macro_f1")).toDouble();
    for (const QJsonValue &value : json.value(key("per_class")).toArray()) {
        const QJsonObject entry = value.toObject();
        ClassScores scores;
        scores.precision = entry.value(key("precision")).toDouble();
        scores.recall = entry.value(key("recall")).toDouble();
        scores.f1 = entry.value(key("f1")).toDouble();
        scores.support = entry.value(key("support")).toInt();
        report.perClass << scores;
    }
    for (const QJsonValue &rowValue : json.value(key("confusion")).toArray()) {
        std::vector<int> row;
        for (const QJsonValue &cell : rowValue.toArray())
            row.push_back(cell.toInt());
        report.confusion.push_back(std::move(row));
    }
    const QJsonObject subsets = json.value(key("subset_accuracy")).toObject();
    for (auto it = subsets.constBegin(); it != subsets.constEnd(); ++it)
        report.subsetAccuracy.insert(it.key(), it.value().toDouble());
    report.curves = ClassifierCurves::fromJson(json.value(key("curves")).toObject());
    report.error = json.value(key("error")).toString();
    return report;
}
