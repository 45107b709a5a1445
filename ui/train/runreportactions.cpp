#include "ui/train/runreportactions.h"

#include "core/train/runconfig.h"
#include "core/util/modelfilecopy.h"
#include "ui/train/runreportexport.h"
#include "ui/widgets/errorbanner.h"

#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QPointer>
#include <QtCore/QSettings>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QMainWindow>
#include <QtWidgets/QMenu>
#include <QtWidgets/QMessageBox>
#include <QtWidgets/QStatusBar>

namespace {

const char kExportDirKey[] = "export/runDirectory";

using Writer = bool (*)(const QString &runDir, const QString &path, QString *error);

void tell(QWidget *parent, bool ok, const QString &path, const QString &error)
{
    QWidget *window = parent ? parent->window() : nullptr;
    if (ok) {
        if (auto *mainWindow = qobject_cast<QMainWindow *>(window))
            mainWindow->statusBar()->showMessage(QObject::tr("Saved %1").arg(QDir::toNativeSeparators(path)), 5000);
        return;
    }
    if (auto *banner = window ? window->findChild<ErrorBanner *>() : nullptr) {
        banner->showError(error);
        return;
    }
    auto *box = new QMessageBox(QMessageBox::Warning, QObject::tr("Export"), error, QMessageBox::Ok, parent);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

/** `source` (the run folder, or the model file) goes to `write`; `runDir` is where the dialog starts the first time. */
void askAndWrite(QWidget *parent, const QString &runDir, const QString &title, const QString &fileName,
                 const QString &filter, const QString &suffix, Writer write, QString source = {})
{
    if (source.isEmpty())
        source = runDir;
    QString dir = QSettings().value(QLatin1String(kExportDirKey)).toString();
    if (dir.isEmpty() || !QFileInfo(dir).isDir())
        dir = runDir;
    // open(), not exec(): the window keeps repainting (a run may be training) while the user picks a name.
    auto *dialog = new QFileDialog(parent, title, QDir(dir).filePath(fileName), filter);
    dialog->setObjectName(QStringLiteral("runExportDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(suffix);
    const QPointer<QWidget> guard(parent);
    QObject::connect(dialog, &QFileDialog::fileSelected, dialog, [guard, source, write](const QString &path) {
        QSettings().setValue(QLatin1String(kExportDirKey), QFileInfo(path).absolutePath());
        QString error;
        const bool ok = write(source, path, &error);
        tell(guard.data(), ok, path, error);
    });
    dialog->open();
}

} // namespace

void runreportactions::exportHtml(QWidget *parent, const QString &runDir)
{
    askAndWrite(parent, runDir, QObject::tr("Export Run Report"), QFileInfo(runDir).fileName() + QStringLiteral("-report.html"),
                QObject::tr("HTML report (*.html)"), QStringLiteral("html"), &runreportexport::writeHtml);
}

void runreportactions::exportMetricsCsv(QWidget *parent, const QString &runDir)
{
    askAndWrite(parent, runDir, QObject::tr("Export Metrics"), QFileInfo(runDir).fileName() + QStringLiteral("-metrics.csv"),
                QObject::tr("CSV table (*.csv)"), QStringLiteral("csv"), &runreportexport::writeMetricsCsv);
}

void runreportactions::exportModel(QWidget *parent, const QString &modelPath)
{
    const QFileInfo model(modelPath);
    // Every run's file is model.pt: name the copy after its run folder.
    const QString name = model.fileName() == QLatin1String("model.pt") ? model.dir().dirName() + QStringLiteral("-model.pt")
                                                                         : model.fileName();
    askAndWrite(parent, model.absolutePath(), QObject::tr("Export Model"), name,
                QObject::tr("TorchScript models (*.pt);;All files (*)"), QStringLiteral("pt"),
                [](const QString &source, const QString &target, QString *error) { return copyModelFile(source, target, error); },
                modelPath);
}

void runreportactions::addActions(QMenu *menu, QWidget *parent, const QString &runDir)
{
    const QString modelPath = runfiles::modelPath(runDir);
    QAction *model = menu->addAction(QObject::tr("Export Model…"));
    model->setObjectName(QStringLiteral("exportRunModelAction"));
    model->setEnabled(QFileInfo(modelPath).isFile());
    model->setStatusTip(QObject::tr("Save a copy of this run's model file (with its metadata)"));
    QObject::connect(model, &QAction::triggered, parent, [parent, modelPath] { exportModel(parent, modelPath); });
    QAction *html = menu->addAction(QObject::tr("Export Report (HTML)…"));
    html->setObjectName(QStringLiteral("exportRunReportAction"));
    QObject::connect(html, &QAction::triggered, parent, [parent, runDir] { exportHtml(parent, runDir); });
    QAction *csv = menu->addAction(QObject::tr("Export Metrics (CSV)…"));
    csv->setObjectName(QStringLiteral("exportRunMetricsAction"));
    QObject::connect(csv, &QAction::triggered, parent, [parent, runDir] { exportMetricsCsv(parent, runDir); });
}
