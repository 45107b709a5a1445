#include "ui/train/trainactions.h"

#include <QtGui/QAction>
#include <QtWidgets/QStyle>
#include <QtWidgets/QWidget>

namespace {

QAction *makeAction(QWidget *owner, QStyle::StandardPixmap icon, const QString &text, const char *name,
                    const QKeySequence &shortcut, const QString &tip)
{
    auto *action = new QAction(owner->style()->standardIcon(icon, nullptr, owner), text, owner);
    action->setObjectName(QLatin1String(name));
    action->setShortcut(shortcut);
    action->setStatusTip(tip);
    action->setToolTip(shortcut.isEmpty() ? tip
                                          : QStringLiteral("%1 (%2)").arg(tip, shortcut.toString(QKeySequence::NativeText)));
    return action;
}

} // namespace

TrainActions::TrainActions(QWidget *owner) : QObject(owner)
{
    m_start = makeAction(owner, QStyle::SP_MediaPlay, tr("&Start Training"), "startTrainingAction",
                         QKeySequence(Qt::CTRL | Qt::Key_R),
                         tr("Train the Model tab's configuration on the loaded dataset in a new run folder"));
    m_pause = makeAction(owner, QStyle::SP_MediaPause, tr("&Pause"), "pauseTrainingAction",
                         QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P), tr("Pause after the current batch; nothing is lost"));
    m_resume = makeAction(owner, QStyle::SP_MediaSeekForward, tr("Res&ume"), "resumeTrainingAction",
                          QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R), tr("Continue the paused run"));
    m_stop = makeAction(owner, QStyle::SP_MediaStop, tr("S&top"), "stopTrainingAction", QKeySequence(Qt::CTRL | Qt::Key_Period),
                        tr("Stop after the current batch and write a checkpoint; Resume Run… continues it later"));
    m_resumeRun = makeAction(owner, QStyle::SP_BrowserReload, tr("Resume &Run…"), "resumeRunAction", QKeySequence(),
                             tr("Continue an interrupted run folder from its last checkpoint"));
}

void TrainActions::update(TrainingController::State state, bool canStart, const QString &whyNotStart)
{
    using State = TrainingController::State;
    const bool idle = state == State::Idle;
    m_start->setEnabled(idle && canStart);
    m_start->setToolTip(whyNotStart.isEmpty() ? QStringLiteral("%1 (%2)").arg(m_start->statusTip(),
                                                                              m_start->shortcut().toString(QKeySequence::NativeText))
                                              : whyNotStart);
    m_pause->setEnabled(state == State::Running);
    m_resume->setEnabled(state == State::Paused);
    m_stop->setEnabled(state == State::Running || state == State::Paused);
    m_resumeRun->setEnabled(idle);
}
