#include "ui/inspect/overlayexportbar.h"

#include "ui/inspect/explaincontroller.h"
#include "ui/inspect/samplenavigator.h"

#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QSettings>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QMainWindow>
#include <QtWidgets/QMenu>
#include <QtWidgets/QProgressBar>
#include <QtWidgets/QStatusBar>
#include <QtWidgets/QToolButton>

#include <algorithm>

namespace {

const QString kLastFolderKey = QStringLiteral("inspect/lastOverlayFolder");

} // namespace

OverlayExportBar::OverlayExportBar(ExplainController *controller, SampleNavigator *navigator, QWidget *parent)
    : QWidget(parent), m_controller(controller), m_navigator(navigator)
{
    auto *menu = new QMenu(this);
    menu->setObjectName(QStringLiteral("exportOverlaysMenu"));
    m_selected = menu->addAction(tr("Selected Sample…"));
    m_selected->setObjectName(QStringLiteral("exportSelectedOverlaysAction"));
    m_selected->setStatusTip(tr("Write the selected sample's overlay PNGs and JSON into a folder"));
    m_listed = menu->addAction(tr("All Listed Samples…"));
    m_listed->setObjectName(QStringLiteral("exportListedOverlaysAction"));
    m_listed->setStatusTip(tr("Write overlay PNGs and JSON for every sample the navigator lists"));
    m_button = new QToolButton(this);
    m_button->setObjectName(QStringLiteral("exportOverlaysButton"));
    m_button->setText(tr("Export Overlays"));
    m_button->setToolTip(tr("Save attention overlays (image, audio, text PNGs) and the explanation JSON, "
                            "as <b>fusionscope explain</b> writes them"));
    m_button->setMenu(menu);
    m_button->setPopupMode(QToolButton::InstantPopup);
    m_button->setToolButtonStyle(Qt::ToolButtonTextOnly);

    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("overlayExportProgress"));
    m_progress->setMaximumWidth(220);
    m_progress->hide();
    m_cancel = new QToolButton(this);
    m_cancel->setObjectName(QStringLiteral("cancelOverlayExportButton"));
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolTip(tr("Stop after the sample being written; the files written so far stay"));
    m_cancel->hide();

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_progress);
    layout->addWidget(m_cancel);
    layout->addWidget(m_button);

    connect(menu, &QMenu::aboutToShow, this, [this] {
        m_selected->setEnabled(!samples(Scope::Selected).isEmpty());
        const int listed = int(samples(Scope::Listed).size());
        m_listed->setEnabled(listed > 0);
        m_listed->setText(listed > 0 ? tr("All %n Listed Sample(s)…", nullptr, listed) : tr("All Listed Samples…"));
    });
    connect(m_selected, &QAction::triggered, this, [this] { chooseFolder(Scope::Selected); });
    connect(m_listed, &QAction::triggered, this, [this] { chooseFolder(Scope::Listed); });
    connect(m_cancel, &QToolButton::clicked, m_controller, &ExplainController::cancelOverlayExport);
    connect(m_controller, &ExplainController::overlayExportProgress, this, &OverlayExportBar::onProgress);
    connect(m_controller, &ExplainController::overlayExportFinished, this, &OverlayExportBar::onFinished);
    connect(m_controller, &ExplainController::ready, this, &OverlayExportBar::updateState);
    updateState();
}

bool OverlayExportBar::isExporting() const
{
    return m_controller->isExportingOverlays();
}

QVector<int> OverlayExportBar::samples(Scope scope) const
{
    if (!m_controller->isReady())
        return {};
    if (scope == Scope::Listed)
        return m_navigator->visibleSamples();
    const int current = m_navigator->currentSample();
    return current >= 0 ? QVector<int>{current} : QVector<int>{};
}

void OverlayExportBar::updateState()
{
    m_button->setEnabled(m_controller->isReady() && !isExporting());
}

void OverlayExportBar::chooseFolder(Scope scope)
{
    QString start = QSettings().value(kLastFolderKey).toString();
    if (start.isEmpty() || !QFileInfo(start).isDir())
        start = QDir::homePath();
    // open(), not exec(): the panel keeps answering (predictions may be arriving) while the user picks.
    auto *dialog = new QFileDialog(this, scope == Scope::Selected ? tr("Export Overlays of the Selected Sample")
                                                                  : tr("Export Overlays of the Listed Samples"),
                                   start);
    dialog->setObjectName(QStringLiteral("overlayExportDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::Directory);
    dialog->setOption(QFileDialog::ShowDirsOnly);
    connect(dialog, &QFileDialog::fileSelected, this, [this, scope](const QString &folder) {
        QSettings().setValue(kLastFolderKey, folder);
        exportTo(scope, folder);
    });
    dialog->open();
}

void OverlayExportBar::exportTo(Scope scope, const QString &folder)
{
    const QVector<int> indices = samples(scope);
    const QString name = QDir::toNativeSeparators(folder);
    if (indices.isEmpty()) {
        Q_EMIT errorOccurred(tr("No overlays exported to %1: no sample is %2.")
                                 .arg(name, scope == Scope::Selected ? tr("selected") : tr("listed")),
                             m_controller->isReady() ? QString() : tr("Open a model and a dataset first."));
        return;
    }
    m_controller->exportOverlays(indices, QDir::cleanPath(QFileInfo(folder).absoluteFilePath()));
    m_progress->setRange(0, int(indices.size()));
    m_progress->setValue(0);
    m_progress->setFormat(tr("Overlays %v/%m"));
    m_progress->setToolTip(tr("Writing overlays to %1").arg(name));
    m_progress->show();
    m_cancel->show();
    updateState();
}

void OverlayExportBar::onProgress(qint64 done, qint64 total, const QString &sampleId)
{
    m_progress->setRange(0, int(std::max<qint64>(1, total)));
    m_progress->setValue(int(done));
    if (!sampleId.isEmpty())
        m_progress->setToolTip(tr("Wrote the overlays of %1").arg(sampleId));
}

void OverlayExportBar::onFinished(const OverlayExportResult &result)
{
    m_progress->hide();
    m_cancel->hide();
    updateState();
    const QString name = QDir::toNativeSeparators(result.folder);
    if (!result.error.isEmpty())
        Q_EMIT errorOccurred(result.error, result.details);
    else if (result.cancelled)
        showStatus(tr("Overlay export cancelled: %n sample(s) written to %1", nullptr, result.samples).arg(name));
    else if (!result.warning.isEmpty())
        Q_EMIT errorOccurred(tr("Some overlays in %1 could not be drawn; their JSON files were written.").arg(name), result.warning);
    else
        showStatus(tr("Wrote %1 files for %n sample(s) to %2", nullptr, result.samples).arg(result.files.size()).arg(name));
    Q_EMIT finished(result);
}

void OverlayExportBar::showStatus(const QString &message)
{
    if (auto *window = qobject_cast<QMainWindow *>(this->window()))
        window->statusBar()->showMessage(message, 8000);
}
