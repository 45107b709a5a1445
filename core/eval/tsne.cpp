#include "core/eval/tsne.h"

#include "core/eval/barneshuttree.h"
#include "core/eval/tsneaffinities.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>

namespace {

/** The top eigenvector of a symmetric dims × dims matrix, by power iteration (deterministic start). */
std::vector<double> topEigenvector(const std::vector<double> &matrix, int dims)
{
    std::vector<double> vector(static_cast<std::size_t>(dims)), next(static_cast<std::size_t>(dims));
    for (int i = 0; i < dims; ++i)
        vector[std::size_t(i)] = 1.0 + 0.01 * i;
    for (int step = 0; step < 300; ++step) {
        double norm = 0.0;
        for (int i = 0; i < dims; ++i) {
            double sum = 0.0;
            for (int j = 0; j < dims; ++j)
                sum += matrix[std::size_t(i) * std::size_t(dims) + std::size_t(j)] * vector[std::size_t(j)];
            next[std::size_t(i)] = sum;
            norm += sum * sum;
        }
        norm = std::sqrt(norm);
        if (norm == 0.0)
            break;
        double change = 0.0;
        for (int i = 0; i < dims; ++i) {
            change += std::abs(next[std::size_t(i)] / norm - vector[std::size_t(i)]);
            vector[std::size_t(i)] = next[std::size_t(i)] / norm;
        }
        if (change < 1e-10)
            break;
    }
    // A fixed sign: the largest component positive.
    const auto largest = std::max_element(vector.begin(), vector.end(), [](double a, double b) { return std::abs(a) < std::abs(b); });
    if (*largest < 0)
        for (double &value : vector)
            value = -value;
    return vector;
}

/**
 * scikit-learn's init="pca": the data projected on its first two principal axes, scaled so
 * that the first has standard deviation 1e-4. O(N · dims²).
 */
std::vector<float> principalStart(const float *values, int rows, int dims)
{
    std::vector<double> mean(std::size_t(dims), 0.0);
    for (int r = 0; r < rows; ++r)
        for (int d = 0; d < dims; ++d)
            mean[std::size_t(d)] += values[std::size_t(r) * std::size_t(dims) + std::size_t(d)];
    for (double &value : mean)
        value /= rows;
    std::vector<double> covariance(std::size_t(dims) * std::size_t(dims), 0.0);
    std::vector<double> centred(static_cast<std::size_t>(dims));
    for (int r = 0; r < rows; ++r) {
        for (int d = 0; d < dims; ++d)
            centred[std::size_t(d)] = values[std::size_t(r) * std::size_t(dims) + std::size_t(d)] - mean[std::size_t(d)];
        for (int i = 0; i < dims; ++i)
            for (int j = 0; j < dims; ++j)
                covariance[std::size_t(i) * std::size_t(dims) + std::size_t(j)] += centred[std::size_t(i)] * centred[std::size_t(j)];
    }
    std::vector<std::vector<double>> axes;
    for (int axis = 0; axis < 2; ++axis) {
        axes.push_back(topEigenvector(covariance, dims));
        const std::vector<double> &v = axes.back();
        double eigenvalue = 0.0;
        for (int i = 0; i < dims; ++i)
            for (int j = 0; j < dims; ++j)
                eigenvalue += v[std::size_t(i)] * covariance[std::size_t(i) * std::size_t(dims) + std::size_t(j)] * v[std::size_t(j)];
        for (int i = 0; i < dims; ++i) // deflate: the next axis is the next one
            for (int j = 0; j < dims; ++j)
                covariance[std::size_t(i) * std::size_t(dims) + std::size_t(j)] -= eigenvalue * v[std::size_t(i)] * v[std::size_t(j)];
    }
    std::vector<float> xy(std::size_t(rows) * 2);
    double sum = 0.0, sumSquares = 0.0;
    for (int r = 0; r < rows; ++r)
        for (int axis = 0; axis < 2; ++axis) {
            double projection = 0.0;
            for (int d = 0; d < dims; ++d)
                projection += (values[std::size_t(r) * std::size_t(dims) + std::size_t(d)] - mean[std::size_t(d)]) * axes[std::size_t(axis)][std::size_t(d)];
            xy[std::size_t(r) * 2 + std::size_t(axis)] = float(projection);
            if (axis == 0) {
                sum += projection;
                sumSquares += projection * projection;
            }
        }
    const double deviation = std::sqrt(std::max(0.0, sumSquares / rows - (sum / rows) * (sum / rows)));
    if (deviation > 0.0) {
        for (float &value : xy)
            value = float(value / deviation * 1e-4);
    } else {
        // Every point projects to one place (identical rows): start from a small fixed spread.
        for (int r = 0; r < rows; ++r) {
            xy[std::size_t(r) * 2] = float(1e-4 * std::cos(r * 2.399963));
            xy[std::size_t(r) * 2 + 1] = float(1e-4 * std::sin(r * 2.399963) * (1.0 + r % 7));
        }
    }
    return xy;
}

} // namespace

TsneLayout tsneLayout(const float *values, int rows, int dims, const TsneOptions &options, QString *error,
                      const ProgressCallback &progress, const CancelFlag *cancel)
{
    TsneLayout layout;
    if (rows < 4) {
        *error = QStringLiteral("a t-SNE map needs at least 4 points, got %1").arg(rows);
        return layout;
    }
    for (std::size_t i = 0; i < std::size_t(rows) * std::size_t(dims); ++i)
        if (!std::isfinite(values[i])) {
            *error = QStringLiteral("row %1 holds a value that is not a finite number").arg(i / std::size_t(dims));
            return layout;
        }
    layout.perplexity = std::max(1.0, std::min(options.perplexity, (rows - 1) / 3.0));
    if (progress)
        progress(Progress{QStringLiteral("finding neighbours"), 0, options.iterations, {}});
    SparseAffinities p;
    if (!tsneAffinities(values, rows, dims, layout.perplexity, options.seed, &p, error))
        return layout;

    std::vector<float> y = principalStart(values, rows, dims);
    const std::size_t coordinates = y.size();
    std::vector<double> update(coordinates, 0.0), gains(coordinates, 1.0), attraction(coordinates), repulsion(coordinates);
    std::vector<double> sumQ(static_cast<std::size_t>(rows));
    // scikit-learn's learning_rate="auto" (Belkina et al. 2019).
    const double learningRate = std::max(rows / options.earlyExaggeration / 4.0, 50.0);
    double z = 1.0;
    for (int iteration = 0; iteration < options.iterations; ++iteration) {
        if (cancel && cancel->load()) {
            *error = QStringLiteral("cancelled");
            return layout;
        }
        const bool early = iteration < options.exaggerationIterations;
        const double exaggeration = early ? options.earlyExaggeration : 1.0;
        const double momentum = early ? 0.5 : 0.8;
        const BarnesHutTree tree(y.data(), rows);
        at::parallel_for(0, rows, 128, [&](int64_t begin, int64_t end) {
            for (int64_t i = begin; i < end; ++i) {
                double push[2] = {0.0, 0.0};
                sumQ[std::size_t(i)] = tree.repulsion(int(i), options.theta, push);
                repulsion[std::size_t(i) * 2] = push[0];
                repulsion[std::size_t(i) * 2 + 1] = push[1];
                double pull[2] = {0.0, 0.0};
                for (int e = p.rowStart[std::size_t(i)]; e < p.rowStart[std::size_t(i) + 1]; ++e) {
                    const std::size_t j = std::size_t(p.columns[std::size_t(e)]);
                    const double dx = double(y[std::size_t(i) * 2]) - y[j * 2];
                    const double dy = double(y[std::size_t(i) * 2 + 1]) - y[j * 2 + 1];
                    const double q = 1.0 / (1.0 + dx * dx + dy * dy);
                    pull[0] += p.values[std::size_t(e)] * q * dx;
                    pull[1] += p.values[std::size_t(e)] * q * dy;
                }
                attraction[std::size_t(i) * 2] = pull[0];
                attraction[std::size_t(i) * 2 + 1] = pull[1];
            }
        });
        z = 0.0; // Σ_ij (1 + d²)⁻¹, summed in row order so that the result does not depend on the threads
        for (double share : sumQ)
            z += share;
        z = std::max(z, 1e-300);
        double meanX = 0.0, meanY = 0.0;
        for (std::size_t c = 0; c < coordinates; ++c) {
            const double gradient = 4.0 * (exaggeration * attraction[c] - repulsion[c] / z);
            // Delta-bar-delta gains: grow while the step keeps its direction, shrink when it flips.
            gains[c] = (update[c] * gradient < 0.0) ? gains[c] + 0.2 : std::max(gains[c] * 0.8, 0.01);
            update[c] = momentum * update[c] - learningRate * gains[c] * gradient;
            y[c] = float(y[c] + update[c]);
            (c % 2 == 0 ? meanX : meanY) += y[c];
        }
        // t-SNE is blind to translation; keeping the map centred keeps the floats precise.
        meanX /= rows;
        meanY /= rows;
        for (std::size_t c = 0; c < coordinates; ++c)
            y[c] = float(y[c] - (c % 2 == 0 ? meanX : meanY));
        if (progress && (iteration % 10 == 9 || iteration + 1 == options.iterations))
            progress(Progress{QStringLiteral("laying out (t-SNE)"), iteration + 1, options.iterations, {}});
    }

    // KL(P ‖ Q) with Q_ij = (1 + d²)⁻¹ / Z from the last iteration's Z (Barnes-Hut's, as scikit-learn's).
    double kl = 0.0;
    for (int i = 0; i < rows; ++i)
        for (int e = p.rowStart[std::size_t(i)]; e < p.rowStart[std::size_t(i) + 1]; ++e) {
            const std::size_t j = std::size_t(p.columns[std::size_t(e)]);
            const double dx = double(y[std::size_t(i) * 2]) - y[j * 2];
            const double dy = double(y[std::size_t(i) * 2 + 1]) - y[j * 2 + 1];
            const double q = 1.0 / (1.0 + dx * dx + dy * dy) / z;
            const double pij = p.values[std::size_t(e)];
            if (pij > 0.0)
                kl += pij * std::log(std::max(pij, 1e-12) / std::max(q, 1e-12));
        }
    layout.klDivergence = kl;
    layout.xy = std::move(y);
    return layout;
}
