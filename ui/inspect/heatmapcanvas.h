#pragma once

#include "core/explain/tokengeometry.h"

#include <QtGui/QImage>
#include <QtWidgets/QWidget>

#include <vector>

/**
 * A sample's image with attention over its token grid blended on top (inferno, bilinear),
 * the peak cell outlined in white and the target box, when the data has one, in green.
 * Hovering a cell shows its weight. GUI thread.
 */
class HeatmapCanvas final : public QWidget
{
    Q_OBJECT
public:
    explicit HeatmapCanvas(QWidget *parent = nullptr);

    /** `originalWidth`×`originalHeight` is the pixel space of the grid and the box (the image may be reduced). */
    void setImage(const QImage &image, int originalWidth, int originalHeight);
    /** Weights over a gridH×gridW token grid, row-major; empty clears the overlay. */
    void setHeat(const std::vector<float> &heat, int gridH, int gridW);
    void setTargetBox(const PixelRect &box); ///< an empty rect hides it
    void setPlaceholder(const QString &text);
    void setOpacity(double opacity);

    const std::vector<float> &heat() const { return m_heat; }
    QImage image() const { return m_image; }
    /** Index of the heaviest cell, -1 without a heat. */
    int peakCell() const;

    QSize sizeHint() const override { return {320, 320}; }
    QSize minimumSizeHint() const override { return {160, 160}; }

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;

private:
    QRect imageRect() const;
    QRectF cellRect(int cell, const QRect &shown) const;
    void rebuildOverlay();

    QImage m_image;
    int m_originalWidth = 0;
    int m_originalHeight = 0;
    std::vector<float> m_heat;
    int m_gridH = 0;
    int m_gridW = 0;
    QImage m_overlay;
    PixelRect m_box;
    double m_opacity = 0.6;
    QString m_placeholder;
};
