#include "ui/model/modelbackground.h"

#include <exception>

ModelBackground::ModelBackground(QObject *parent) : QObject(parent)
{
    m_thread.setObjectName(QStringLiteral("ModelBuilder"));
    m_context = new QObject;
    m_context->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_context, &QObject::deleteLater);
    m_thread.start();
}

ModelBackground::~ModelBackground()
{
    // Work already queued finishes first; answers to this (then deleted) object are dropped.
    m_thread.quit();
    m_thread.wait();
}

void ModelBackground::requestSummary(const ModelConfig &config)
{
    if (m_summarizing) {
        m_waiting = config;
        return;
    }
    startSummary(config);
}

void ModelBackground::startSummary(const ModelConfig &config)
{
    m_summarizing = true;
    QMetaObject::invokeMethod(
        m_context,
        [this, config] {
            ModelSummary summary;
            try {
                summary = summarizeModel(config);
            } catch (const std::exception &error) {
                summary.error = QString::fromUtf8(error.what());
            }
            // `this` outlives the worker: the destructor joins the thread before it goes.
            QMetaObject::invokeMethod(
                this, [this, summary, config] { onSummary(summary, config); }, Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

void ModelBackground::onSummary(const ModelSummary &summary, const ModelConfig &config)
{
    m_summarizing = false;
    if (m_waiting) {
        // A newer config is waiting: this answer is already stale, build that one instead.
        const ModelConfig next = *m_waiting;
        m_waiting.reset();
        startSummary(next);
        return;
    }
    Q_EMIT summaryReady(summary, config);
}

void ModelBackground::inspectFile(const QString &path, std::optional<PreprocessConfig> shapes, int expectedClasses)
{
    QMetaObject::invokeMethod(
        m_context,
        [this, path, shapes, expectedClasses] {
            ModelFileInfo info;
            try {
                info = inspectModelFile(path, shapes ? &*shapes : nullptr, expectedClasses);
            } catch (const std::exception &error) {
                info.path = path;
                info.error = QStringLiteral("%1 cannot be opened: %2").arg(path, QString::fromUtf8(error.what()));
            }
            QMetaObject::invokeMethod(
                this, [this, info] { Q_EMIT fileInspected(info); }, Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}
