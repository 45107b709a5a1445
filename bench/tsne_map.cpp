// The embedding map's t-SNE on an [N, D] float32 .npy: prints the seconds it took and writes
// the layout as [N, 2] float32 .npy. bench/tsne_map.sh feeds it and compares with scikit-learn.
// Usage: bench_tsne_map IN.npy OUT.npy
#include "core/eval/embeddingtable.h"
#include "core/eval/tsne.h"
#include "core/util/atomicfile.h"
#include "core/util/threads.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>

#include <cstdio>
#include <cstring>

namespace {

/** The rows, columns and values of a float32 C-order NPY 1.0 file (what numpy.save writes); false otherwise. */
bool readNpy(const QString &path, int *rows, int *cols, std::vector<float> *values)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    const QByteArray bytes = file.readAll();
    if (bytes.size() < 10 || !bytes.startsWith("\x93NUMPY\x01"))
        return false;
    const int headerLength = quint8(bytes[8]) | (quint8(bytes[9]) << 8);
    const QByteArray header = bytes.mid(10, headerLength);
    const int shape = header.indexOf("'shape': (");
    if (!header.contains("'descr': '<f4'") || header.contains("'fortran_order': True") || shape < 0)
        return false;
    const QList<QByteArray> dims = header.mid(shape + 10, header.indexOf(')', shape) - shape - 10).split(',');
    if (dims.size() < 2)
        return false;
    *rows = dims[0].trimmed().toInt();
    *cols = dims[1].trimmed().toInt();
    const qint64 expected = qint64(*rows) * *cols * 4;
    if (*rows <= 0 || *cols <= 0 || bytes.size() - 10 - headerLength != expected)
        return false;
    values->resize(std::size_t(*rows) * std::size_t(*cols));
    std::memcpy(values->data(), bytes.constData() + 10 + headerLength, std::size_t(expected));
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 3) {
        std::fprintf(stderr, "usage: bench_tsne_map IN.npy OUT.npy\n");
        return 2;
    }
    configureComputeThreads(0);
    int rows = 0, cols = 0;
    std::vector<float> values;
    if (!readNpy(QString::fromLocal8Bit(argv[1]), &rows, &cols, &values)) {
        std::fprintf(stderr, "%s: not a float32 [N, D] .npy file\n", argv[1]);
        return 1;
    }
    QString error;
    QElapsedTimer clock;
    clock.start();
    const TsneLayout layout = tsneLayout(values.data(), rows, cols, TsneOptions{}, &error);
    const double seconds = clock.elapsed() / 1000.0;
    if (layout.xy.empty() || !writeFileAtomically(QString::fromLocal8Bit(argv[2]), npyBytes(layout.xy.data(), rows, 2), &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    std::printf("fusionscope: %d x %d -> 2-D in %.1f s (KL %.3f)\n", rows, cols, seconds, layout.klDivergence);
    return 0;
}
