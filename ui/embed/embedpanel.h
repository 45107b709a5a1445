#pragma once

#include "core/data/dataset.h"
#include "ui/embed/embedresults.h"

#include <QtCore/QVector>
#include <QtWidgets/QWidget>

#include <memory>

class EmbedController;
class EmbeddingMapView;
class HoverCard;
class NoteLabel;
class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTableView;
class QToolButton;
class RetrievalPanel;
class SelectionTableModel;
class ThumbnailLoader;
struct Progress;

/**
 * The Embeddings tab: a 2-D map (t-SNE) of one split's embeddings — the fused one, the
 * joint one or one modality's — coloured by label, split, prediction, correctness or the
 * modalities present; hover shows a sample, a box or lasso selection lists its samples and
 * sends them to the Inspect navigator, a click asks the retrieval panel with that sample.
 * Serves every model with an embedding output (supervised ones too). Embedding, layout and
 * search run on EmbedController's worker. GUI thread.
 */
class EmbedPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit EmbedPanel(QWidget *parent = nullptr);
    ~EmbedPanel() override;

    /** The dataset as the window loaded it (sample indices in signals refer to it). */
    void setDataset(std::shared_ptr<const Dataset> dataset);
    /** Opens a model file; errors arrive as errorOccurred(). */
    void openModel(const QString &modelPath);

    EmbedController *controller() const { return m_controller; }
    EmbeddingMapView *mapView() const { return m_map; }
    RetrievalPanel *retrievalPanel() const { return m_retrieval; }
    /** The map on show; empty indices before the first one is laid out. */
    const EmbeddingMap &map() const { return m_current; }
    /** Selects these map points as a lasso would: the table lists them, Show in Inspect sends them. */
    void selectPoints(const QVector<int> &points);
    /** Rings a map point and asks the retrieval panel with its sample, as a click does. */
    void askWithPoint(int point);

Q_SIGNALS:
    void errorOccurred(const QString &message, const QString &details);
    /** "Show in Inspect": filter the navigator to these samples (indices of the window's dataset). */
    void showSamplesRequested(const QVector<int> &datasetIndices, const QString &title);
    /** A retrieval hit was clicked: open this sample (of the window's dataset) in Inspect. */
    void openSampleRequested(int datasetIndex);
    /** The model is attached to the dataset. */
    void modelReady(const EmbedModelInfo &info);
    /** A map was laid out and drawn. */
    void mapShown();

protected:
    void showEvent(QShowEvent *event) override;

private:
    void chooseModelFile();
    void onReady(const EmbedModelInfo &info, std::shared_ptr<const Dataset> dataset);
    void onFailed(const QString &message, const QString &details);
    void onProgress(const Progress &progress);
    void onMapReady(const EmbeddingMap &map);
    void onMapFailed(const QString &message);
    void onHovered(int point, const QPoint &globalPos);
    void onSelectionChanged(const QVector<int> &points);
    void recolour();
    /** Lays the map out when the tab is on show, a model is attached and the choice changed. */
    void mapIfNeeded();
    void mapNow();
    void setMapping(bool mapping);
    void updateHeader();
    /** A sample of the attached dataset as an index of the window's (they differ when the model reread it). */
    int windowIndexOf(int attachedIndex) const;
    QString hoverText(int datasetIndex, int point) const;

    EmbedController *m_controller;
    ThumbnailLoader *m_thumbnails;
    std::shared_ptr<const Dataset> m_windowDataset;
    std::shared_ptr<const Dataset> m_dataset; ///< the model's reading of it
    EmbedModelInfo m_model;
    QString m_openingPath;
    EmbeddingMap m_current;
    QString m_requestedSplit;
    QString m_requestedOutput;
    int m_hoveredIndex = -1;

    QLabel *m_modelLabel;
    QPushButton *m_openModel;
    QComboBox *m_split;
    QComboBox *m_output;
    QComboBox *m_colouring;
    QToolButton *m_panTool;
    QToolButton *m_boxTool;
    QToolButton *m_lassoTool;
    QPushButton *m_remap;
    QPushButton *m_cancel;
    QProgressBar *m_progress;
    NoteLabel *m_status;
    EmbeddingMapView *m_map;
    HoverCard *m_hoverCard;
    RetrievalPanel *m_retrieval;
    QLabel *m_selectionTitle;
    SelectionTableModel *m_selection;
    QTableView *m_selectionTable;
    QPushButton *m_showInInspect;
};
