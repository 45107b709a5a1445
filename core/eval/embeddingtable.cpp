#include "core/eval/embeddingtable.h"

#include "core/data/dataset.h"
#include "core/util/atomicfile.h"

#include <QtCore/QDir>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace {

/** A metadata cell: the Projector splits on tabs and lines, with no quoting. */
QString cell(QString text)
{
    for (QChar &c : text) {
        if (c == QLatin1Char('\t') || c == QLatin1Char('\n') || c == QLatin1Char('\r'))
            c = QLatin1Char(' ');
    }
    return text.isEmpty() ? QStringLiteral("-") : text;
}

QString presentModalities(PresenceMask mask)
{
    QStringList names;
    const char *kNames[] = {"text", "image", "audio"};
    for (int m = 0; m < 3; ++m) {
        if (mask[std::size_t(m)])
            names << QLatin1String(kNames[m]);
    }
    return names.join(QLatin1Char('+'));
}

/** Rows scaled to unit length (a zero row stays zero), so a dot product is the cosine. */
std::vector<float> normalisedRows(const EmbeddingTable &table)
{
    std::vector<float> unit(table.values);
    for (int r = 0; r < table.rows(); ++r) {
        float *row = unit.data() + std::size_t(r) * std::size_t(table.dim);
        double norm = 0.0;
        for (int d = 0; d < table.dim; ++d)
            norm += double(row[d]) * double(row[d]);
        const float scale = norm > 0.0 ? float(1.0 / std::sqrt(norm)) : 0.0f;
        for (int d = 0; d < table.dim; ++d)
            row[d] *= scale;
    }
    return unit;
}

} // namespace

QByteArray npyBytes(const float *values, int rows, int cols)
{
    QByteArray header = QStringLiteral("{'descr': '<f4', 'fortran_order': False, 'shape': (%1, %2), }").arg(rows).arg(cols).toLatin1();
    // Magic (6) + version (2) + length (2) + header + '\n' is a multiple of 64 (NPY 1.0).
    const int unpadded = 10 + int(header.size()) + 1;
    header.append(QByteArray((64 - unpadded % 64) % 64, ' '));
    header.append('\n');
    QByteArray bytes("\x93NUMPY\x01\x00", 8);
    bytes.append(char(header.size() & 0xff));
    bytes.append(char((header.size() >> 8) & 0xff));
    bytes.append(header);
    static_assert(std::numeric_limits<float>::is_iec559, "NPY '<f4' is IEEE single precision");
    bytes.append(reinterpret_cast<const char *>(values), qsizetype(sizeof(float)) * rows * cols); // x86-64: little-endian
    return bytes;
}

bool writeEmbeddingFiles(const QString &directory, const EmbeddingTable &table, const Dataset &dataset, QString *error)
{
    if (!QDir().mkpath(directory)) {
        *error = QStringLiteral("cannot create %1").arg(QDir::toNativeSeparators(directory));
        return false;
    }
    const QDir dir(directory);
    QByteArray tensors;
    tensors.reserve(qsizetype(table.values.size()) * 11);
    for (int r = 0; r < table.rows(); ++r) {
        const float *row = table.row(r);
        for (int d = 0; d < table.dim; ++d) {
            if (d > 0)
                tensors.append('\t');
            tensors.append(QByteArray::number(double(row[d]), 'g', 9)); // 9 digits: a float round-trips
        }
        tensors.append('\n');
    }
    QString metadata = QStringLiteral("id\tsplit\tlabel\tmodalities\n");
    for (int index : table.indices) {
        const SampleRecord &record = dataset.record(index);
        metadata += cell(record.id) + QLatin1Char('\t') + splitName(record.split) + QLatin1Char('\t') + cell(record.label)
                    + QLatin1Char('\t') + cell(presentModalities(dataset.presence(index))) + QLatin1Char('\n');
    }
    return writeFileAtomically(dir.filePath(QStringLiteral("tensors.tsv")), tensors, error)
           && writeFileAtomically(dir.filePath(QStringLiteral("metadata.tsv")), metadata.toUtf8(), error)
           && writeFileAtomically(dir.filePath(QStringLiteral("embeddings.npy")),
                                  npyBytes(table.values.data(), table.rows(), table.dim), error);
}

double knnAccuracy(const EmbeddingTable &reference, const std::vector<int> &referenceClasses, const EmbeddingTable &query,
                   const std::vector<int> &queryClasses, int k)
{
    if (reference.dim != query.dim || reference.rows() == 0 || k < 1)
        return std::nan("");
    const std::vector<float> refUnit = normalisedRows(reference);
    const std::vector<float> queryUnit = normalisedRows(query);
    std::vector<int> usable;
    for (int r = 0; r < reference.rows(); ++r) {
        if (referenceClasses[std::size_t(r)] >= 0)
            usable.push_back(r);
    }
    const int neighbours = std::min<int>(k, int(usable.size()));
    if (neighbours == 0)
        return std::nan("");
    const int classes = 1 + *std::max_element(referenceClasses.begin(), referenceClasses.end());
    std::vector<float> similarity(usable.size());
    std::vector<int> order(usable.size());
    std::vector<int> votes(std::size_t(std::max(classes, 1)));
    int scored = 0;
    int right = 0;
    for (int q = 0; q < query.rows(); ++q) {
        const int truth = queryClasses[std::size_t(q)];
        if (truth < 0)
            continue;
        const float *a = queryUnit.data() + std::size_t(q) * std::size_t(query.dim);
        for (std::size_t u = 0; u < usable.size(); ++u) {
            const float *b = refUnit.data() + std::size_t(usable[u]) * std::size_t(reference.dim);
            float dot = 0.0f;
            for (int d = 0; d < query.dim; ++d)
                dot += a[d] * b[d];
            similarity[u] = dot;
        }
        std::iota(order.begin(), order.end(), 0);
        std::partial_sort(order.begin(), order.begin() + neighbours, order.end(),
                          [&](int x, int y) { return similarity[std::size_t(x)] > similarity[std::size_t(y)]; });
        std::fill(votes.begin(), votes.end(), 0);
        int best = -1;
        for (int n = 0; n < neighbours; ++n) { // in order of similarity: the first to reach a count wins ties
            const int c = referenceClasses[std::size_t(usable[std::size_t(order[std::size_t(n)])])];
            ++votes[std::size_t(c)];
        }
        for (int n = 0; n < neighbours; ++n) {
            const int c = referenceClasses[std::size_t(usable[std::size_t(order[std::size_t(n)])])];
            if (best < 0 || votes[std::size_t(c)] > votes[std::size_t(best)])
                best = c;
        }
        ++scored;
        right += best == truth ? 1 : 0;
    }
    return scored > 0 ? double(right) / double(scored) : std::nan("");
}
