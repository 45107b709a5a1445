#pragma once

#include <QtCore/QList>
#include <QtCore/QString>

/** One problem found while loading a dataset: which sample, where, and why. The load goes on. */
struct DataIssue
{
    QString sampleId; ///< empty when the line could not be parsed far enough to read an id
    QString file;     ///< the manifest, or the media file that failed
    int line = 0;     ///< 1-based manifest line; 0 when not tied to a line
    QString reason;

    /** "manifest.jsonl:12 [s0007] images/s0007.png: cannot decode image" */
    QString toString() const;
};

using DataIssues = QList<DataIssue>;
