#pragma once

#include "core/data/dataset.h"
#include "core/data/manifest.h"

#include <QtWidgets/QMainWindow>
#include <memory>

class DataPanel;
class DatasetController;
class EmbedPanel;
class ErrorBanner;
class InspectPanel;
class LoadProgressWidget;
class NoticeBar;
class ModelPanel;
class QLabel;
class QMenu;
class QTabWidget;
class TrainPanel;

/**
 * The FusionScope main window (GUI thread): menus, the panel tabs (Data now; Model, Train
 * and Inspect join the same QTabWidget later), the error banner, the status bar with load
 * progress, drag-and-drop of datasets, and persisted window state.
 */
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    /** Opens `path` if given, else the last dataset, else the demo dataset. */
    void openInitialDataset(const QString &path = {});
    /** Starts loading a dataset folder or manifest file; the window stays responsive. */
    void openDataset(const QString &path);

    DatasetController *datasetController() const { return m_controller; }
    /** The central tabs, for panels added later. */
    QTabWidget *panelTabs() const { return m_tabs; }
    /** Opens a model file in the Inspect and Embeddings tabs and shows Inspect. */
    void openModel(const QString &path);
    InspectPanel *inspectPanel() const { return m_inspectPanel; }
    ModelPanel *modelPanel() const { return m_modelPanel; }
    TrainPanel *trainPanel() const { return m_trainPanel; }
    EmbedPanel *embedPanel() const { return m_embedPanel; }
    NoticeBar *noticeBar() const { return m_notices; }

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void createMenus();
    void rebuildRecentMenu();
    void chooseDatasetFolder();
    void chooseManifestFile();
    void chooseModelFile();
    void showAbout();
    void restoreWindowState();
    void saveWindowState();
    /** Asks whether to stop a running training run; on yes stops it with a checkpoint. False = keep the window. */
    bool stopTrainingForClose();

    void onLoadStarted(const QString &path);
    void onManifestReady(std::shared_ptr<const Manifest> manifest);
    void onDatasetReady(std::shared_ptr<const Dataset> dataset);
    void onLoadFailed(const QString &message, const QString &details);
    void onLoadCancelled();

    DatasetController *m_controller;
    ErrorBanner *m_banner;
    NoticeBar *m_notices; ///< setup advice (no CJK font, a slow BLAS), each shown once
    QTabWidget *m_tabs;
    DataPanel *m_dataPanel;
    LoadProgressWidget *m_progress;
    QLabel *m_summaryLabel;
    QMenu *m_recentMenu = nullptr;
    qint64 m_loadStartedMs = 0;
    InspectPanel *m_inspectPanel = nullptr;
    ModelPanel *m_modelPanel = nullptr;
    TrainPanel *m_trainPanel = nullptr;
    EmbedPanel *m_embedPanel = nullptr;
};
