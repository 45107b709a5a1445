#pragma once

#include <cmath>

#include "core/train/runconfig.h"

#include <QtCore/QDateTime>
#include <QtCore/QJsonObject>
#include <QtCore/QList>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QVector>

/** The curves of one run as metrics.jsonl recorded them (x = optimiser step, or epoch number from 1). */
struct RunCurves
{
    QString name;
    QVector<double> steps;        ///< logged steps
    QVector<double> stepLoss;     ///< mean loss since the previous logged step
    QVector<double> learningRate;
    QVector<double> epochs;       ///< 1-based
    QVector<double> trainLoss;
    QVector<double> valLoss;      ///< NaN where the epoch had no validation
    QVector<double> valAccuracy;  ///< the task's validation score: accuracy, mean R² or mAP
    QVector<double> valRecallAt1; ///< runs that align the modalities: mean cross-modal R@1 per epoch
    TaskKind task = TaskKind::Classify; ///< what valAccuracy is (from metrics.jsonl's key)
    bool isEmpty() const { return steps.isEmpty() && epochs.isEmpty(); }
};

/** What a run folder holds, read from config.json, report.json and the files present. */
struct RunRecord
{
    enum class Status { Finished, Resumable, Incomplete };

    QString dir;
    QString name;                 ///< the folder name
    QDateTime modified;
    Status status = Status::Incomplete;
    bool hasConfig = false;
    RunConfig config;
    QString error;                ///< why config.json could not be read, empty when it could
    QJsonObject report;           ///< report.json, empty before the run finished
    double testAccuracy = -1.0;   ///< -1 when unknown (and for a regression)
    double testR2 = std::nan(""); ///< a regression's test mean R²; NaN otherwise
    double testMap = std::nan(""); ///< a multi-label model's test mAP; NaN otherwise
    double testRecallAt1 = std::nan(""); ///< a contrastive model's mean cross-modal R@1 on test; NaN otherwise
    double testProbe = std::nan("");     ///< a label-free model's linear-probe accuracy on test (all train labels); NaN otherwise

    /** "test accuracy 87.5 %", "test mean R² 0.412", "test mAP 0.903", "test R@1 41.0 %" or "no test split". */
    QString testText() const;

    /** "finished · test 87.5 %", "interrupted · resumable", ... */
    QString statusText() const;
};

/**
 * Reads run folders (config.json, metrics.jsonl, report.json) written by TrainingJob. Plain
 * file reading, cheap for the small files a run writes; called on the GUI thread.
 */
namespace runhistory {

/** Run folders directly inside `runsDir` (those holding config.json), newest first. */
QStringList runDirs(const QString &runsDir);
RunRecord readRun(const QString &runDir);
/** The curves in runDir/metrics.jsonl; unreadable lines are skipped. */
RunCurves readCurves(const QString &runDir);
/**
 * The configuration as (field, value) rows for side-by-side comparison, in a stable order:
 * model fields, then training fields, then dataset and results.
 */
QList<QPair<QString, QString>> configRows(const RunRecord &run);

} // namespace runhistory
