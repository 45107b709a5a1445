#include "ui/embed/embedcontroller.h"

#include "ui/embed/embedworker.h"

#include <QtCore/QMetaObject>

namespace {

std::shared_ptr<CancelFlag> freshFlag(std::shared_ptr<CancelFlag> *old)
{
    if (*old)
        (*old)->store(true);
    *old = std::make_shared<CancelFlag>(false);
    return *old;
}

} // namespace

EmbedController::EmbedController(QObject *parent) : QObject(parent)
{
    m_thread.setObjectName(QStringLiteral("embed-worker"));
    m_worker = new EmbedWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &EmbedWorker::ready, this, [this](int generation, const EmbedModelInfo &info, std::shared_ptr<const Dataset> dataset) {
        if (generation != m_generation)
            return;
        m_model = info;
        m_dataset = std::move(dataset);
        Q_EMIT ready(m_model, m_dataset);
    });
    connect(m_worker, &EmbedWorker::failed, this, [this](int generation, const QString &message, const QString &details) {
        if (generation == m_generation)
            Q_EMIT failed(message, details);
    });
    connect(m_worker, &EmbedWorker::progressChanged, this, &EmbedController::progressChanged);
    connect(m_worker, &EmbedWorker::mapReady, this, [this](int job, const EmbeddingMap &map) {
        if (job != m_job)
            return;
        m_mapping = false;
        Q_EMIT mapReady(map);
    });
    connect(m_worker, &EmbedWorker::mapFailed, this, [this](int job, const QString &message) {
        if (job != m_job)
            return;
        m_mapping = false;
        Q_EMIT mapFailed(message);
    });
    connect(m_worker, &EmbedWorker::answered, this, [this](int request, const RetrievalAnswer &answer) {
        if (request != m_request)
            return;
        m_retrieving = false;
        Q_EMIT answered(answer);
    });
    m_thread.start();
}

EmbedController::~EmbedController()
{
    for (const std::shared_ptr<CancelFlag> &flag : {m_prepareCancel, m_mapCancel, m_queryCancel})
        if (flag)
            flag->store(true);
    m_thread.quit();
    m_thread.wait();
}

void EmbedController::restart()
{
    ++m_generation;
    ++m_job;
    ++m_request;
    for (const std::shared_ptr<CancelFlag> &flag : {m_mapCancel, m_queryCancel})
        if (flag)
            flag->store(true);
    m_mapping = false;
    m_retrieving = false;
    m_model = EmbedModelInfo();
    m_dataset.reset();
}

void EmbedController::openModel(const QString &path)
{
    restart();
    m_modelPath = path;
    const int generation = m_generation;
    const std::shared_ptr<CancelFlag> cancel = freshFlag(&m_prepareCancel);
    QMetaObject::invokeMethod(m_worker, [worker = m_worker, generation, path, cancel] { worker->openModel(generation, path, cancel); },
                              Qt::QueuedConnection);
}

void EmbedController::setDataset(std::shared_ptr<const Dataset> dataset)
{
    restart();
    const int generation = m_generation;
    const std::shared_ptr<CancelFlag> cancel = freshFlag(&m_prepareCancel);
    QMetaObject::invokeMethod(m_worker, [worker = m_worker, generation, dataset, cancel] { worker->setDataset(generation, dataset, cancel); },
                              Qt::QueuedConnection);
}

void EmbedController::computeMap(const QString &split, const QString &output)
{
    const int job = ++m_job;
    m_mapping = true;
    const std::shared_ptr<CancelFlag> cancel = freshFlag(&m_mapCancel);
    QMetaObject::invokeMethod(m_worker, [worker = m_worker, job, split, output, cancel] { worker->computeMap(job, split, output, cancel); },
                              Qt::QueuedConnection);
}

void EmbedController::cancelMap()
{
    if (m_mapCancel)
        m_mapCancel->store(true);
}

void EmbedController::retrieve(const RetrievalQuery &query)
{
    const int request = ++m_request;
    m_retrieving = true;
    const std::shared_ptr<CancelFlag> cancel = freshFlag(&m_queryCancel);
    QMetaObject::invokeMethod(m_worker, [worker = m_worker, request, query, cancel] { worker->retrieve(request, query, cancel); },
                              Qt::QueuedConnection);
}
