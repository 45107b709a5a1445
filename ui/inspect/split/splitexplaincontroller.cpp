#include "ui/inspect/split/splitexplaincontroller.h"

SplitExplainController::SplitExplainController(QObject *parent) : QObject(parent)
{
    m_thread.setObjectName(QStringLiteral("SplitExplainer"));
    m_worker = new SplitExplainWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &SplitExplainWorker::progressChanged, this, &SplitExplainController::onProgress);
    connect(m_worker, &SplitExplainWorker::analysisFinished, this, &SplitExplainController::onFinished);
    connect(m_worker, &SplitExplainWorker::analysisFailed, this, &SplitExplainController::onFailed);
    connect(m_worker, &SplitExplainWorker::analysisCancelled, this, &SplitExplainController::onCancelled);
    m_thread.start();
}

SplitExplainController::~SplitExplainController()
{
    if (m_cancel)
        m_cancel->store(true);
    m_thread.quit();
    m_thread.wait();
}

void SplitExplainController::start(const SplitRequest &request)
{
    // The worker runs one analysis at a time: stop the old one so the new one starts promptly.
    if (m_cancel)
        m_cancel->store(true);
    m_cancel = std::make_shared<CancelFlag>(false);
    const int generation = ++m_generation;
    m_running = true;
    Q_EMIT started();

    SplitExplainWorker *worker = m_worker;
    std::shared_ptr<CancelFlag> cancel = m_cancel;
    QMetaObject::invokeMethod(
        m_worker, [worker, generation, request, cancel] { worker->run(generation, request, cancel); },
        Qt::QueuedConnection);
}

void SplitExplainController::cancel()
{
    if (m_cancel)
        m_cancel->store(true);
}

void SplitExplainController::abandon()
{
    if (!m_running)
        return;
    cancel();
    ++m_generation; // the worker's late answers no longer match
    Q_EMIT cancelled();
    settle();
}

void SplitExplainController::onProgress(int generation, const Progress &progress)
{
    if (generation == m_generation && m_running)
        Q_EMIT progressChanged(progress);
}

void SplitExplainController::onFinished(int generation, std::shared_ptr<const SplitExplanation> result)
{
    if (generation != m_generation)
        return;
    Q_EMIT finished(std::move(result));
    settle();
}

void SplitExplainController::onFailed(int generation, const QString &message, const QString &details)
{
    if (generation != m_generation)
        return;
    Q_EMIT failed(message, details);
    settle();
}

void SplitExplainController::onCancelled(int generation)
{
    if (generation != m_generation)
        return;
    Q_EMIT cancelled();
    settle();
}

void SplitExplainController::settle()
{
    m_running = false;
    Q_EMIT idle();
}
