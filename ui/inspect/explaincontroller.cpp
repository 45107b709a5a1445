#include "ui/inspect/explaincontroller.h"

#include "ui/inspect/explainworker.h"

ExplainController::ExplainController(QObject *parent)
    : QObject(parent), m_latestSample(std::make_shared<std::atomic_int>(0))
{
    m_thread.setObjectName(QStringLiteral("Explainer"));
    m_worker = new ExplainWorker(m_latestSample);
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &ExplainWorker::modelOpened, this, &ExplainController::onModelOpened);
    connect(m_worker, &ExplainWorker::ready, this, &ExplainController::onReady);
    connect(m_worker, &ExplainWorker::failed, this, [this](int, const QString &message, const QString &details) {
        Q_EMIT failed(message, details); // every failure is news, even for a superseded request
    });
    connect(m_worker, &ExplainWorker::progressChanged, this, &ExplainController::progressChanged);
    connect(m_worker, &ExplainWorker::sampleExplained, this, &ExplainController::onSampleExplained);
    connect(m_worker, &ExplainWorker::predictionsArrived, this, &ExplainController::onPredictionsArrived);
    connect(m_worker, &ExplainWorker::predictionsFinished, this, &ExplainController::onPredictionsFinished);
    connect(m_worker, &ExplainWorker::overlayExportProgress, this,
            [this](int job, qint64 done, qint64 total, const QString &sampleId) {
                if (job == m_exportJob)
                    Q_EMIT overlayExportProgress(done, total, sampleId);
            });
    connect(m_worker, &ExplainWorker::overlayExportFinished, this, [this](int job, const OverlayExportResult &result) {
        if (job != m_exportJob)
            return;
        m_exporting = false;
        Q_EMIT overlayExportFinished(result);
    });
    m_thread.start();
}

ExplainController::~ExplainController()
{
    if (m_prepareCancel)
        m_prepareCancel->store(true);
    if (m_passCancel)
        m_passCancel->store(true);
    if (m_exportCancel)
        m_exportCancel->store(true);
    m_latestSample->store(-1); // queued sample requests are skipped
    m_thread.quit();
    m_thread.wait();
}

void ExplainController::openModel(const QString &path)
{
    // Not cancelling a dataset reread in progress: if this file fails to open, the model in
    // use still needs it.
    if (!m_prepareCancel)
        m_prepareCancel = std::make_shared<CancelFlag>(false);
    const int generation = ++m_generation;
    ExplainWorker *worker = m_worker;
    std::shared_ptr<CancelFlag> cancel = m_prepareCancel;
    QMetaObject::invokeMethod(
        m_worker, [worker, generation, path, cancel] { worker->openModel(generation, path, cancel); }, Qt::QueuedConnection);
}

void ExplainController::setDataset(std::shared_ptr<const Dataset> dataset)
{
    if (m_prepareCancel)
        m_prepareCancel->store(true);
    m_prepareCancel = std::make_shared<CancelFlag>(false);
    cancelPredictions();
    m_dataset.reset();
    m_pendingSample = -1;
    const int generation = ++m_generation;
    m_readyGeneration = generation; // a model attached to the previous dataset is no answer
    ExplainWorker *worker = m_worker;
    std::shared_ptr<CancelFlag> cancel = m_prepareCancel;
    QMetaObject::invokeMethod(
        m_worker, [worker, generation, dataset = std::move(dataset), cancel] { worker->setDataset(generation, dataset, cancel); },
        Qt::QueuedConnection);
}

void ExplainController::explain(int datasetIndex)
{
    const int request = m_latestSample->load() + 1;
    m_latestSample->store(request);
    m_pendingSample = datasetIndex;
    ExplainWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        m_worker, [worker, request, datasetIndex] { worker->explain(request, datasetIndex); }, Qt::QueuedConnection);
}

void ExplainController::predict(const std::vector<int> &indices)
{
    cancelPredictions();
    m_passCancel = std::make_shared<CancelFlag>(false);
    m_predicting = true;
    const int pass = ++m_pass;
    ExplainWorker *worker = m_worker;
    std::shared_ptr<CancelFlag> cancel = m_passCancel;
    QMetaObject::invokeMethod(
        m_worker, [worker, pass, indices, cancel] { worker->predict(pass, indices, cancel); }, Qt::QueuedConnection);
}

void ExplainController::cancelPredictions()
{
    if (m_passCancel)
        m_passCancel->store(true);
    ++m_pass; // answers of the cancelled pass are dropped from here on
    m_predicting = false;
}

void ExplainController::onModelOpened(int generation, const ExplainModelInfo &info)
{
    if (generation < m_openedGeneration)
        return;
    m_openedGeneration = generation;
    m_model = info;
    Q_EMIT modelOpened(info);
}

void ExplainController::onReady(int generation, const ExplainModelInfo &info, std::shared_ptr<const Dataset> dataset)
{
    // The worker runs requests in order, so a newer answer always describes its current state.
    if (generation < m_readyGeneration)
        return;
    m_readyGeneration = generation;
    m_model = info;
    m_dataset = std::move(dataset);
    Q_EMIT ready(m_model, m_dataset);
}

void ExplainController::onSampleExplained(int request, const ExplainedSample &sample)
{
    if (request != m_latestSample->load())
        return;
    m_pendingSample = -1;
    Q_EMIT sampleExplained(sample);
}

void ExplainController::onPredictionsArrived(int pass, const QVector<SampleOutcome> &outcomes)
{
    if (pass == m_pass)
        Q_EMIT predictionsArrived(outcomes);
}

void ExplainController::onPredictionsFinished(int pass, const QString &error)
{
    if (pass != m_pass)
        return;
    m_predicting = false;
    Q_EMIT predictionsFinished(error);
}

void ExplainController::exportOverlays(const QVector<int> &indices, const QString &folder)
{
    if (m_exportCancel)
        m_exportCancel->store(true);
    m_exportCancel = std::make_shared<CancelFlag>(false);
    m_exporting = true;
    const int job = ++m_exportJob;
    ExplainWorker *worker = m_worker;
    std::shared_ptr<CancelFlag> cancel = m_exportCancel;
    std::vector<int> list(indices.begin(), indices.end());
    QMetaObject::invokeMethod(
        m_worker, [worker, job, list = std::move(list), folder, cancel] { worker->exportOverlays(job, list, folder, cancel); },
        Qt::QueuedConnection);
}

void ExplainController::cancelOverlayExport()
{
    if (m_exportCancel)
        m_exportCancel->store(true);
}
