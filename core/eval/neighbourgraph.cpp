#include "core/eval/neighbourgraph.h"

// hnswlib 0.6.2 (Debian 12) prefetches the entry one past a full link list: a 4-byte read past
// its block and pointer arithmetic on the garbage it reads (ASan and UBSan both stop on it in
// every map of more than a few hundred points). The prefetches exist only in its hand-written SSE
// path; without it the distances are plain loops (the neighbour search is ~3 % of a map's time).
#define NO_MANUAL_VECTORIZATION
#include <hnswlib/hnswlib.h>

#include <algorithm>

struct NeighbourGraph::Index
{
    explicit Index(int dims, int rows, unsigned seed)
        : space(static_cast<std::size_t>(dims)), graph(&space, std::size_t(rows), /*M=*/16, /*ef_construction=*/200, seed)
    {
    }
    hnswlib::L2Space space; // squared L2
    hnswlib::HierarchicalNSW<float> graph;
};

NeighbourGraph::NeighbourGraph(const float *values, int rows, int dims, unsigned seed, int searchWidth)
    : m_index(std::make_unique<Index>(dims, rows, seed)), m_values(values), m_dims(dims)
{
    for (int row = 0; row < rows; ++row)
        m_index->graph.addPoint(values + std::size_t(row) * std::size_t(dims), hnswlib::labeltype(row));
    m_index->graph.setEf(std::size_t(std::max(searchWidth, 1)));
}

NeighbourGraph::~NeighbourGraph() = default;

void NeighbourGraph::search(int row, int k, std::vector<std::pair<float, int>> *nearest) const
{
    nearest->clear();
    auto found = m_index->graph.searchKnn(m_values + std::size_t(row) * std::size_t(m_dims), std::size_t(k + 1));
    for (; !found.empty(); found.pop())
        if (int(found.top().second) != row)
            nearest->emplace_back(found.top().first, int(found.top().second));
    std::sort(nearest->begin(), nearest->end());
    if (int(nearest->size()) > k)
        nearest->resize(std::size_t(k));
}
