#pragma once

#include "core/data/dataset.h"
#include "ui/inspect/explainresults.h"

#include <QtCore/QVector>
#include <QtWidgets/QWidget>
#include <memory>

class ExplainController;
class NoteLabel;
class OverlayExportBar;
class QLabel;
class QProgressBar;
class QPushButton;
class QScrollArea;
class QSplitter;
class QTabWidget;
class SampleInspector;
class SampleNavigator;
struct Progress;

/**
 * The Inspect tab: which model explains which dataset, the sample navigator on the left, and
 * on the right the "splitViews" tabs: the selected sample's explanation first, then any
 * split-level views other code adds through splitViewTabs(). Explaining runs on
 * ExplainController's worker thread. GUI thread.
 */
class InspectPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit InspectPanel(QWidget *parent = nullptr);
    ~InspectPanel() override;

    /** The dataset to inspect (as DatasetController loaded it). */
    void setDataset(std::shared_ptr<const Dataset> dataset);
    /** Opens a TorchScript model file; errors arrive as errorOccurred(). */
    void openModel(const QString &modelPath);

    /** Where split-level views go: tab 0 is the sample explanation, add more after it. */
    QTabWidget *splitViewTabs() const { return m_splitViews; }
    SampleNavigator *navigator() const { return m_navigator; }
    SampleInspector *sampleInspector() const { return m_inspector; }
    ExplainController *controller() const { return m_controller; }
    /** "Export Overlays" (selected or listed samples) with its progress and Cancel. */
    OverlayExportBar *overlayExportBar() const { return m_exportBar; }
    /** The model in use; empty before one opened. */
    QString modelPath() const;

    QByteArray saveLayout() const;
    void restoreLayout(const QByteArray &state);

public Q_SLOTS:
    /** Filters the navigator to exactly these samples (dataset indices), e.g. a confusion cell's. */
    void showSamples(const QVector<int> &datasetIndices, const QString &title);

Q_SIGNALS:
    void errorOccurred(const QString &message, const QString &details);
    /** A model is attached to the dataset: sample indices refer to `dataset`. */
    void modelReady(const QString &modelPath, std::shared_ptr<const Dataset> dataset);

private:
    void chooseModelFile();
    void onModelOpened(const ExplainModelInfo &info);
    void onReady(const ExplainModelInfo &info, std::shared_ptr<const Dataset> dataset);
    void onFailed(const QString &message, const QString &details);
    void onProgress(const Progress &progress);
    void onCurrentSampleChanged(int datasetIndex);
    void onSampleExplained(const ExplainedSample &sample);
    void onPredictionsFinished(const QString &error);
    void startPredictions();
    void explainCurrent();
    void updateHeader();

    ExplainController *m_controller;
    std::shared_ptr<const Dataset> m_dataset;
    QString m_openingPath;
    QLabel *m_modelLabel;
    NoteLabel *m_modelSummary;
    QPushButton *m_openButton;
    OverlayExportBar *m_exportBar;
    QProgressBar *m_preparing;
    SampleNavigator *m_navigator;
    SampleInspector *m_inspector;
    QScrollArea *m_inspectorScroll;
    QTabWidget *m_splitViews;
    QSplitter *m_splitter;
};
