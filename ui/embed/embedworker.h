#pragma once

#include "core/data/dataset.h"
#include "core/util/progress.h"
#include "ui/embed/embedresults.h"

#include <QtCore/QObject>
#include <QtCore/QString>

#include <memory>

class EmbeddingExplorer;

/**
 * Owns the core EmbeddingExplorer behind the Embeddings tab. Lives on the worker QThread that
 * EmbedController owns; each request arrives as a queued call and runs to its end (a map's
 * embedding pass and layout check their cancel flag every batch and every iteration).
 * Answers leave through queued signals tagged with the generation or job they answer.
 */
class EmbedWorker final : public QObject
{
    Q_OBJECT
public:
    explicit EmbedWorker(QObject *parent = nullptr);
    ~EmbedWorker() override;

    /** Opens the model and, when a dataset is set, attaches it (reading it again as the model expects). */
    void openModel(int generation, const QString &path, std::shared_ptr<CancelFlag> cancel);
    /** The dataset as the GUI loaded it (nullptr: none). */
    void setDataset(int generation, std::shared_ptr<const Dataset> dataset, std::shared_ptr<CancelFlag> cancel);
    /** Embeds `split` ("all" or a split name) with `output` and lays it out in 2-D. */
    void computeMap(int job, const QString &split, const QString &output, std::shared_ptr<CancelFlag> cancel);
    /** Loads or builds the retrieval index, then answers `query`. */
    void retrieve(int request, const RetrievalQuery &query, std::shared_ptr<CancelFlag> cancel);

Q_SIGNALS:
    void ready(int generation, const EmbedModelInfo &info, std::shared_ptr<const Dataset> dataset);
    void failed(int generation, const QString &message, const QString &details);
    /** At most ~20 per second. */
    void progressChanged(const Progress &progress);
    void mapReady(int job, const EmbeddingMap &map);
    void mapFailed(int job, const QString &message);
    void answered(int request, const RetrievalAnswer &answer);

private:
    void attach(int generation, const std::shared_ptr<CancelFlag> &cancel);
    ProgressCallback throttled(const QString &stage);
    RetrievalAnswer answer(const RetrievalQuery &query, const CancelFlag &cancel);

    std::unique_ptr<EmbeddingExplorer> m_explorer;
    std::shared_ptr<const Dataset> m_source; ///< as the GUI loaded it
    bool m_attached = false;
    qint64 m_lastReportMs = 0;
};
