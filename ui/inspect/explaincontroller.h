#pragma once

#include "core/data/dataset.h"
#include "core/util/progress.h"
#include "ui/inspect/explainresults.h"
#include "ui/inspect/overlayexportjob.h"

#include <QtCore/QObject>
#include <QtCore/QThread>

#include <atomic>
#include <memory>
#include <vector>

class ExplainWorker;

/**
 * Explains samples without blocking the GUI: owns the worker QThread and its ExplainWorker
 * (which owns the core Explainer). Sample requests are "newest wins": older ones are skipped
 * on the worker and stale answers dropped here. Lives on the GUI thread.
 */
class ExplainController final : public QObject
{
    Q_OBJECT
public:
    explicit ExplainController(QObject *parent = nullptr);
    /** Cancels what runs, then quits and joins the worker thread. */
    ~ExplainController() override;

    /** Opens a model file; a failure leaves the model in use and emits failed(). */
    void openModel(const QString &path);
    /** The dataset to explain (the GUI's copy); the worker rereads it as the model expects. */
    void setDataset(std::shared_ptr<const Dataset> dataset);
    /** Explains one sample by dataset index; supersedes a request not yet answered. */
    void explain(int datasetIndex);
    /** Per-sample predictions (with each modality alone) over `indices`, in chunks. */
    void predict(const std::vector<int> &indices);
    void cancelPredictions();
    /**
     * Explains `indices` one by one on the worker and writes each one's overlay PNGs and JSON
     * into `folder`, as `fusionscope explain` does; replaces an export in progress.
     */
    void exportOverlays(const QVector<int> &indices, const QString &folder);
    /** Stops after the sample being written; its files and those before it stay. */
    void cancelOverlayExport();
    bool isExportingOverlays() const { return m_exporting; }

    bool hasModel() const { return !m_model.path.isEmpty(); }
    const ExplainModelInfo &model() const { return m_model; }
    /** The dataset the model is attached to (sample indices refer to it); nullptr until ready(). */
    std::shared_ptr<const Dataset> dataset() const { return m_dataset; }
    bool isReady() const { return m_dataset != nullptr; }
    bool isPredicting() const { return m_predicting; }
    bool isExplaining() const { return m_pendingSample >= 0; }

Q_SIGNALS:
    void modelOpened(const ExplainModelInfo &info);
    void ready(const ExplainModelInfo &info, std::shared_ptr<const Dataset> dataset);
    void failed(const QString &message, const QString &details);
    void progressChanged(const Progress &progress);
    void sampleExplained(const ExplainedSample &sample);
    void predictionsArrived(const QVector<SampleOutcome> &outcomes);
    /** The pass ended; `error` is empty when it covered every sample. */
    void predictionsFinished(const QString &error);
    void overlayExportProgress(qint64 done, qint64 total, const QString &sampleId);
    void overlayExportFinished(const OverlayExportResult &result);

private:
    void onModelOpened(int generation, const ExplainModelInfo &info);
    void onReady(int generation, const ExplainModelInfo &info, std::shared_ptr<const Dataset> dataset);
    void onSampleExplained(int request, const ExplainedSample &sample);
    void onPredictionsArrived(int pass, const QVector<SampleOutcome> &outcomes);
    void onPredictionsFinished(int pass, const QString &error);

    QThread m_thread;
    ExplainWorker *m_worker = nullptr; // deleted by m_thread's finished() → deleteLater
    std::shared_ptr<std::atomic_int> m_latestSample;
    std::shared_ptr<CancelFlag> m_prepareCancel;
    std::shared_ptr<CancelFlag> m_passCancel;
    int m_generation = 0;
    int m_openedGeneration = 0;
    int m_readyGeneration = 0;
    int m_pass = 0;
    int m_pendingSample = -1;
    std::shared_ptr<CancelFlag> m_exportCancel;
    int m_exportJob = 0;
    bool m_exporting = false;
    bool m_predicting = false;
    ExplainModelInfo m_model;
    std::shared_ptr<const Dataset> m_dataset;
};
