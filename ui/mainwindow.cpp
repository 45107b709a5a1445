#include "ui/mainwindow.h"

#include "core/train/runconfig.h"
#include "core/util/blasinfo.h"
#include "core/util/versioninfo.h"
#include "ui/data/datapanel.h"
#include "ui/data/datasetcontroller.h"
#include "ui/data/droppeddataset.h"
#include "ui/data/loadsummary.h"
#include "ui/data/recentdatasets.h"
#include "ui/embed/embedpanel.h"
#include "ui/inspect/explaincontroller.h"
#include "ui/inspect/inspectpanel.h"
#include "ui/inspect/samplenavigator.h"
#include "ui/model/droppedmodel.h"
#include "ui/model/modelpanel.h"
#include "ui/train/runreportactions.h"
#include "ui/train/trainpanel.h"
#include "ui/widgets/cjkfontcheck.h"
#include "ui/widgets/errorbanner.h"
#include "ui/widgets/loadprogresswidget.h"
#include "ui/widgets/noticebar.h"

#include <QtCore/QDateTime>
#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QMimeData>
#include <QtCore/QSettings>
#include <QtGui/QCloseEvent>
#include <QtGui/QDragEnterEvent>
#include <QtGui/QDropEvent>
#include <QtGui/QGuiApplication>
#include <QtGui/QScreen>
#include <QtWidgets/QApplication>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QLabel>
#include <QtWidgets/QMenuBar>
#include <QtWidgets/QMessageBox>
#include <QtWidgets/QStatusBar>
#include <QtWidgets/QTabWidget>
#include <QtWidgets/QVBoxLayout>

namespace {

const QString kGeometryKey = QStringLiteral("mainWindow/geometry");
const QString kStateKey = QStringLiteral("mainWindow/state");
const QString kDataLayoutKey = QStringLiteral("mainWindow/dataPanelLayout");
const QString kLastFolderKey = QStringLiteral("mainWindow/lastBrowseFolder");
const QString kLastModelFolderKey = QStringLiteral("mainWindow/lastModelFolder");
constexpr int kStateVersion = 1;

} // namespace

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(QStringLiteral("FusionScope"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/fusionscope.png")));
    setAcceptDrops(true);

    m_controller = new DatasetController(this);
    m_banner = new ErrorBanner(this);
    m_notices = new NoticeBar(this);
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("panelTabs"));
    m_dataPanel = new DataPanel(this);
    m_dataPanel->setObjectName(QStringLiteral("dataPanel"));
    m_tabs->addTab(m_dataPanel, tr("&Data"));
    // Model and Train follow Data: Train trains the Data tab's dataset on the Model tab's configs.
    m_modelPanel = new ModelPanel(this);
    m_modelPanel->setObjectName(QStringLiteral("modelPanel"));
    m_tabs->addTab(m_modelPanel, tr("&Model"));
    m_trainPanel = new TrainPanel(m_controller, m_modelPanel, this);
    m_trainPanel->setObjectName(QStringLiteral("trainPanel"));
    m_tabs->addTab(m_trainPanel, tr("&Train"));

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_banner);
    layout->addWidget(m_notices);
    layout->addWidget(m_tabs, 1);
    setCentralWidget(central);
    // main() printed the same on stderr; a window user never sees that.
    m_notices->addNotice(QStringLiteral("blas"), slowBlasWarning(currentBlas()));

    m_summaryLabel = new QLabel(this);
    m_summaryLabel->setObjectName(QStringLiteral("statusSummary"));
    m_progress = new LoadProgressWidget(this);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_summaryLabel);

    createMenus();
    restoreWindowState();

    connect(m_progress, &LoadProgressWidget::cancelRequested, m_controller, &DatasetController::cancel);
    connect(m_controller, &DatasetController::loadStarted, this, &MainWindow::onLoadStarted);
    connect(m_controller, &DatasetController::manifestReady, this, &MainWindow::onManifestReady);
    connect(m_controller, &DatasetController::progressChanged, m_progress, &LoadProgressWidget::setProgress);
    connect(m_controller, &DatasetController::datasetReady, this, &MainWindow::onDatasetReady);
    connect(m_controller, &DatasetController::loadFailed, this, &MainWindow::onLoadFailed);
    connect(m_controller, &DatasetController::loadCancelled, this, &MainWindow::onLoadCancelled);
    connect(m_controller, &DatasetController::loadFinished, m_progress, &LoadProgressWidget::finish);

    // Inspect comes after the other panels' tabs, which are added above.
    m_inspectPanel = new InspectPanel(this);
    m_inspectPanel->setObjectName(QStringLiteral("inspectPanel"));
    m_tabs->addTab(m_inspectPanel, tr("&Inspect"));
    connect(m_controller, &DatasetController::datasetReady, m_inspectPanel, &InspectPanel::setDataset);
    connect(m_inspectPanel, &InspectPanel::errorOccurred, m_banner, &ErrorBanner::showError);
    // File ▸ Export Model… copies the model the Inspect tab has open; it sits under Open Model File….
    auto *exportModel = new QAction(tr("&Export Model…"), this);
    exportModel->setObjectName(QStringLiteral("exportModelAction"));
    exportModel->setStatusTip(tr("Save a copy of the model open in the Inspect tab (with its metadata)"));
    exportModel->setEnabled(false);
    if (auto *fileMenu = qobject_cast<QMenu *>(m_recentMenu->parent()))
        fileMenu->insertAction(m_recentMenu->menuAction(), exportModel);
    connect(exportModel, &QAction::triggered, this, [this] {
        if (!m_inspectPanel->modelPath().isEmpty())
            runreportactions::exportModel(this, m_inspectPanel->modelPath());
    });
    connect(m_inspectPanel->controller(), &ExplainController::modelOpened, exportModel,
            [this, exportModel] { exportModel->setEnabled(!m_inspectPanel->modelPath().isEmpty()); });

    connect(m_controller, &DatasetController::loadStarted, m_modelPanel, [this] { m_modelPanel->setDataset(nullptr); });
    connect(m_controller, &DatasetController::datasetReady, m_modelPanel, &ModelPanel::setDataset);
    // Another task reads the same labels differently: load the dataset again (its media come from the cache).
    connect(m_modelPanel, &ModelPanel::taskRequested, this, [this](TaskRequest task) {
        if (!m_controller->path().isEmpty() && task != m_controller->taskRequest())
            m_controller->open(m_controller->path(), task);
    });
    connect(m_trainPanel, &TrainPanel::errorOccurred, m_banner, &ErrorBanner::showError);
    connect(m_trainPanel, &TrainPanel::modelTabRequested, this, [this] { m_tabs->setCurrentWidget(m_modelPanel); });
    connect(m_trainPanel, &TrainPanel::openModelRequested, this, [this](const QString &path) {
        m_tabs->setCurrentWidget(m_modelPanel);
        m_modelPanel->openModelFile(path);
    });
    // A model opened in the Model tab, or just trained, is ready to inspect.
    connect(m_modelPanel, &ModelPanel::modelFileOpened, m_inspectPanel, &InspectPanel::openModel);
    connect(m_trainPanel, &TrainPanel::runFinished, this, [this](const QString &runDir) {
        m_inspectPanel->openModel(runfiles::modelPath(runDir));
        statusBar()->showMessage(tr("Training finished: %1").arg(QDir::toNativeSeparators(runDir)), 10000);
    });
    // Embeddings follows Inspect: the same models and dataset, seen as a map and searched across modalities.
    m_embedPanel = new EmbedPanel(this);
    m_embedPanel->setObjectName(QStringLiteral("embedPanel"));
    m_tabs->addTab(m_embedPanel, tr("&Embeddings"));
    connect(m_controller, &DatasetController::datasetReady, m_embedPanel, &EmbedPanel::setDataset);
    connect(m_modelPanel, &ModelPanel::modelFileOpened, m_embedPanel, &EmbedPanel::openModel);
    connect(m_trainPanel, &TrainPanel::runFinished, m_embedPanel,
            [this](const QString &runDir) { m_embedPanel->openModel(runfiles::modelPath(runDir)); });
    connect(m_embedPanel, &EmbedPanel::errorOccurred, m_banner, &ErrorBanner::showError);
    // What a model trained without labels learnt is its embedding space: it opens on the map (Inspect
    // explains it through that embedding too, but has no prediction to show).
    connect(m_embedPanel, &EmbedPanel::modelReady, this, [this](const EmbedModelInfo &info) {
        if (!info.hasTaskOutputs && m_tabs->currentWidget() == m_inspectPanel)
            m_tabs->setCurrentWidget(m_embedPanel);
    });
    connect(m_embedPanel, &EmbedPanel::showSamplesRequested, this, [this](const QVector<int> &indices, const QString &title) {
        m_inspectPanel->showSamples(indices, title);
        m_tabs->setCurrentWidget(m_inspectPanel);
    });
    connect(m_embedPanel, &EmbedPanel::openSampleRequested, this, [this](int index) {
        SampleNavigator *navigator = m_inspectPanel->navigator();
        // Not in the list on show (another split, or a selection sent earlier): list just this one.
        if (!navigator->selectSample(index))
            m_inspectPanel->showSamples({index}, tr("opened from the retrieval panel"));
        m_tabs->setCurrentWidget(m_inspectPanel);
    });

    QMenu *trainMenu = new QMenu(tr("&Train"), this);
    trainMenu->setObjectName(QStringLiteral("trainMenu"));
    trainMenu->addActions(m_trainPanel->trainActions());
    menuBar()->insertMenu(menuBar()->actions().constLast(), trainMenu); // before Help
}

MainWindow::~MainWindow() = default;

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open Dataset…"), this, &MainWindow::chooseDatasetFolder);
    open->setObjectName(QStringLiteral("openDatasetAction"));
    open->setShortcut(QKeySequence::Open);
    open->setStatusTip(tr("Open a dataset folder holding manifest.jsonl or manifest.csv"));
    QAction *openManifest = file->addAction(tr("Open Ma&nifest File…"), this, &MainWindow::chooseManifestFile);
    openManifest->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    openManifest->setStatusTip(tr("Open a dataset by its manifest file (any .jsonl or .csv)"));
    QAction *openModelAction = file->addAction(tr("Open &Model File…"), this, &MainWindow::chooseModelFile);
    openModelAction->setObjectName(QStringLiteral("openModelAction"));
    openModelAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_M));
    openModelAction->setStatusTip(tr("Open a trained model file (.pt) in the Inspect tab"));
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_recentMenu->setObjectName(QStringLiteral("recentMenu"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::rebuildRecentMenu);
    QAction *reload = file->addAction(tr("Re&load Dataset"), this, [this] {
        if (!m_controller->path().isEmpty())
            openDataset(m_controller->path());
    });
    reload->setShortcut(QKeySequence::Refresh);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    quit->setMenuRole(QAction::QuitRole);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About FusionScope"), this, &MainWindow::showAbout)->setMenuRole(QAction::AboutRole);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt)->setMenuRole(QAction::AboutQtRole);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = RecentDatasets::list();
    for (int i = 0; i < recent.size(); ++i) {
        const QString path = recent.at(i);
        const QString shown = QDir::toNativeSeparators(path).replace(QLatin1Char('&'), QStringLiteral("&&"));
        QAction *action = m_recentMenu->addAction(i < 9 ? QStringLiteral("&%1  %2").arg(i + 1).arg(shown) : shown);
        action->setData(path);
        connect(action, &QAction::triggered, this, [this, path] { openDataset(path); });
    }
    if (recent.isEmpty())
        m_recentMenu->addAction(tr("No recent datasets"))->setEnabled(false);
    m_recentMenu->addSeparator();
    QAction *clear = m_recentMenu->addAction(tr("Clear Recent Datasets"), this, [this] {
        RecentDatasets::clear();
        rebuildRecentMenu();
    });
    clear->setEnabled(!recent.isEmpty());
}

void MainWindow::openInitialDataset(const QString &path)
{
    if (!path.isEmpty()) {
        openDataset(path);
        return;
    }
    const QStringList recent = RecentDatasets::list();
    if (!recent.isEmpty()) {
        openDataset(recent.first());
        return;
    }
    const QString demo = RecentDatasets::demoDataset();
    if (!demo.isEmpty())
        openDataset(demo);
}

void MainWindow::openDataset(const QString &path)
{
    m_banner->dismiss();
    m_controller->open(QDir::cleanPath(QFileInfo(path).absoluteFilePath()), m_modelPanel->taskRequest());
}

void MainWindow::chooseDatasetFolder()
{
    QSettings settings;
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Open Dataset Folder"),
                                                             settings.value(kLastFolderKey, QDir::homePath()).toString());
    if (folder.isEmpty())
        return;
    settings.setValue(kLastFolderKey, QFileInfo(folder).absolutePath());
    openDataset(folder);
}

void MainWindow::chooseManifestFile()
{
    QSettings settings;
    const QString file = QFileDialog::getOpenFileName(
        this, tr("Open Manifest File"), settings.value(kLastFolderKey, QDir::homePath()).toString(),
        tr("Manifests (*.jsonl *.csv);;All files (*)"));
    if (file.isEmpty())
        return;
    settings.setValue(kLastFolderKey, QFileInfo(file).absolutePath());
    openDataset(file);
}

void MainWindow::chooseModelFile()
{
    QSettings settings;
    const QString file = QFileDialog::getOpenFileName(
        this, tr("Open Model File"), settings.value(kLastModelFolderKey, QDir::homePath()).toString(),
        tr("TorchScript models (*.pt *.pth *.torchscript);;All files (*)"));
    if (file.isEmpty())
        return;
    settings.setValue(kLastModelFolderKey, QFileInfo(file).absolutePath());
    openModel(file);
}

void MainWindow::openModel(const QString &path)
{
    m_banner->dismiss();
    m_tabs->setCurrentWidget(m_inspectPanel);
    m_inspectPanel->openModel(path);
    m_embedPanel->openModel(path);
    statusBar()->showMessage(tr("Opening model %1…").arg(QDir::toNativeSeparators(path)), 5000);
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About FusionScope"),
                       tr("<h3>FusionScope %1</h3>"
                          "<p>A workbench for multimodal deep learning: open paired text, image and audio "
                          "samples, train fusion models and see why they decide.</p><p>%2</p>")
                           .arg(QCoreApplication::applicationVersion(), versionReport().toHtmlEscaped()));
}

void MainWindow::onLoadStarted(const QString &path)
{
    m_loadStartedMs = QDateTime::currentMSecsSinceEpoch();
    m_progress->start(tr("Reading manifest…"));
    m_dataPanel->showOpening(path);
    statusBar()->showMessage(tr("Opening %1…").arg(QDir::toNativeSeparators(path)));
}

void MainWindow::onManifestReady(std::shared_ptr<const Manifest> manifest)
{
    // Remember the folder when its manifest is the standard one, else the manifest file itself.
    const bool standard = findManifest(manifest->root) == manifest->path;
    RecentDatasets::add(standard ? manifest->root : manifest->path);
    setWindowTitle(tr("%1 — FusionScope").arg(QFileInfo(manifest->root).fileName()));
    m_dataPanel->setManifest(manifest);
    m_notices->addNotice(QStringLiteral("cjk-font"), cjkfontcheck::noteFor(*manifest));
    m_summaryLabel->setText(summarizeLoad(*manifest, manifest->issues).text(/*decoded=*/false));
    m_progress->start(tr("Decoding…"));
    statusBar()->clearMessage();
}

void MainWindow::onDatasetReady(std::shared_ptr<const Dataset> dataset)
{
    m_dataPanel->setDataset(dataset);
    m_summaryLabel->setText(summarizeLoad(dataset->manifest(), dataset->issues()).text());
    const double seconds = double(QDateTime::currentMSecsSinceEpoch() - m_loadStartedMs) / 1000.0;
    const CacheStats &cache = dataset->cacheStats();
    statusBar()->showMessage(tr("Loaded %1 in %2 s (%3 files decoded, %4 from the cache)")
                                 .arg(QFileInfo(dataset->root()).fileName())
                                 .arg(seconds, 0, 'f', 1)
                                 .arg(groupedNumber(cache.decoded), groupedNumber(cache.reused)),
                             10000);
}

void MainWindow::onLoadFailed(const QString &message, const QString &details)
{
    m_banner->showError(message, details);
    statusBar()->clearMessage();
    if (!m_controller->manifest())
        m_dataPanel->clear();
}

void MainWindow::onLoadCancelled()
{
    statusBar()->showMessage(m_controller->manifest()
                                 ? tr("Decoding cancelled: the samples are listed, but tokens and decoded "
                                      "features are unavailable until the dataset is reloaded (F5).")
                                 : tr("Loading cancelled."));
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (!droppedDatasetPath(event->mimeData()).isEmpty() || !droppedModelPath(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QString model = droppedModelPath(event->mimeData());
    if (!model.isEmpty()) {
        event->acceptProposedAction();
        openModel(model);
        return;
    }
    const QString path = droppedDatasetPath(event->mimeData());
    if (path.isEmpty())
        return;
    event->acceptProposedAction();
    openDataset(path);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (!stopTrainingForClose()) {
        event->ignore();
        return;
    }
    saveWindowState();
    m_controller->cancel();
    QMainWindow::closeEvent(event);
}

void MainWindow::restoreWindowState()
{
    QSettings settings;
    if (!restoreGeometry(settings.value(kGeometryKey).toByteArray())) {
        const QRect screen = QGuiApplication::primaryScreen() ? QGuiApplication::primaryScreen()->availableGeometry()
                                                              : QRect(0, 0, 1600, 1000);
        resize(std::min(1440, screen.width() * 9 / 10), std::min(900, screen.height() * 9 / 10));
    }
    restoreState(settings.value(kStateKey).toByteArray(), kStateVersion);
    m_dataPanel->restoreLayout(settings.value(kDataLayoutKey).toByteArray());
}

void MainWindow::saveWindowState()
{
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState(kStateVersion));
    settings.setValue(kDataLayoutKey, m_dataPanel->saveLayout());
}

bool MainWindow::stopTrainingForClose()
{
    if (!m_trainPanel || !m_trainPanel->isTraining())
        return true;
    const auto answer = QMessageBox::question(
        this, tr("Training in Progress"),
        tr("A training run is in progress. Stop it and quit?\n\nThe run stops after its current batch and "
           "writes a checkpoint, so Train ▸ Resume Run… can continue it later."),
        QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
    if (answer != QMessageBox::Yes)
        return false;
    // Hidden while the worker finishes its batch; the event loop keeps running meanwhile.
    saveWindowState();
    hide();
    if (!m_trainPanel->stopAndWait(120000))
        qWarning("training did not stop within two minutes; quitting anyway");
    return true;
}
