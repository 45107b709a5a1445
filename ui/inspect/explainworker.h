#pragma once

#include "core/data/dataset.h"
#include "core/util/progress.h"
#include "ui/inspect/explainresults.h"
#include "ui/inspect/overlayexportjob.h"

#include <QtCore/QObject>
#include <QtCore/QString>

#include <atomic>
#include <memory>
#include <vector>

class Explainer;

/**
 * Owns the core Explainer behind the Inspect panel. Lives on the worker QThread that
 * ExplainController owns; every request arrives as a queued call and runs to its end, and a
 * predictions pass runs one chunk per event so sample requests slip in between chunks.
 * Answers leave through queued signals tagged with the request they answer.
 */
class ExplainWorker final : public QObject
{
    Q_OBJECT
public:
    /** `latestSample` holds the newest sample request id; older ones are skipped unexplained. */
    explicit ExplainWorker(std::shared_ptr<std::atomic_int> latestSample, QObject *parent = nullptr);
    ~ExplainWorker() override;

    /** Opens a model file; on failure the model in use (if any) stays. */
    void openModel(int generation, const QString &path, std::shared_ptr<CancelFlag> cancel);
    /** The dataset as the GUI loaded it; reread with the model's preprocessing when they differ. */
    void setDataset(int generation, std::shared_ptr<const Dataset> dataset, std::shared_ptr<CancelFlag> cancel);
    void explain(int request, int index);
    /** Starts a predictions pass over `indices`, replacing one in progress. */
    void predict(int pass, std::vector<int> indices, std::shared_ptr<CancelFlag> cancel);
    /** Starts exporting the overlays of `indices` into `folder`, one sample per event; replaces one in progress. */
    void exportOverlays(int job, std::vector<int> indices, const QString &folder, std::shared_ptr<CancelFlag> cancel);

Q_SIGNALS:
    /** The file opened (not yet attached to a dataset). */
    void modelOpened(int generation, const ExplainModelInfo &info);
    /** The model is attached to the dataset: from now on samples can be explained. */
    void ready(int generation, const ExplainModelInfo &info, std::shared_ptr<const Dataset> dataset);
    void failed(int generation, const QString &message, const QString &details);
    /** At most ~20 per second. */
    void progressChanged(const Progress &progress);
    void sampleExplained(int request, const ExplainedSample &sample);
    void predictionsArrived(int pass, const QVector<SampleOutcome> &outcomes);
    void predictionsFinished(int pass, const QString &error);
    /** At most ~20 per second, and once at the end. */
    void overlayExportProgress(int job, qint64 done, qint64 total, const QString &sampleId);
    void overlayExportFinished(int job, const OverlayExportResult &result);

private:
    void prepare(int generation, const std::shared_ptr<CancelFlag> &cancel);
    void predictChunk(int pass);
    void exportStep(int job);
    void report(const Progress &progress, bool force = false);
    ExplainModelInfo modelInfo() const;

    struct Pass;
    std::shared_ptr<std::atomic_int> m_latestSample;
    std::unique_ptr<Explainer> m_explainer;
    std::shared_ptr<const Dataset> m_source;  ///< as the GUI loaded it
    std::shared_ptr<const Dataset> m_dataset; ///< what the explainer is attached to
    std::unique_ptr<Pass> m_pass;
    std::unique_ptr<OverlayExportJob> m_export;
    qint64 m_lastExportReportMs = 0;
    qint64 m_lastReportMs = 0;
};
