#pragma once

#include "core/data/dataset.h"
#include "core/util/progress.h"
#include "ui/embed/embedresults.h"

#include <QtCore/QObject>
#include <QtCore/QThread>

#include <memory>

class EmbedWorker;

/**
 * Maps and searches embeddings without blocking the GUI: owns the worker QThread and its
 * EmbedWorker. A newer model, dataset, map or query supersedes an older one — its cancel flag
 * is set and its late answer dropped here. Lives on the GUI thread.
 */
class EmbedController final : public QObject
{
    Q_OBJECT
public:
    explicit EmbedController(QObject *parent = nullptr);
    /** Cancels what runs, then quits and joins the worker thread. */
    ~EmbedController() override;

    void openModel(const QString &path);
    void setDataset(std::shared_ptr<const Dataset> dataset);
    /** Embeds and lays out `split` ("all", "train", "val", "test") with `output`; replaces a map in progress. */
    void computeMap(const QString &split, const QString &output);
    void cancelMap();
    /** Asks the retrieval index (built on first use); replaces a query in progress. */
    void retrieve(const RetrievalQuery &query);

    QString modelPath() const { return m_modelPath; }
    bool isReady() const { return m_dataset != nullptr; }
    const EmbedModelInfo &model() const { return m_model; }
    /** The dataset the model is attached to (map and hit indices refer to it); nullptr until ready(). */
    std::shared_ptr<const Dataset> dataset() const { return m_dataset; }
    bool isMapping() const { return m_mapping; }
    bool isRetrieving() const { return m_retrieving; }

Q_SIGNALS:
    void ready(const EmbedModelInfo &info, std::shared_ptr<const Dataset> dataset);
    void failed(const QString &message, const QString &details);
    void progressChanged(const Progress &progress);
    void mapReady(const EmbeddingMap &map);
    /** Empty message: cancelled. */
    void mapFailed(const QString &message);
    void answered(const RetrievalAnswer &answer);

private:
    void restart(); ///< a new model or dataset: everything in flight is stale

    QThread m_thread;
    EmbedWorker *m_worker = nullptr; // deleted by m_thread's finished() → deleteLater
    std::shared_ptr<CancelFlag> m_prepareCancel;
    std::shared_ptr<CancelFlag> m_mapCancel;
    std::shared_ptr<CancelFlag> m_queryCancel;
    int m_generation = 0;
    int m_job = 0;
    int m_request = 0;
    bool m_mapping = false;
    bool m_retrieving = false;
    QString m_modelPath;
    EmbedModelInfo m_model;
    std::shared_ptr<const Dataset> m_dataset;
};
