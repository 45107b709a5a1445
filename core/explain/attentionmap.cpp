#include "core/explain/attentionmap.h"

#include <QtCore/QStringList>

#include <numeric>

std::vector<float> AttentionMap::head(int head) const
{
    const std::size_t plane = std::size_t(queries) * std::size_t(keys);
    std::vector<float> out(plane, 0.0f);
    if (weights.size() != plane * std::size_t(heads) || heads <= 0)
        return out;
    if (head >= 0 && head < heads) {
        std::copy_n(weights.begin() + std::ptrdiff_t(plane * std::size_t(head)), plane, out.begin());
        return out;
    }
    for (int h = 0; h < heads; ++h) {
        const float *in = weights.data() + plane * std::size_t(h);
        for (std::size_t i = 0; i < plane; ++i)
            out[i] += in[i];
    }
    const float scale = 1.0f / float(heads);
    for (float &value : out)
        value *= scale;
    return out;
}

bool AttentionMap::parseName(const QString &name, AttentionMap *map)
{
    const QStringList parts = name.split(QLatin1Char('/'));
    if (parts.size() != 3 || parts.at(0) != QLatin1String("attn") || parts.at(1).isEmpty())
        return false;
    bool ok = false;
    const int layer = parts.at(2).toInt(&ok);
    if (!ok || layer < 0)
        return false;
    map->name = name;
    map->family = parts.at(1);
    map->layer = layer;
    const int arrow = map->family.indexOf(QLatin1String("->"));
    if (arrow > 0) {
        map->query = map->family.left(arrow);
        map->key = map->family.mid(arrow + 2);
    } else {
        map->query = QStringLiteral("all");
        map->key = QStringLiteral("all");
    }
    return true;
}

std::vector<float> meanRows(const std::vector<float> &matrix, int rows, int cols, const std::vector<bool> &rowMask)
{
    std::vector<float> out(std::size_t(std::max(cols, 0)), 0.0f);
    if (rows <= 0 || cols <= 0 || matrix.size() < std::size_t(rows) * std::size_t(cols))
        return out;
    int picked = 0;
    for (int r = 0; r < rows; ++r)
        picked += (std::size_t(r) < rowMask.size() && rowMask[std::size_t(r)]) ? 1 : 0;
    const bool all = picked == 0;
    for (int r = 0; r < rows; ++r) {
        if (!all && !(std::size_t(r) < rowMask.size() && rowMask[std::size_t(r)]))
            continue;
        const float *row = matrix.data() + std::size_t(r) * std::size_t(cols);
        for (int c = 0; c < cols; ++c)
            out[std::size_t(c)] += row[c];
    }
    const float scale = 1.0f / float(all ? rows : picked);
    for (float &value : out)
        value *= scale;
    return out;
}

std::vector<float> meanOf(const std::vector<std::vector<float>> &vectors)
{
    if (vectors.empty())
        return {};
    std::vector<float> out(vectors.front().size(), 0.0f);
    for (const std::vector<float> &v : vectors) {
        for (std::size_t i = 0; i < std::min(out.size(), v.size()); ++i)
            out[i] += v[i];
    }
    for (float &value : out)
        value /= float(vectors.size());
    return out;
}

void normaliseSum(std::vector<float> *values)
{
    const double sum = std::accumulate(values->begin(), values->end(), 0.0);
    if (sum <= 0.0)
        return;
    for (float &value : *values)
        value = float(double(value) / sum);
}

std::vector<float> attentionRollout(const std::vector<const AttentionMap *> &layers)
{
    if (layers.empty())
        return {};
    const int n = layers.front()->queries;
    for (const AttentionMap *map : layers) {
        if (map->queries != n || map->keys != n || n <= 0)
            return {};
    }
    const std::size_t size = std::size_t(n);
    std::vector<double> rollout;
    std::vector<double> product(size * size);
    for (const AttentionMap *map : layers) {
        // The residual connection carries each token's own state past the attention: A + I.
        std::vector<double> step(size * size);
        const std::vector<float> average = map->headAverage();
        for (std::size_t i = 0; i < size; ++i) {
            double rowSum = 0.0;
            for (std::size_t j = 0; j < size; ++j) {
                step[i * size + j] = double(average[i * size + j]) + (i == j ? 1.0 : 0.0);
                rowSum += step[i * size + j];
            }
            for (std::size_t j = 0; j < size; ++j)
                step[i * size + j] /= rowSum;
        }
        if (rollout.empty()) {
            rollout = std::move(step);
            continue;
        }
        // rollout = step · rollout (the later layer on the left).
        std::fill(product.begin(), product.end(), 0.0);
        for (std::size_t i = 0; i < size; ++i) {
            for (std::size_t k = 0; k < size; ++k) {
                const double a = step[i * size + k];
                if (a == 0.0)
                    continue;
                const double *in = rollout.data() + k * size;
                double *out = product.data() + i * size;
                for (std::size_t j = 0; j < size; ++j)
                    out[j] += a * in[j];
            }
        }
        rollout.swap(product);
    }
    return std::vector<float>(rollout.begin(), rollout.end());
}
