#pragma once

#include <QtCore/QPointF>
#include <QtCore/QRectF>
#include <QtCore/QVector>
#include <QtGui/QPolygonF>

#include <vector>

/**
 * A uniform bucket grid over 2-D points, built once per layout in O(N), so that "which point
 * is under the mouse" looks at a few cells instead of every point. Plain value type, any thread.
 */
class PointGrid
{
public:
    PointGrid() = default;
    /** `xy` holds 2 floats per point (x, y); non-finite points are left out. */
    explicit PointGrid(const std::vector<float> &xy);

    /**
     * The point nearest to `p` within `maxDistance`, or -1. Distances are measured after
     * scaling x by `xScale` and y by `yScale` (e.g. pixels per unit of each axis), so a radius
     * in pixels works on a plot whose axes have different scales; only cells within that
     * radius are visited. Ties go to the lower index.
     */
    int nearest(QPointF p, double maxDistance, double xScale = 1.0, double yScale = 1.0) const;

    bool isEmpty() const { return m_order.empty(); }
    /** The extent of the finite points (zero width or height for a flat cloud); isEmpty() tells whether there are any. */
    QRectF bounds() const { return m_bounds; }

private:
    int cellX(double x) const;
    int cellY(double y) const;

    std::vector<float> m_xy;
    QRectF m_bounds;
    int m_columns = 0;
    int m_rows = 0;
    double m_cellWidth = 1.0;
    double m_cellHeight = 1.0;
    std::vector<int> m_cellStart; ///< per cell, its first entry in m_order; one extra at the end
    std::vector<int> m_order;     ///< point indices sorted by cell
};

namespace mapgeometry {

/** The indices (ascending) of the points of `xy` inside `polygon`, by the even-odd rule. */
QVector<int> pointsInPolygon(const std::vector<float> &xy, const QPolygonF &polygon);
/** The indices (ascending) of the points of `xy` inside `rect` (normalised first; edges included). */
QVector<int> pointsInRect(const std::vector<float> &xy, const QRectF &rect);

} // namespace mapgeometry
