#include "ui/train/runhistorylist.h"

#include "ui/train/runreportactions.h"
#include "ui/widgets/notelabel.h"

#include <QtCore/QDir>
#include <QtCore/QSet>
#include <QtCore/QUrl>
#include <QtGui/QDesktopServices>
#include <QtWidgets/QListWidget>
#include <QtWidgets/QMenu>
#include <QtWidgets/QStyle>
#include <QtWidgets/QVBoxLayout>

namespace {

constexpr int kDirRole = Qt::UserRole;

} // namespace

RunHistoryList::RunHistoryList(QWidget *parent) : QWidget(parent)
{
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("runHistoryList"));
    m_list->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_list->setContextMenuPolicy(Qt::CustomContextMenu);
    m_list->setToolTip(tr("Runs in the runs folder. Select several (Ctrl-click) to overlay their curves and "
                          "compare their configurations."));
    m_empty = new NoteLabel(this);
    m_empty->setText(tr("No runs yet: finished and interrupted runs appear here."));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_empty);

    connect(m_list, &QListWidget::itemSelectionChanged, this, &RunHistoryList::selectionChanged);
    connect(m_list, &QListWidget::customContextMenuRequested, this, &RunHistoryList::showContextMenu);
    connect(m_list, &QListWidget::itemDoubleClicked, this, [this](QListWidgetItem *item) {
        const RunRecord run = runhistory::readRun(item->data(kDirRole).toString());
        if (run.status == RunRecord::Status::Resumable)
            Q_EMIT resumeRequested(run.dir);
    });
}

void RunHistoryList::setRunsDirectory(const QString &dir)
{
    if (dir == m_dir)
        return;
    m_dir = dir;
    m_list->clearSelection();
    refresh();
}

void RunHistoryList::refresh()
{
    QSet<QString> selected;
    for (const QListWidgetItem *item : m_list->selectedItems())
        selected.insert(item->data(kDirRole).toString());
    m_runs.clear();
    for (const QString &dir : runhistory::runDirs(m_dir))
        m_runs << runhistory::readRun(dir);

    {
        const QSignalBlocker blocker(m_list);
        m_list->clear();
        for (const RunRecord &run : std::as_const(m_runs)) {
            const QString fusion = run.hasConfig ? run.config.model.fusion : QString();
            const bool active = run.dir == m_activeRun;
            auto *item = new QListWidgetItem(
                QStringLiteral("%1\n%2").arg(run.name, active ? tr("training…") : run.statusText()), m_list);
            item->setData(kDirRole, run.dir);
            const QStyle::StandardPixmap icon = active                                      ? QStyle::SP_MediaPlay
                                                : run.status == RunRecord::Status::Finished    ? QStyle::SP_DialogApplyButton
                                                : run.status == RunRecord::Status::Resumable ? QStyle::SP_MediaPause
                                                                                             : QStyle::SP_MessageBoxWarning;
            item->setIcon(style()->standardIcon(icon, nullptr, m_list));
            QString tip = QDir::toNativeSeparators(run.dir);
            if (run.hasConfig) {
                tip += tr("\n%1 fusion, dim %2, %3 epochs, batch %4, learning rate %5")
                           .arg(fusion)
                           .arg(run.config.model.dim)
                           .arg(run.config.train.epochs)
                           .arg(run.config.train.batchSize)
                           .arg(run.config.train.learningRate);
            } else if (!run.error.isEmpty()) {
                tip += QStringLiteral("\n") + run.error;
            }
            item->setToolTip(tip);
            item->setSelected(selected.contains(run.dir));
        }
    }
    m_empty->setVisible(m_runs.isEmpty());
    QSet<QString> nowSelected;
    for (const QListWidgetItem *item : m_list->selectedItems())
        nowSelected.insert(item->data(kDirRole).toString());
    if (nowSelected != selected)
        Q_EMIT selectionChanged();
}

void RunHistoryList::setActiveRun(const QString &runDir)
{
    if (runDir == m_activeRun)
        return;
    m_activeRun = runDir;
    refresh();
}

QList<RunRecord> RunHistoryList::selectedRuns() const
{
    QList<RunRecord> result;
    for (int row = 0; row < m_list->count(); ++row) {
        if (m_list->item(row)->isSelected() && row < m_runs.size())
            result << m_runs.at(row);
    }
    return result;
}

void RunHistoryList::selectRuns(const QStringList &runDirs)
{
    {
        const QSignalBlocker blocker(m_list);
        for (int row = 0; row < m_list->count(); ++row) {
            QListWidgetItem *item = m_list->item(row);
            item->setSelected(runDirs.contains(item->data(kDirRole).toString()));
        }
    }
    Q_EMIT selectionChanged();
}

int RunHistoryList::runCount() const
{
    return int(m_runs.size());
}

QStringList RunHistoryList::runDirs() const
{
    QStringList dirs;
    for (const RunRecord &run : m_runs)
        dirs << run.dir;
    return dirs;
}

void RunHistoryList::showContextMenu(const QPoint &pos)
{
    QListWidgetItem *item = m_list->itemAt(pos);
    if (!item)
        return;
    const RunRecord run = runhistory::readRun(item->data(kDirRole).toString());
    QMenu menu(this);
    QAction *resume = menu.addAction(tr("&Resume This Run"));
    resume->setEnabled(run.status == RunRecord::Status::Resumable);
    QAction *model = menu.addAction(tr("Open &Model in the Model Tab"));
    model->setEnabled(run.status == RunRecord::Status::Finished);
    QAction *folder = menu.addAction(tr("Show &Folder"));
    menu.addSeparator();
    runreportactions::addActions(&menu, this, run.dir);
    QAction *chosen = menu.exec(m_list->viewport()->mapToGlobal(pos));
    if (chosen == resume)
        Q_EMIT resumeRequested(run.dir);
    else if (chosen == model)
        Q_EMIT openModelRequested(runfiles::modelPath(run.dir));
    else if (chosen == folder)
        QDesktopServices::openUrl(QUrl::fromLocalFile(run.dir));
}
