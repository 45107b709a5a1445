#pragma once

#include <vector>

/**
 * A quadtree over 2-D points that sums t-SNE's repulsion the Barnes-Hut way: a cell seen
 * narrower than theta times its distance acts as one point of its whole mass at its centre
 * of mass. Built once per iteration (O(N log N)); repulsion() is read-only, so the points
 * can be summed on several threads at once.
 */
class BarnesHutTree
{
public:
    /** xy: rows × 2 (x, y per point). */
    BarnesHutTree(const float *xy, int rows);

    /**
     * Repulsion on point `index`: adds Σ q_ij² (y_i − y_j) to force[0..1] (q_ij = 1 / (1 + d²),
     * unnormalised) and returns Σ q_ij, both over every other point j.
     */
    double repulsion(int index, double theta, double force[2]) const;

private:
    struct Cell
    {
        double centreX = 0, centreY = 0, halfWidth = 0; ///< the square this cell covers
        double massX = 0, massY = 0;                     ///< Σ positions of the points inside
        int count = 0;
        int firstChild = -1;                             ///< four children from here, or -1 for a leaf
        int point = -1;                                  ///< a leaf's point (duplicates pile up in it)
    };

    /** What repulsion() reads of a cell, packed: 24 bytes instead of the builder's 72. */
    struct Summary
    {
        float centreOfMassX = 0, centreOfMassY = 0;
        float widthSquared = 0;
        int count = 0;
        int firstChild = -1;
        int point = -1;
    };

    void insert(int index, double x, double y);
    void split(int cell);

    const float *m_xy;
    std::vector<Cell> m_cells;
    std::vector<Summary> m_summaries; ///< m_cells, summarised once the tree is built
};
