#include "ui/train/trainingcontroller.h"

#include "core/train/runconfig.h"
#include "core/train/trainingjob.h"
#include "ui/train/trainingworker.h"

#include <QtCore/QEventLoop>
#include <QtCore/QTimer>
#include <QtCore/QDir>
#include <QtCore/QFileInfo>

TrainingController::TrainingController(QObject *parent) : QObject(parent)
{
    m_thread.setObjectName(QStringLiteral("Trainer"));
    m_worker = new TrainingWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &TrainingWorker::stepsReported, this, &TrainingController::onSteps);
    connect(m_worker, &TrainingWorker::epochFinished, this, &TrainingController::onEpoch);
    connect(m_worker, &TrainingWorker::messageLogged, this, &TrainingController::onMessage);
    connect(m_worker, &TrainingWorker::progressChanged, this, &TrainingController::onProgress);
    connect(m_worker, &TrainingWorker::finished, this, &TrainingController::onFinished);
    m_thread.start();
}

TrainingController::~TrainingController()
{
    if (m_job)
        m_job->cancel();
    m_thread.quit();
    m_thread.wait();
}

bool TrainingController::start(std::shared_ptr<const Dataset> dataset, const ModelConfig &model,
                               const TrainConfig &train, const QString &runDir, QString *error)
{
    if (!dataset) {
        *error = tr("No dataset is loaded: open one in the Data tab first.");
        return false;
    }
    return launch(std::make_shared<TrainingJob>(std::move(dataset), model, train, runDir), /*resumed=*/false, error);
}

bool TrainingController::resumeRun(const QString &runDir, std::shared_ptr<const Dataset> dataset, QString *error)
{
    std::unique_ptr<TrainingJob> job = TrainingJob::resumeRun(runDir, error);
    if (!job)
        return false;
    // The GUI's dataset saves decoding it again, but only when it is the one the run trained on.
    QJsonObject json;
    RunConfig config;
    QString ignored;
    if (dataset && runfiles::readJsonFile(runfiles::configPath(runDir), &json, &ignored)
        && RunConfig::fromJson(json, &config, &ignored)
        && QDir::cleanPath(QFileInfo(config.datasetPath).absoluteFilePath())
               == QDir::cleanPath(QFileInfo(dataset->root()).absoluteFilePath())) {
        job->setDataset(std::move(dataset));
    }
    return launch(std::shared_ptr<TrainingJob>(std::move(job)), /*resumed=*/true, error);
}

bool TrainingController::launch(std::shared_ptr<TrainingJob> job, bool resumed, QString *error)
{
    if (isActive()) {
        *error = tr("A run is already in progress; stop it first.");
        return false;
    }
    m_job = std::move(job);
    m_runDir = m_job->runDir();
    m_model = m_job->modelConfig();
    m_train = m_job->trainConfig();
    const int generation = ++m_generation;
    setState(State::Running);
    Q_EMIT started(m_runDir, resumed);
    TrainingWorker *worker = m_worker;
    std::shared_ptr<TrainingJob> running = m_job;
    QMetaObject::invokeMethod(
        m_worker, [worker, generation, running] { worker->run(generation, running); }, Qt::QueuedConnection);
    return true;
}

void TrainingController::pause()
{
    if (m_state != State::Running)
        return;
    m_job->requestPause();
    setState(State::Paused);
}

void TrainingController::resume()
{
    if (m_state != State::Paused)
        return;
    m_job->resume();
    setState(State::Running);
}

void TrainingController::stop()
{
    if (m_state != State::Running && m_state != State::Paused)
        return;
    m_job->cancel();
    setState(State::Stopping);
}

bool TrainingController::stopAndWait(int timeoutMs)
{
    stop();
    if (!isActive())
        return true;
    // finished() arrives as a queued call: keep delivering events until it has.
    QEventLoop loop;
    connect(this, &TrainingController::stateChanged, &loop, [this, &loop] {
        if (!isActive())
            loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    return !isActive();
}

void TrainingController::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void TrainingController::onSteps(int generation, const QList<StepReport> &steps)
{
    if (generation == m_generation)
        Q_EMIT stepsReported(steps);
}

void TrainingController::onEpoch(int generation, const EpochReport &report)
{
    if (generation == m_generation)
        Q_EMIT epochFinished(report);
}

void TrainingController::onMessage(int generation, MessageLevel level, const QString &text)
{
    if (generation == m_generation)
        Q_EMIT messageLogged(level, text);
}

void TrainingController::onProgress(int generation, const Progress &progress)
{
    if (generation == m_generation)
        Q_EMIT progressChanged(progress);
}

void TrainingController::onFinished(int generation, const FinishReport &report)
{
    if (generation != m_generation)
        return;
    m_job.reset();
    setState(State::Idle);
    Q_EMIT finished(report);
}
