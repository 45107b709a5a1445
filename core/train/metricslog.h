#pragma once

#include "core/train/trainevents.h"

#include <QtCore/QFile>
#include <QtCore/QJsonObject>
#include <QtCore/QString>
#include <QtCore/QtGlobal>

/**
 * metrics.jsonl: one compact JSON object per line, appended and flushed per record so a
 * live plot (or a killed process) never sees half a run. Owned by the training thread.
 */
class MetricsLog
{
public:
    explicit MetricsLog(QString path);

    /**
     * Opens for appending. With `keepUpToStep` ≥ 0 (a resume), first drops the records a
     * killed run wrote after its last checkpoint: step records past that step and epoch
     * records of epochs it had not finished, so the file reads as one uninterrupted run.
     */
    bool open(qint64 keepUpToStep, int keepEpochsBefore, QString *error);
    /**
     * One checked write per record; on failure (a full disk) the partial record is cut off
     * again, so the file stays whole lines, and errorString() names the file and the reason.
     */
    bool append(const QJsonObject &record);
    /** {"type":"step", epoch, step, loss, mean_loss (since the previous record), lr, samples_per_second} */
    bool appendStep(const StepReport &step, double meanLoss);
    /** {"type":"epoch", epoch, step, train_loss, val_loss, val_accuracy (regress: val_r2), seconds}; NaN becomes null. */
    bool appendEpoch(const EpochReport &epoch, qint64 step);
    QString path() const { return m_path; }
    /** The last failed append's sentence ("cannot append to …: No space left on device"). */
    QString errorString() const { return m_error; }
    /** Appends that failed so far: a caller warns on the first, not on every step. */
    int failures() const { return m_failures; }

private:
    QString m_path;
    QFile m_file;
    QString m_error;
    int m_failures = 0;
};
