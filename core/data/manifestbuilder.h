#pragma once

#include "core/data/manifest.h"
#include "core/data/manifestrow.h"

#include <QtCore/QHash>
#include <QtCore/QSet>

/**
 * Merges checked rows into a Manifest in line order: reports each unknown column once, skips
 * later duplicates of an id, collects issues and labels. Runs on the loading thread.
 */
class ManifestBuilder
{
public:
    explicit ManifestBuilder(Manifest *manifest);

    /** Room for about `rows` samples. */
    void reserve(int rows);
    void issue(int line, const QString &sampleId, const QString &reason);
    /** Reports an unknown column once, at the first line it appears on. */
    void unknownColumn(const QString &column, int line, const QString &sampleId);
    void add(CheckedRow &&row);
    /**
     * Call once after the last row: decides the task (see task.h; Auto infers it from every
     * label), turns regression labels into SampleRecord::targets with an issue for each value
     * that is not a number, tag sets (lists, or text split at `tagSeparator`) into one 0/1
     * target per tag, and sorts the class names or tags.
     */
    void finish(TaskRequest task = TaskRequest::Auto, const QString &tagSeparator = QString(QLatin1Char(kDefaultTagSeparator)));

private:
    TaskKind chooseTask(TaskRequest request, const QString &tagSeparator);
    void fillTargets();
    void fillTags(const QString &tagSeparator);
    /** Drops the label of samples whose label kind `kind` cannot read, with an issue naming the task that can. */
    void refuseOtherLabelKinds(TaskKind kind);
    void labelIssue(const SampleRecord &sample, const QString &reason);

    Manifest *m_manifest;
    QHash<QString, int> m_idLines;
    QSet<QString> m_reportedColumns;
    QSet<QString> m_labels;
};
