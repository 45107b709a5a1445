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
     * that is not a number, and sorts the class names.
     */
    void finish(TaskRequest task = TaskRequest::Auto);

private:
    TaskKind chooseTask(TaskRequest request);
    void fillTargets();
    void labelIssue(const SampleRecord &sample, const QString &reason);

    Manifest *m_manifest;
    QHash<QString, int> m_idLines;
    QSet<QString> m_reportedColumns;
    QSet<QString> m_labels;
};
