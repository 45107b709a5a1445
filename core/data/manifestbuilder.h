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
    /** Sorts the labels; call once after the last row. */
    void finish();

private:
    Manifest *m_manifest;
    QHash<QString, int> m_idLines;
    QSet<QString> m_reportedColumns;
    QSet<QString> m_labels;
};
