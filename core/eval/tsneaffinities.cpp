#include "core/eval/tsneaffinities.h"

#include "core/eval/neighbourgraph.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <iterator>
#include <cmath>
#include <limits>

namespace {

/** The neighbours of every row (self excluded), k per row, with squared distances. */
bool nearestNeighbours(const float *values, int rows, int dims, int k, unsigned seed, std::vector<int> *neighbours,
                       std::vector<float> *distances, QString *error)
{
    try {
        const NeighbourGraph graph(values, rows, dims, seed, /*searchWidth=*/std::max(2 * (k + 1), 64));
        neighbours->assign(std::size_t(rows) * std::size_t(k), -1);
        distances->assign(std::size_t(rows) * std::size_t(k), 0.0f);
        at::parallel_for(0, rows, 64, [&](int64_t begin, int64_t end) {
            std::vector<std::pair<float, int>> nearest;
            for (int64_t row = begin; row < end; ++row) {
                graph.search(int(row), k, &nearest);
                for (std::size_t j = 0; j < nearest.size(); ++j) {
                    (*neighbours)[std::size_t(row) * std::size_t(k) + j] = nearest[j].second;
                    (*distances)[std::size_t(row) * std::size_t(k) + j] = nearest[j].first;
                }
            }
        });
    } catch (const std::exception &failure) {
        *error = QStringLiteral("the nearest-neighbour graph failed: %1").arg(QString::fromUtf8(failure.what()));
        return false;
    }
    return true;
}

/** p_j|i for one row: the Gaussian whose entropy is log(perplexity), found by bisection on its precision. */
void conditionalAffinities(const float *distances, const int *neighbours, int k, double perplexity, double *p)
{
    const double target = std::log(perplexity);
    double minDistance = std::numeric_limits<double>::infinity();
    for (int j = 0; j < k; ++j)
        if (neighbours[j] >= 0)
            minDistance = std::min(minDistance, double(distances[j]));
    double beta = 1.0;
    double low = -std::numeric_limits<double>::infinity();
    double high = std::numeric_limits<double>::infinity();
    for (int step = 0; step < 200; ++step) {
        double sum = 0.0;
        for (int j = 0; j < k; ++j) {
            // Shifted by the nearest distance so that far-apart data does not underflow every term.
            p[j] = neighbours[j] < 0 ? 0.0 : std::exp(-beta * (double(distances[j]) - minDistance));
            sum += p[j];
        }
        double entropy = 0.0;
        for (int j = 0; j < k; ++j)
            entropy += beta * (double(distances[j]) - minDistance) * p[j];
        entropy = entropy / sum + std::log(sum);
        const double difference = entropy - target;
        const bool last = std::abs(difference) < 1e-5 || step == 199;
        if (last) {
            for (int j = 0; j < k; ++j)
                p[j] /= sum;
            return;
        }
        if (difference > 0) {
            low = beta;
            beta = std::isinf(high) ? beta * 2.0 : (beta + high) / 2.0;
        } else {
            high = beta;
            beta = std::isinf(low) ? beta / 2.0 : (beta + low) / 2.0;
        }
    }
}

} // namespace

bool tsneAffinities(const float *values, int rows, int dims, double perplexity, unsigned seed, SparseAffinities *affinities,
                    QString *error)
{
    const int k = std::min(rows - 1, int(3.0 * perplexity));
    std::vector<int> neighbours;
    std::vector<float> distances;
    if (!nearestNeighbours(values, rows, dims, k, seed, &neighbours, &distances, error))
        return false;
    std::vector<double> conditional(std::size_t(rows) * std::size_t(k));
    at::parallel_for(0, rows, 256, [&](int64_t begin, int64_t end) {
        for (int64_t row = begin; row < end; ++row) {
            const std::size_t offset = std::size_t(row) * std::size_t(k);
            conditionalAffinities(distances.data() + offset, neighbours.data() + offset, k, perplexity, conditional.data() + offset);
        }
    });

    // Symmetrise: each (i, j) lands in row i and row j; rows are then sorted and merged.
    std::vector<int> counts(std::size_t(rows) + 1, 0);
    for (int row = 0; row < rows; ++row)
        for (int j = 0; j < k; ++j) {
            const int column = neighbours[std::size_t(row) * std::size_t(k) + std::size_t(j)];
            if (column >= 0) {
                ++counts[std::size_t(row) + 1];
                ++counts[std::size_t(column) + 1];
            }
        }
    for (int row = 0; row < rows; ++row)
        counts[std::size_t(row) + 1] += counts[std::size_t(row)];
    std::vector<std::pair<int, double>> entries(static_cast<std::size_t>(counts[std::size_t(rows)]));
    std::vector<int> fill(counts.begin(), counts.end() - 1);
    const double scale = 1.0 / (2.0 * rows);
    for (int row = 0; row < rows; ++row)
        for (int j = 0; j < k; ++j) {
            const std::size_t at = std::size_t(row) * std::size_t(k) + std::size_t(j);
            const int column = neighbours[at];
            if (column < 0)
                continue;
            entries[std::size_t(fill[std::size_t(row)]++)] = {column, conditional[at] * scale};
            entries[std::size_t(fill[std::size_t(column)]++)] = {row, conditional[at] * scale};
        }
    affinities->rowStart.assign(1, 0);
    affinities->columns.clear();
    affinities->values.clear();
    for (int row = 0; row < rows; ++row) {
        auto begin = entries.begin() + counts[std::size_t(row)];
        auto end = entries.begin() + counts[std::size_t(row) + 1];
        std::sort(begin, end, [](const auto &a, const auto &b) { return a.first < b.first; });
        for (auto entry = begin; entry != end; ++entry) {
            // (i, j) met from both sides: one entry holding both halves.
            if (entry != begin && std::prev(entry)->first == entry->first)
                affinities->values.back() += entry->second;
            else {
                affinities->columns.push_back(entry->first);
                affinities->values.push_back(entry->second);
            }
        }
        affinities->rowStart.push_back(int(affinities->columns.size()));
    }
    return true;
}
