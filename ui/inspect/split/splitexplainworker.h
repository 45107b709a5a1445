#pragma once

#include "core/data/dataset.h"
#include "core/data/split.h"
#include "core/explain/splitexplanation.h"
#include "core/util/progress.h"

#include <QtCore/QDateTime>
#include <QtCore/QObject>
#include <QtCore/QString>
#include <memory>
#include <optional>

class Explainer;

/** What one split analysis explains: a model file over one split (or all) of a dataset. */
struct SplitRequest
{
    QString modelPath;
    std::shared_ptr<const Dataset> dataset;
    std::optional<Split> split = Split::Test; ///< nullopt: every sample
    SplitOptions options;
};

/**
 * Opens a model with the core Explainer and runs Explainer::explainSplit over a split. Lives
 * on the worker QThread that SplitExplainController owns; every answer leaves through a
 * queued signal tagged with its generation. Keeps the opened model between runs.
 */
class SplitExplainWorker final : public QObject
{
    Q_OBJECT
public:
    explicit SplitExplainWorker(QObject *parent = nullptr);
    ~SplitExplainWorker() override;

    /** Runs on the worker thread; returns when the analysis finished, failed or was cancelled. */
    void run(int generation, const SplitRequest &request, std::shared_ptr<CancelFlag> cancel);

Q_SIGNALS:
    /** At most ~20 per second. */
    void progressChanged(int generation, const Progress &progress);
    /** Indices in the result are those of the request's dataset. */
    void analysisFinished(int generation, std::shared_ptr<const SplitExplanation> result);
    void analysisFailed(int generation, const QString &message, const QString &details);
    void analysisCancelled(int generation);

private:
    bool prepare(int generation, const SplitRequest &request, const CancelFlag &cancel, QString *error);

    std::unique_ptr<Explainer> m_explainer;
    QString m_modelPath;
    QDateTime m_modelModified;
    std::shared_ptr<const Dataset> m_requested; ///< the dataset the GUI asked about
    std::shared_ptr<const Dataset> m_attached;  ///< the same data read as the model expects
};
