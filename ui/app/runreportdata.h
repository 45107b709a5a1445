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

    /** The records of one type ("step" or "epoch"), in file order. */
    QList<QJsonObject> records(const QString &type) const;

    /**
     * Reads `runDir`. Succeeds when config.json or metrics.jsonl exists (a run in progress has
     * no report.json yet); false with a sentence naming the folder or file otherwise.
     */
    static bool load(const QString &runDir, RunReportData *data, QString *error);
};
