#pragma once

#include "ui/inspect/attentionselection.h"
#include "ui/inspect/explainresults.h"

#include <QtWidgets/QWidget>

class HeatmapCanvas;
class NoteLabel;
class QComboBox;
class QSlider;

/**
 * The image attention of the Inspect panel: selectors for the source (summary heat, rollout,
 * map family), layer and head, the image with the heat over it, and a caption naming what is
 * shown. It offers choices; SampleInspector computes the heat. GUI thread.
 */
class HeatmapView final : public QWidget
{
    Q_OBJECT
public:
    explicit HeatmapView(QWidget *parent = nullptr);

    /** Offers the sample's sources, keeping the current choice when the sample has it too. */
    void setSample(const ExplainedSample &sample);
    void clear(const QString &placeholder);
    HeatChoice choice() const;
    void showHeat(const HeatResult &heat, int gridH, int gridW);

    HeatmapCanvas *canvas() const { return m_canvas; }
    QString caption() const;

Q_SIGNALS:
    void choiceChanged();

private:
    void onSourceChanged();
    void fillLayerAndHead();

    QComboBox *m_source;
    QComboBox *m_layer;
    QComboBox *m_head;
    QSlider *m_opacity;
    HeatmapCanvas *m_canvas;
    NoteLabel *m_caption;
    QVector<HeatChoice> m_sources;
    SampleExplanation m_sample; // maps only matter here: the layers and heads on offer
    bool m_filling = false;
};
