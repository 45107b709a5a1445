#pragma once

#include "core/train/trainevents.h"
#include "core/util/progress.h"

#include <QtCore/QElapsedTimer>
#include <QtWidgets/QWidget>

class QLabel;
class QProgressBar;

/**
 * The run's progress: a bar over all steps and a line with epoch, step, samples per second
 * and the time left (from the recent step rate, paused time excluded). GUI thread.
 */
class TrainProgress final : public QWidget
{
    Q_OBJECT
public:
    explicit TrainProgress(QWidget *parent = nullptr);

    void start(const QString &what, int epochs);
    void addSteps(const QList<StepReport> &steps);
    void addEpoch(const EpochReport &report);
    /** Dataset loading or the final evaluation. */
    void setStage(const Progress &progress);
    void setPaused(bool paused);
    void finish(const QString &text, bool ok);
    QString text() const;
    QProgressBar *bar() const { return m_bar; }

    /** "1:05", "12 s", "2:03:07". */
    static QString duration(double seconds);

private:
    void updateLine();

    QProgressBar *m_bar;
    QLabel *m_line;
    QElapsedTimer m_clock;       ///< running time, stopped while paused
    qint64 m_pausedMs = 0;
    QElapsedTimer m_pausedClock;
    int m_epochs = 0;
    int m_epoch = 0;
    qint64 m_step = 0;
    qint64 m_totalSteps = 0;
    double m_samplesPerSecond = 0.0;
    double m_stepsPerSecond = 0.0;  ///< smoothed over the recent deliveries
    qint64 m_rateStep = -1;         ///< step and time of the last rate sample
    qint64 m_rateMs = 0;
    bool m_paused = false;
};
