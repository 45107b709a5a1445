#pragma once

#include "core/data/dataset.h"
#include "core/data/manifest.h"
#include "core/util/progress.h"

#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtCore/QThread>
#include <memory>

class DatasetLoadWorker;

/**
 * Opens datasets without blocking the GUI: owns the worker QThread and its
 * DatasetLoadWorker, forwards only the answers of the newest request. Lives on the GUI thread.
 */
class DatasetController final : public QObject
{
    Q_OBJECT
public:
    explicit DatasetController(QObject *parent = nullptr);
    /** Cancels a running load, then quits and joins the worker thread. */
    ~DatasetController() override;

    /**
     * Starts loading `path` (folder or manifest file), reading its labels as `task` asks
     * (Auto: inferred); supersedes a load in progress.
     */
    void open(const QString &path, TaskRequest task = TaskRequest::Auto);
    /** Asks the running load to stop; the manifest already read stays shown. */
    void cancel();

    bool isLoading() const { return m_loading; }
    QString path() const { return m_path; }
    /** How the current (or last) load reads the labels. */
    TaskRequest taskRequest() const { return m_task; }
    std::shared_ptr<const Manifest> manifest() const { return m_manifest; }
    /** nullptr until decoding finished. */
    std::shared_ptr<const Dataset> dataset() const { return m_dataset; }

Q_SIGNALS:
    void loadStarted(const QString &path);
    void manifestReady(std::shared_ptr<const Manifest> manifest);
    void progressChanged(const Progress &progress);
    void datasetReady(std::shared_ptr<const Dataset> dataset);
    void loadFailed(const QString &message, const QString &details);
    void loadCancelled();
    /** After datasetReady, loadFailed or loadCancelled: the controller is idle again. */
    void loadFinished();

private:
    void onManifestRead(int generation, std::shared_ptr<const Manifest> manifest);
    void onProgress(int generation, const Progress &progress);
    void onDatasetLoaded(int generation, std::shared_ptr<const Dataset> dataset);
    void onFailed(int generation, const QString &message, const QString &details);
    void onCancelled(int generation);
    void finish();

    QThread m_thread;
    DatasetLoadWorker *m_worker = nullptr; // owned by m_thread's finished() → deleteLater
    std::shared_ptr<CancelFlag> m_cancel;
    int m_generation = 0;
    bool m_loading = false;
    QString m_path;
    TaskRequest m_task = TaskRequest::Auto;
    std::shared_ptr<const Manifest> m_manifest;
    std::shared_ptr<const Dataset> m_dataset;
};
