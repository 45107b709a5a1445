#include "core/data/manifestbuilder.h"

#include "core/data/textcheck.h"

#include <algorithm>
#include <cmath>
#include <limits>

ManifestBuilder::ManifestBuilder(Manifest *manifest)
    : m_manifest(manifest)
{
}

void ManifestBuilder::reserve(int rows)
{
    m_manifest->samples.reserve(std::size_t(rows));
    m_idLines.reserve(rows);
}

void ManifestBuilder::issue(int line, const QString &sampleId, const QString &reason)
{
    m_manifest->issues.append(DataIssue{sampleId, m_manifest->path, line, reason});
}

void ManifestBuilder::unknownColumn(const QString &column, int line, const QString &sampleId)
{
    if (m_reportedColumns.contains(column))
        return;
    m_reportedColumns.insert(column);
    issue(line, sampleId, QStringLiteral("unknown column \"%1\" ignored (map it with --map FIELD=%1)").arg(column));
}

void ManifestBuilder::add(CheckedRow &&row)
{
    if (row.parsed) {
        for (const QString &column : std::as_const(row.unknownColumns))
            unknownColumn(column, row.line, row.id);
        const auto first = m_idLines.constFind(row.id);
        if (first != m_idLines.constEnd()) {
            // The first occurrence wins; the duplicate's own problems no longer matter.
            issue(row.line, row.id,
                  QStringLiteral("duplicate id \"%1\" (first on line %2); line skipped").arg(row.id).arg(*first));
            return;
        }
        m_idLines.insert(row.id, row.line);
    }
    m_manifest->issues.append(row.issues);
    if (!row.keep)
        return;
    if (!row.sample.label.isEmpty()) {
        // Share one copy of each class name across samples.
        const auto known = m_labels.constFind(row.sample.label);
        if (known != m_labels.constEnd())
            row.sample.label = *known;
        else
            m_labels.insert(row.sample.label);
    }
    m_manifest->samples.push_back(std::move(row.sample));
}

void ManifestBuilder::labelIssue(const SampleRecord &sample, const QString &reason)
{
    m_manifest->issues.append(DataIssue{sample.id, m_manifest->path, sample.line, reason, QStringLiteral("label")});
}

TaskKind ManifestBuilder::chooseTask(TaskRequest request, const QString &tagSeparator)
{
    int objects = 0;
    int lists = 0;
    int separated = 0;
    int scalars = 0;
    int numbers = 0;
    bool fractional = false;
    for (const SampleRecord &sample : m_manifest->samples) {
        if (!sample.labelFields.isEmpty()) {
            ++objects;
        } else if (!sample.labelTags.isEmpty()) {
            ++lists;
        } else if (!sample.label.isEmpty()) {
            ++scalars;
            separated += !tagSeparator.isEmpty() && sample.label.contains(tagSeparator) ? 1 : 0;
            bool ok = false;
            const double value = sample.label.toDouble(&ok);
            if (ok && std::isfinite(value)) {
                ++numbers;
                fractional = fractional || value != std::floor(value);
            }
        }
    }
    QString &reason = m_manifest->taskReason;
    switch (request) {
    case TaskRequest::Classify: reason = QStringLiteral("classify (as asked)"); return TaskKind::Classify;
    case TaskRequest::Regress: reason = QStringLiteral("regress (as asked)"); return TaskKind::Regress;
    case TaskRequest::Multilabel: reason = QStringLiteral("multilabel (as asked)"); return TaskKind::Multilabel;
    case TaskRequest::Auto: break;
    }
    if (lists > 0 && lists >= objects) {
        reason = QStringLiteral("multilabel (inferred: labels are lists of tags)");
        return TaskKind::Multilabel;
    }
    if (objects > 0) {
        reason = QStringLiteral("regress (inferred: labels are objects of named numbers)");
        return TaskKind::Regress;
    }
    const int distinct = int(m_labels.size());
    if (scalars > 0 && numbers == scalars) {
        if (fractional || distinct > kMaxIntegerClassLabels) {
            reason = QStringLiteral("regress (inferred: every label is a number; %1 distinct values%2)")
                         .arg(distinct)
                         .arg(fractional ? QStringLiteral(", not all integers") : QString());
            return TaskKind::Regress;
        }
        reason = QStringLiteral("classify (inferred: the labels are %1 distinct integers, read as class ids; "
                                "--task regress reads them as numbers)").arg(distinct);
        return TaskKind::Classify;
    }
    if (separated > 0) {
        reason = QStringLiteral("multilabel (inferred: %1 label(s) hold tags separated by \"%2\"; --task classify reads "
                                "them as class names)").arg(separated).arg(tagSeparator);
        return TaskKind::Multilabel;
    }
    reason = scalars > 0 ? QStringLiteral("classify (inferred: the labels are class names)")
                         : QStringLiteral("classify (no sample has a label)");
    return TaskKind::Classify;
}

void ManifestBuilder::fillTargets()
{
    // Named targets: the union of every object label's keys (sorted, as JSON objects are);
    // scalar labels: one target called "label".
    QSet<QString> keys;
    for (const SampleRecord &sample : m_manifest->samples) {
        for (auto it = sample.labelFields.constBegin(); it != sample.labelFields.constEnd(); ++it)
            keys.insert(it.key());
    }
    QStringList names(keys.cbegin(), keys.cend());
    std::sort(names.begin(), names.end());
    const bool named = !names.isEmpty();
    if (!named)
        names = QStringList{QStringLiteral("label")};
    m_manifest->targetNames = names;
    const float missing = std::numeric_limits<float>::quiet_NaN();
    for (SampleRecord &sample : m_manifest->samples) {
        if (!sample.labelFields.isEmpty()) {
            sample.targets.assign(std::size_t(names.size()), missing);
            QStringList shown;
            bool any = false;
            for (auto it = sample.labelFields.constBegin(); it != sample.labelFields.constEnd(); ++it) {
                const QJsonValue value = it.value();
                if (!value.isDouble() || !std::isfinite(value.toDouble())) {
                    labelIssue(sample, QStringLiteral("target \"%1\" is %2, not a number; that target is missing for this sample")
                                           .arg(it.key(), value.isString() ? QStringLiteral("\"%1\"").arg(value.toString())
                                                                           : QStringLiteral("not a number")));
                    continue;
                }
                sample.targets[std::size_t(names.indexOf(it.key()))] = float(value.toDouble());
                shown << QStringLiteral("%1 %2").arg(it.key()).arg(value.toDouble(), 0, 'g', 6);
                any = true;
            }
            if (!any)
                sample.targets.clear();
            sample.label = shown.join(QStringLiteral(", "));
            sample.labelFields = QJsonObject();
        } else if (!sample.label.isEmpty()) {
            bool ok = false;
            const double value = sample.label.toDouble(&ok);
            if (named) {
                labelIssue(sample, QStringLiteral("\"%1\" is one value, but the other samples name their targets (%2); "
                                                  "sample kept unlabeled").arg(sample.label, names.join(QStringLiteral(", "))));
                sample.label.clear();
            } else if (!ok || !std::isfinite(value)) {
                labelIssue(sample, QStringLiteral("\"%1\" is not a number (the task is regress); sample kept unlabeled")
                                       .arg(sample.label));
                sample.label.clear();
            } else {
                sample.targets = {float(value)};
            }
        }
    }
}

void ManifestBuilder::refuseOtherLabelKinds(TaskKind kind)
{
    const QString task = taskName(kind);
    for (SampleRecord &sample : m_manifest->samples) {
        if (!sample.labelFields.isEmpty() && kind != TaskKind::Regress) {
            labelIssue(sample, QStringLiteral("is an object of numbers, which the %1 task cannot use; "
                                              "sample kept unlabeled (--task regress reads it)").arg(task));
            sample.labelFields = QJsonObject();
        } else if (!sample.labelTags.isEmpty() && kind != TaskKind::Multilabel) {
            labelIssue(sample, QStringLiteral("is a list of tags, which the %1 task cannot use; "
                                              "sample kept unlabeled (--task multilabel reads it)").arg(task));
            sample.labelTags.clear();
        }
    }
}

void ManifestBuilder::fillTags(const QString &tagSeparator)
{
    // Every sample's tags, from its list or its text split at the separator; then the union, sorted.
    QSet<QString> known;
    for (SampleRecord &sample : m_manifest->samples) {
        if (sample.labelTags.isEmpty() && !sample.label.isEmpty()) {
            const QStringList pieces = tagSeparator.isEmpty() ? QStringList{sample.label} : sample.label.split(tagSeparator);
            QSet<QString> seen;
            bool blank = false;
            for (const QString &piece : pieces) {
                const QString tag = piece.trimmed();
                blank = blank || tag.isEmpty();
                if (!tag.isEmpty() && !seen.contains(tag)) {
                    seen.insert(tag);
                    sample.labelTags << tag;
                }
            }
            if (sample.labelTags.isEmpty())
                labelIssue(sample, QStringLiteral("\"%1\" is an empty tag set; sample kept unlabeled").arg(sample.label));
            else if (blank)
                labelIssue(sample, QStringLiteral("\"%1\" has an empty tag between separators; ignored").arg(sample.label));
        }
        for (const QString &tag : std::as_const(sample.labelTags))
            known.insert(tag);
    }
    QStringList tags(known.cbegin(), known.cend());
    std::sort(tags.begin(), tags.end(), naturalLess);
    QHash<QString, int> column;
    for (int k = 0; k < tags.size(); ++k)
        column.insert(tags.at(k), k);
    m_manifest->targetNames = tags;
    for (SampleRecord &sample : m_manifest->samples) {
        if (sample.labelTags.isEmpty()) {
            sample.label.clear();
            continue;
        }
        sample.targets.assign(std::size_t(tags.size()), 0.0f);
        for (const QString &tag : std::as_const(sample.labelTags))
            sample.targets[std::size_t(column.value(tag))] = 1.0f;
        QStringList inOrder; // shown in the tags' order, whatever order the row wrote them in
        for (int k = 0; k < tags.size(); ++k) {
            if (sample.targets[std::size_t(k)] > 0.0f)
                inOrder << tags.at(k);
        }
        sample.label = inOrder.join(tagSeparator.isEmpty() ? QString(QLatin1Char(kDefaultTagSeparator)) : tagSeparator);
        sample.labelTags.clear();
    }
}

void ManifestBuilder::finish(TaskRequest task, const QString &tagSeparator)
{
    m_manifest->task = chooseTask(task, tagSeparator);
    refuseOtherLabelKinds(m_manifest->task);
    if (m_manifest->task == TaskKind::Regress) {
        fillTargets();
        m_manifest->labels.clear();
        return;
    }
    if (m_manifest->task == TaskKind::Multilabel) {
        fillTags(tagSeparator);
        m_manifest->labels.clear();
        return;
    }
    QStringList labels(m_labels.cbegin(), m_labels.cend());
    std::sort(labels.begin(), labels.end(), naturalLess);
    m_manifest->labels = labels;
}
