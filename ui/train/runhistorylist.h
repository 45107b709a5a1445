#pragma once

#include "ui/train/runhistory.h"

#include <QtWidgets/QWidget>

class NoteLabel;
class QListWidget;
class QToolButton;

/**
 * The runs found in the runs directory, newest first, with their status (finished with
 * test accuracy, resumable, incomplete). Several can be selected to compare. GUI thread.
 */
class RunHistoryList final : public QWidget
{
    Q_OBJECT
public:
    explicit RunHistoryList(QWidget *parent = nullptr);

    void setRunsDirectory(const QString &dir);
    QString runsDirectory() const { return m_dir; }
    /** Re-reads the folder, keeping the selection of runs that still exist. */
    void refresh();
    QList<RunRecord> selectedRuns() const;
    /** Selects exactly these run folders (others are deselected). */
    void selectRuns(const QStringList &runDirs);
    int runCount() const;
    QStringList runDirs() const;
    QListWidget *list() const { return m_list; }
    /** The run being trained now (shown as running, not as interrupted); empty for none. */
    void setActiveRun(const QString &runDir);

Q_SIGNALS:
    void selectionChanged();
    /** From the context menu or a double-click on a resumable run. */
    void resumeRequested(const QString &runDir);
    /** From the context menu on a finished run. */
    void openModelRequested(const QString &modelPath);

private:
    void showContextMenu(const QPoint &pos);

    QString m_dir;
    QString m_activeRun;
    QListWidget *m_list;
    NoteLabel *m_empty;
    QList<RunRecord> m_runs;
};
