#pragma once

#include "ui/embed/mapgeometry.h"
#include "ui/plot/themedplot.h"

#include <QtCore/QStringList>
#include <QtCore/QVector>
#include <QtGui/QImage>

#include <vector>

enum class MapTool { Pan, Box, Lasso };

/**
 * A 2-D embedding map (t-SNE, PCA …): one dot per sample coloured by group, with pan/zoom,
 * box and lasso selection, hover and click picking, a highlighted query point, and a legend.
 * A ThemedPlot itself rather than a widget holding one, so the panel gets export, the context
 * menu and the light/dark restyling with nothing to forward. The dots are blitted from
 * pre-rendered sprites by one layerable: 20 000 points replot in about 2 ms offscreen, where
 * twelve QCPGraphs with disc scatters took about 75 ms, adaptive sampling on or off (it thins
 * by key column, which scattered clusters barely have). The lasso, box, hover and query rings
 * live on the buffered "overlay" layer, so dragging repaints only that layer. GUI thread.
 */
class EmbeddingMapView final : public ThemedPlot
{
    Q_OBJECT
public:
    explicit EmbeddingMapView(QWidget *parent = nullptr);
    ~EmbeddingMapView() override;

    /** 2 floats per point (x, y); fits the view, clears the selection and the highlight. Groups survive only if the count is unchanged. */
    void setPoints(const std::vector<float> &xy);
    /**
     * One group index per point (-1: none, drawn grey; missing entries count as -1), the groups'
     * names and what the grey points are ("unlabeled"; empty: "none"), for the legend. Call
     * after setPoints. An empty vector clears the groups.
     */
    void setGroups(const std::vector<int> &groupOfPoint, const QStringList &groupNames, const QString &noneName = {});
    /** The colour group `group` is drawn in (-1 and below: none, a grey from `palette`); colours cycle after 20 groups. */
    static QColor groupColor(int group, const QPalette &palette);

    void setTool(MapTool tool);
    MapTool tool() const { return m_tool; }

    /** Rings one point (a retrieval query); -1 removes the ring. */
    void setHighlighted(int point);
    int highlighted() const { return m_highlighted; }

    /** Replaces the selection (indices out of range are dropped); emits nothing, unlike a drag. */
    void setSelection(const QVector<int> &points);
    /** The selected points, ascending. */
    QVector<int> selection() const { return m_selection; }
    bool isSelected(int point) const;

    /** The point within about 6 px of `widgetPos` (nearest first), or -1. */
    int pointAt(const QPoint &widgetPos) const;
    /** Where point `point` is drawn, in widget pixels; a null point when out of range. */
    QPointF pointPosition(int point) const;
    int pointCount() const { return int(m_xy.size() / 2); }
    const std::vector<float> &points() const { return m_xy; }

public Q_SLOTS:
    /** Fits both axes to the points with a small margin. */
    void fitView();

Q_SIGNALS:
    /** The point under the mouse changed; -1 when it left the points or the widget. */
    void pointHovered(int point, const QPoint &globalPos);
    /** A press and release without a drag over a point, with any tool. */
    void pointClicked(int point);
    /** A box or lasso drag ended, or Escape cleared the selection. */
    void selectionChanged(const QVector<int> &points);

protected:
    void applyTheme() override;
    void addContextMenuActions(QMenu *menu) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void leaveEvent(QEvent *event) override;

private:
    /** Dot sprites for one colour: normal, dimmed (others are selected) and selected. */
    struct Sprites
    {
        QImage normal;
        QImage dimmed;
        QImage selected;
    };

    void drawPoints(QCPPainter *painter);
    void drawOverlay(QCPPainter *painter);
    void rebuildLegend();
    void showLegend(bool shown);
    void rebuildSprites(double devicePixelRatio);
    int groupCount() const;
    int colorSlotOf(int point) const;
    QColor slotColor(int slot) const;
    double dotDiameter() const;
    void replotOverlay();
    void setHovered(int point, const QPoint &globalPos);
    void finishDrag(bool additive);
    QPointF toCoords(const QPointF &pixel) const;

    std::vector<float> m_xy;
    PointGrid m_grid;
    std::vector<int> m_group; ///< per point; empty when no groups are set
    QStringList m_groupNames;
    QString m_noneName;
    QVector<int> m_selection; ///< ascending
    std::vector<char> m_selectedMask; ///< per point, for the drawing loop
    MapTool m_tool = MapTool::Pan;
    int m_highlighted = -1;
    int m_hovered = -1;

    // A drag with the left button: where it started, the lasso or box drawn so far.
    bool m_pressed = false;
    bool m_dragging = false;
    bool m_pressAdditive = false;
    QPointF m_pressPos;
    QPolygonF m_dragPath; ///< widget pixels; a box uses its first and last point

    // Sprites per colour slot (slot 0: none/default, slot 1 + k: group k mod palette size).
    std::vector<Sprites> m_sprites;
    double m_spriteRatio = 0.0;  ///< the device pixel ratio the sprites were made for; 0: stale
    double m_normalHalf = 0.0;   ///< half the logical side of a normal / dimmed sprite
    double m_selectedHalf = 0.0; ///< half the logical side of a selected sprite

    QCPLayerable *m_pointLayer = nullptr;    ///< on "main": the dots
    QCPLayerable *m_overlay = nullptr;       ///< on the buffered "overlay" layer: rings, box, lasso
    QCPLayoutGrid *m_legendColumn = nullptr; ///< the legend above a spacer, right of the map
    bool m_legendShown = false;
};
