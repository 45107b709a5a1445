#pragma once

#include "core/eval/evalreport.h"

#include <QtCore/QJsonObject>
#include <QtCore/QList>
#include <QtCore/QString>
#include <QtCore/QStringList>

/**
 * What a run folder holds for a report: config.json, every metrics.jsonl record and
 * report.json, read once. Plain values; any thread may read, the GUI thread renders.
 */
struct RunReportData
{
    QString runDir;
    QJsonObject config;          ///< config.json; empty when the folder has none
    QList<QJsonObject> metrics;  ///< metrics.jsonl records in file order (step and epoch)
    QJsonObject report;          ///< report.json; empty while the run has not finished
    bool hasTest = false;        ///< report.json holds a test evaluation
    EvalReport test;
    /** Things the report should mention: unreadable metrics lines, a missing report.json. */
    QStringList notes;

    /** The run's task: its test report's, else what its epoch records score (val_r2, val_map), else classify. */
    TaskKind task() const;
    /** The test split's headline score in the task's metric: accuracy, mean R² or mAP. */
    double testScore() const;

    /** The records of one type ("step" or "epoch"), in file order. */
    QList<QJsonObject> records(const QString &type) const;

    /**
     * Reads `runDir`. Succeeds when config.json or metrics.jsonl exists (a run in progress has
     * no report.json yet); false with a sentence naming the folder or file otherwise.
     */
    static bool load(const QString &runDir, RunReportData *data, QString *error);
};
