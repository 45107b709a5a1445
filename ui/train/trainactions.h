#pragma once

#include "ui/train/trainingcontroller.h"

#include <QtCore/QList>
#include <QtCore/QObject>

class QAction;
class QWidget;

/**
 * The Train tab's actions — Start, Pause, Resume, Stop, Resume Run… — with icons, shortcuts
 * and tips, shared by the tab's toolbar and the window's Train menu. GUI thread.
 */
class TrainActions final : public QObject
{
    Q_OBJECT
public:
    /** `owner` supplies the style for the icons and parents the actions. */
    explicit TrainActions(QWidget *owner);

    QAction *start() const { return m_start; }
    QAction *pause() const { return m_pause; }
    QAction *resume() const { return m_resume; }
    QAction *stop() const { return m_stop; }
    QAction *resumeRun() const { return m_resumeRun; }
    QList<QAction *> all() const { return {m_start, m_pause, m_resume, m_stop, m_resumeRun}; }

    /** Enables what `state` allows; `whyNotStart` (plain text) explains a disabled Start. */
    void update(TrainingController::State state, bool canStart, const QString &whyNotStart);

private:
    QAction *m_start;
    QAction *m_pause;
    QAction *m_resume;
    QAction *m_stop;
    QAction *m_resumeRun;
};
