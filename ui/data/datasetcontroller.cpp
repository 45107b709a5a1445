#include "ui/data/datasetcontroller.h"

#include "ui/data/datasetloadworker.h"

DatasetController::DatasetController(QObject *parent) : QObject(parent)
{
    m_thread.setObjectName(QStringLiteral("DatasetLoader"));
    m_worker = new DatasetLoadWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &DatasetLoadWorker::manifestRead, this, &DatasetController::onManifestRead);
    connect(m_worker, &DatasetLoadWorker::progressChanged, this, &DatasetController::onProgress);
    connect(m_worker, &DatasetLoadWorker::datasetLoaded, this, &DatasetController::onDatasetLoaded);
    connect(m_worker, &DatasetLoadWorker::loadFailed, this, &DatasetController::onFailed);
    connect(m_worker, &DatasetLoadWorker::loadCancelled, this, &DatasetController::onCancelled);
    m_thread.start();
}

DatasetController::~DatasetController()
{
    if (m_cancel)
        m_cancel->store(true);
    m_thread.quit();
    m_thread.wait();
}

void DatasetController::open(const QString &path, TaskRequest task)
{
    // The worker runs one load at a time: stop the old one so the new one starts promptly.
    if (m_cancel)
        m_cancel->store(true);
    m_cancel = std::make_shared<CancelFlag>(false);
    const int generation = ++m_generation;
    m_loading = true;
    m_path = path;
    m_task = task;
    m_manifest.reset();
    m_dataset.reset();
    Q_EMIT loadStarted(path);

    DatasetLoadWorker *worker = m_worker;
    std::shared_ptr<CancelFlag> cancel = m_cancel;
    QMetaObject::invokeMethod(
        m_worker, [worker, generation, path, task, cancel] { worker->load(generation, path, task, cancel); },
        Qt::QueuedConnection);
}

void DatasetController::cancel()
{
    if (m_cancel)
        m_cancel->store(true);
}

void DatasetController::onManifestRead(int generation, std::shared_ptr<const Manifest> manifest)
{
    if (generation != m_generation)
        return;
    m_manifest = std::move(manifest);
    Q_EMIT manifestReady(m_manifest);
}

void DatasetController::onProgress(int generation, const Progress &progress)
{
    if (generation == m_generation && m_loading)
        Q_EMIT progressChanged(progress);
}

void DatasetController::onDatasetLoaded(int generation, std::shared_ptr<const Dataset> dataset)
{
    if (generation != m_generation)
        return;
    m_dataset = std::move(dataset);
    // One source of truth from here on: the decoded dataset's own manifest.
    m_manifest = std::shared_ptr<const Manifest>(m_dataset, &m_dataset->manifest());
    Q_EMIT datasetReady(m_dataset);
    finish();
}

void DatasetController::onFailed(int generation, const QString &message, const QString &details)
{
    if (generation != m_generation)
        return;
    Q_EMIT loadFailed(message, details);
    finish();
}

void DatasetController::onCancelled(int generation)
{
    if (generation != m_generation)
        return;
    Q_EMIT loadCancelled();
    finish();
}

void DatasetController::finish()
{
    m_loading = false;
    Q_EMIT loadFinished();
}
