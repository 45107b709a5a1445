#pragma once

#include <memory>
#include <vector>

/**
 * Approximate nearest neighbours by squared Euclidean distance: an HNSW graph (hnswlib, M 16,
 * ef_construction 200, its recommended recall settings) over rows of floats, built in row order
 * so that the graph — and every answer — is the same for a seed. search() may run on several
 * threads at once. Throws std::exception when hnswlib fails (e.g. out of memory).
 */
class NeighbourGraph
{
public:
    /** searchWidth: hnswlib's ef, the candidates a search keeps (at least k + 1; more is slower and more exact). */
    NeighbourGraph(const float *values, int rows, int dims, unsigned seed, int searchWidth);
    ~NeighbourGraph();

    /** The k nearest rows to row `row` (itself excluded), nearest first, with squared distances; fewer if the graph has fewer. */
    void search(int row, int k, std::vector<std::pair<float, int>> *nearest) const;

private:
    struct Index;
    std::unique_ptr<Index> m_index;
    const float *m_values;
    int m_dims;
};
