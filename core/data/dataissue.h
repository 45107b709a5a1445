#pragma once

#include <QtCore/QList>
#include <QtCore/QString>

/** One problem found while loading a dataset: which sample, where, and why. The load goes on. */
struct DataIssue
{
    QString sampleId; ///< empty when the line could not be parsed far enough to read an id
    QString file;     ///< the manifest the line belongs to (or, with line 0, the file at fault)
    int line = 0;     ///< 1-based manifest line; 0 when not tied to a line
    QString reason;
    // Braced, so the many four-member initialisers ({id, file, line, reason}) stay warning-free.
    QString field{};  ///< the manifest field at fault ("image", "text_file", "label" …); empty: the whole line
    QString path{};   ///< the field's path as the manifest wrote it; empty when the field is no path

    /** `manifest.jsonl:51 [s0051]: image "images/trunc.png": truncated PNG`: always the
        manifest's line first, so a decoder's message never reads as a line of the image. */
    QString toString() const;
};

using DataIssues = QList<DataIssue>;
