#include "ui/embed/mapgeometry.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace {

std::size_t pointCountOf(const std::vector<float> &xy)
{
    return xy.size() / 2;
}

bool isFinitePoint(const std::vector<float> &xy, std::size_t i)
{
    return std::isfinite(xy[2 * i]) && std::isfinite(xy[2 * i + 1]);
}

/** Even-odd crossing test; the polygon may be open or closed (a closing edge of length 0 adds nothing). */
bool insidePolygon(const QPolygonF &polygon, double x, double y)
{
    bool inside = false;
    const int n = int(polygon.size());
    for (int i = 0, j = n - 1; i < n; j = i++) {
        const QPointF &a = polygon[i];
        const QPointF &b = polygon[j];
        if ((a.y() > y) != (b.y() > y) && x < (b.x() - a.x()) * (y - a.y()) / (b.y() - a.y()) + a.x())
            inside = !inside;
    }
    return inside;
}

} // namespace

PointGrid::PointGrid(const std::vector<float> &xy) : m_xy(xy)
{
    const std::size_t count = pointCountOf(xy);
    double left = std::numeric_limits<double>::infinity();
    double top = left;
    double right = -left;
    double bottom = -left;
    std::size_t finite = 0;
    for (std::size_t i = 0; i < count; ++i) {
        if (!isFinitePoint(xy, i))
            continue;
        ++finite;
        left = std::min(left, double(xy[2 * i]));
        right = std::max(right, double(xy[2 * i]));
        top = std::min(top, double(xy[2 * i + 1]));
        bottom = std::max(bottom, double(xy[2 * i + 1]));
    }
    if (finite == 0)
        return;
    m_bounds = QRectF(QPointF(left, top), QPointF(right, bottom));

    // About one point per cell keeps both the grid and a small-radius query short. A flat
    // cloud (all x or all y equal) gets a single row or column instead of a division by zero.
    const double width = right - left;
    const double height = bottom - top;
    const int target = int(std::min<std::size_t>(finite, std::size_t(1) << 22));
    if (width <= 0.0 && height <= 0.0) {
        m_columns = m_rows = 1;
    } else if (height <= 0.0) {
        m_columns = target;
        m_rows = 1;
    } else if (width <= 0.0) {
        m_columns = 1;
        m_rows = target;
    } else {
        m_columns = std::clamp(int(std::lround(std::sqrt(target * width / height))), 1, target);
        m_rows = std::clamp((target + m_columns - 1) / m_columns, 1, target);
    }
    m_cellWidth = width > 0.0 ? width / m_columns : 1.0;
    m_cellHeight = height > 0.0 ? height / m_rows : 1.0;

    // Counting sort of the point indices by cell: two passes, no per-cell allocations.
    const std::size_t cells = std::size_t(m_columns) * std::size_t(m_rows);
    m_cellStart.assign(cells + 1, 0);
    std::vector<int> cellOf(count, -1);
    for (std::size_t i = 0; i < count; ++i) {
        if (!isFinitePoint(xy, i))
            continue;
        cellOf[i] = cellY(xy[2 * i + 1]) * m_columns + cellX(xy[2 * i]);
        ++m_cellStart[std::size_t(cellOf[i]) + 1];
    }
    for (std::size_t c = 0; c < cells; ++c)
        m_cellStart[c + 1] += m_cellStart[c];
    m_order.resize(finite);
    std::vector<int> fill(m_cellStart.begin(), m_cellStart.end() - 1);
    for (std::size_t i = 0; i < count; ++i) {
        if (cellOf[i] >= 0)
            m_order[std::size_t(fill[std::size_t(cellOf[i])]++)] = int(i);
    }
}

int PointGrid::cellX(double x) const
{
    return int(std::clamp(std::floor((x - m_bounds.left()) / m_cellWidth), 0.0, double(m_columns - 1)));
}

int PointGrid::cellY(double y) const
{
    return int(std::clamp(std::floor((y - m_bounds.top()) / m_cellHeight), 0.0, double(m_rows - 1)));
}

int PointGrid::nearest(QPointF p, double maxDistance, double xScale, double yScale) const
{
    if (m_order.empty() || !(maxDistance >= 0.0) || !(xScale > 0.0) || !(yScale > 0.0) || !std::isfinite(p.x())
        || !std::isfinite(p.y()))
        return -1;
    const double rx = maxDistance / xScale;
    const double ry = maxDistance / yScale;
    if (p.x() + rx < m_bounds.left() || p.x() - rx > m_bounds.right() || p.y() + ry < m_bounds.top()
        || p.y() - ry > m_bounds.bottom())
        return -1;
    const int x0 = cellX(p.x() - rx);
    const int x1 = cellX(p.x() + rx);
    const int y0 = cellY(p.y() - ry);
    const int y1 = cellY(p.y() + ry);
    double best = maxDistance * maxDistance;
    int picked = -1;
    for (int cy = y0; cy <= y1; ++cy) {
        for (int cx = x0; cx <= x1; ++cx) {
            const std::size_t cell = std::size_t(cy) * std::size_t(m_columns) + std::size_t(cx);
            for (int k = m_cellStart[cell]; k < m_cellStart[cell + 1]; ++k) {
                const int i = m_order[std::size_t(k)];
                const double dx = (double(m_xy[2 * std::size_t(i)]) - p.x()) * xScale;
                const double dy = (double(m_xy[2 * std::size_t(i) + 1]) - p.y()) * yScale;
                const double d = dx * dx + dy * dy;
                if (d < best || (d == best && (picked < 0 || i < picked))) {
                    best = d;
                    picked = i;
                }
            }
        }
    }
    return picked;
}

namespace mapgeometry {

QVector<int> pointsInPolygon(const std::vector<float> &xy, const QPolygonF &polygon)
{
    QVector<int> inside;
    if (polygon.size() < 3)
        return inside;
    // Most points of a map lie outside a lasso's bounding box; that test is four compares.
    const QRectF box = polygon.boundingRect();
    for (std::size_t i = 0, n = pointCountOf(xy); i < n; ++i) {
        const double x = xy[2 * i];
        const double y = xy[2 * i + 1];
        if (x >= box.left() && x <= box.right() && y >= box.top() && y <= box.bottom() && insidePolygon(polygon, x, y))
            inside.append(int(i));
    }
    return inside;
}

QVector<int> pointsInRect(const std::vector<float> &xy, const QRectF &rect)
{
    QVector<int> inside;
    const QRectF box = rect.normalized();
    for (std::size_t i = 0, n = pointCountOf(xy); i < n; ++i) {
        const double x = xy[2 * i];
        const double y = xy[2 * i + 1];
        if (x >= box.left() && x <= box.right() && y >= box.top() && y <= box.bottom())
            inside.append(int(i));
    }
    return inside;
}

} // namespace mapgeometry
