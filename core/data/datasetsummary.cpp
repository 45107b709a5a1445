#include "core/data/datasetsummary.h"

#include "core/data/dataset.h"

#include <QtCore/QJsonArray>

#include <cmath>
#include <limits>

DatasetSummary DatasetSummary::of(const Dataset &dataset)
{
    DatasetSummary s;
    s.root = dataset.root();
    s.manifest = dataset.manifest().path;
    s.samples = dataset.size();
    const bool tagged = dataset.task() == TaskKind::Multilabel;
    // A multi-label set's "classes" are its tags, counted once per sample that carries each.
    s.labels = tagged ? dataset.targetNames() : dataset.labels();
    s.task = taskName(dataset.task());
    s.taskReason = dataset.manifest().taskReason;
    for (const QString &name : tagged ? QStringList() : dataset.targetNames())
        s.targets << TargetStats{name, 0, std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(), 0.0};
    s.issues = dataset.issues();
    s.loadError = dataset.loadError();
    for (const QString &label : std::as_const(s.labels))
        s.classCounts.insert(label, {0, 0, 0});
    for (int i = 0; i < dataset.size(); ++i) {
        const SampleRecord &r = dataset.record(i);
        ++s.perSplit[std::size_t(r.split)];
        const PresenceMask mask = dataset.presence(i);
        for (int m = 0; m < kModalityCount; ++m)
            s.withModality[std::size_t(m)] += mask[std::size_t(m)] ? 1 : 0;
        if (!dataset.hasTarget(i)) {
            ++s.unlabeled;
        } else if (dataset.task() == TaskKind::Regress) {
            for (int k = 0; k < s.targets.size() && std::size_t(k) < r.targets.size(); ++k) {
                const double value = r.targets[std::size_t(k)];
                if (!std::isfinite(value))
                    continue;
                TargetStats &stats = s.targets[k];
                ++stats.count;
                stats.min = std::min(stats.min, value);
                stats.max = std::max(stats.max, value);
                stats.mean += value;
            }
        } else if (tagged) {
            for (std::size_t k = 0; k < r.targets.size(); ++k) {
                if (r.targets[k] > 0.5f)
                    ++s.classCounts[s.labels.at(int(k))][std::size_t(r.split)];
            }
        } else {
            ++s.classCounts[r.label][std::size_t(r.split)];
        }
    }
    for (TargetStats &stats : s.targets)
        stats.mean = stats.count > 0 ? stats.mean / stats.count : 0.0;
    return s;
}

QJsonObject DatasetSummary::toJson() const
{
    QJsonObject splits;
    for (Split split : {Split::Train, Split::Val, Split::Test})
        splits.insert(splitName(split), perSplit[std::size_t(split)]);
    QJsonObject coverage;
    for (Modality m : kAllModalities)
        coverage.insert(modalityName(m), withModality[std::size_t(m)]);
    QJsonObject classes;
    for (auto it = classCounts.constBegin(); it != classCounts.constEnd(); ++it) {
        QJsonObject counts;
        for (Split split : {Split::Train, Split::Val, Split::Test})
            counts.insert(splitName(split), it.value()[std::size_t(split)]);
        classes.insert(it.key(), counts);
    }
    QJsonArray issueArray;
    for (const DataIssue &issue : issues) {
        issueArray.append(QJsonObject{{QStringLiteral("sample"), issue.sampleId},
                                      {QStringLiteral("file"), issue.file},
                                      {QStringLiteral("line"), issue.line},
                                      {QStringLiteral("field"), issue.field},
                                      {QStringLiteral("path"), issue.path},
                                      {QStringLiteral("reason"), issue.reason},
                                      {QStringLiteral("message"), issue.toString()}});
    }
    QJsonObject json{{QStringLiteral("dataset"), root},
                     {QStringLiteral("manifest"), manifest},
                     {QStringLiteral("samples"), samples},
                     {QStringLiteral("splits"), splits},
                     {QStringLiteral("modalities"), coverage},
                     {QStringLiteral("task"), task},
                     {QStringLiteral("task_reason"), taskReason},
                     {QStringLiteral("labels"), QJsonArray::fromStringList(labels)},
                     {QStringLiteral("classes"), classes},
                     {QStringLiteral("unlabeled"), unlabeled},
                     {QStringLiteral("issues"), issueArray}};
    if (!targets.isEmpty()) {
        QJsonArray stats;
        for (const TargetStats &t : targets)
            stats.append(QJsonObject{{QStringLiteral("name"), t.name}, {QStringLiteral("count"), t.count},
                                     {QStringLiteral("min"), t.count ? QJsonValue(t.min) : QJsonValue()},
                                     {QStringLiteral("max"), t.count ? QJsonValue(t.max) : QJsonValue()},
                                     {QStringLiteral("mean"), t.count ? QJsonValue(t.mean) : QJsonValue()}});
        json.insert(QStringLiteral("targets"), stats);
    }
    if (!loadError.isEmpty())
        json.insert(QStringLiteral("error"), loadError);
    return json;
}

QString DatasetSummary::toText() const
{
    QString out;
    if (!loadError.isEmpty())
        return QStringLiteral("error: %1\n").arg(loadError);
    out += QStringLiteral("Dataset   %1\nManifest  %2\n").arg(root, manifest);
    out += QStringLiteral("Samples   %1 loaded (train %2, val %3, test %4), %5 issue(s)\n")
               .arg(samples).arg(perSplit[0]).arg(perSplit[1]).arg(perSplit[2]).arg(issues.size());
    out += QStringLiteral("Coverage ");
    for (Modality m : kAllModalities) {
        const int n = withModality[std::size_t(m)];
        out += QStringLiteral("  %1 %2 (%3%)").arg(modalityName(m)).arg(n)
                   .arg(samples ? 100.0 * n / samples : 0.0, 0, 'f', 1);
    }
    out += QStringLiteral("\nTask      %1\n").arg(taskReason);
    if (task == QLatin1String("regress")) {
        out += QStringLiteral("Targets   %1%2\n").arg(targets.size())
                   .arg(unlabeled ? QStringLiteral(", %1 sample(s) without one").arg(unlabeled) : QString());
        for (const TargetStats &t : targets)
            out += QStringLiteral("  %1 %2 values, %3 .. %4, mean %5\n").arg(t.name, -10).arg(t.count, 7)
                       .arg(t.min, 0, 'g', 5).arg(t.max, 0, 'g', 5).arg(t.mean, 0, 'g', 5);
        if (!issues.isEmpty()) {
            out += QStringLiteral("Issues\n");
            for (const DataIssue &issue : issues)
                out += QStringLiteral("  %1\n").arg(issue.toString());
        }
        return out;
    }
    const bool tagged = task == QLatin1String("multilabel");
    out += QStringLiteral("%1   %2%3\n").arg(tagged ? QStringLiteral("Tags   ") : QStringLiteral("Classes")).arg(labels.size())
               .arg(unlabeled ? QStringLiteral(", %1 unlabeled sample(s)").arg(unlabeled) : QString());
    int width = 5;
    for (const QString &label : labels)
        width = std::max(width, int(label.size()));
    out += QStringLiteral("  %1 %2 %3 %4\n").arg(tagged ? QStringLiteral("tag") : QStringLiteral("class"), -width)
               .arg(QStringLiteral("train"), 7).arg(QStringLiteral("val"), 7).arg(QStringLiteral("test"), 7);
    for (auto it = classCounts.constBegin(); it != classCounts.constEnd(); ++it)
        out += QStringLiteral("  %1 %2 %3 %4\n").arg(it.key(), -width)
                   .arg(it.value()[0], 7).arg(it.value()[1], 7).arg(it.value()[2], 7);
    if (!issues.isEmpty()) {
        out += QStringLiteral("Issues\n");
        for (const DataIssue &issue : issues)
            out += QStringLiteral("  %1\n").arg(issue.toString());
    }
    return out;
}
