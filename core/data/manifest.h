#pragma once

#include "core/data/columnmap.h"
#include "core/data/dataissue.h"
#include "core/data/samplerecord.h"
#include "core/data/task.h"

#include <QtCore/QStringList>
#include <vector>

/**
 * A dataset's manifest after parsing and validation (no decoding yet). Every bad line or
 * file is a DataIssue; the samples that survive are usable.
 */
struct Manifest
{
    QString root;        ///< absolute dataset folder
    QString path;        ///< absolute manifest file
    std::vector<SampleRecord> samples;
    DataIssues issues;
    QStringList labels;  ///< sorted, unique class names of the loaded samples (empty for regress)
    TaskKind task = TaskKind::Classify;
    QStringList targetNames; ///< regress: the targets; multilabel: the tags (sorted); in the order of SampleRecord::targets
    QString taskReason;      ///< one line on how the task was chosen ("inferred: every label is a number …")

    /** Index of `label` in labels, -1 if absent (unlabeled). */
    int labelIndex(const QString &label) const;
};

/**
 * Reads `manifest.jsonl` or `manifest.csv` from a folder (or the given manifest file).
 * Never throws: an unreadable manifest gives an empty sample list and an issue saying why.
 * Checks every referenced file exists and stays inside the dataset folder; decoding
 * happens later (DatasetLoader). `task` decides how labels are read (resolveTask()).
 */
Manifest readManifest(const QString &datasetOrManifestPath, const ColumnMap &columns = {},
                      TaskRequest task = TaskRequest::Auto,
                      const QString &tagSeparator = QString(QLatin1Char(kDefaultTagSeparator)));

/** The manifest file inside a dataset folder ("" if none); accepts a manifest path too. */
QString findManifest(const QString &datasetOrManifestPath);

/** Why findManifest found none, naming what stands there instead (a FIFO, a directory, a
 *  dangling link) rather than only "no manifest.jsonl". */
QString whyNoManifest(const QString &datasetOrManifestPath);
