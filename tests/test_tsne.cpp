// The embedding map's t-SNE against the Python peer: on clustered data, scikit-learn's own
// trustworthiness of our layout is within 0.01 of the layout scikit-learn's TSNE makes with the
// same settings; the layout is deterministic, keeps the clusters apart, and bad input is refused
// with the reason. Plus the quadtree's repulsion against the exact sum.
#include "core/eval/barneshuttree.h"
#include "core/eval/embeddingtable.h"
#include "core/eval/tsne.h"
#include "tests/testsupport.h"

#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <limits>
#include <random>

namespace {

/** `clusters` Gaussian blobs in `dims` dimensions, `perCluster` points each; the blob of each row in *labels. */
std::vector<float> blobs(int clusters, int perCluster, int dims, std::vector<int> *labels)
{
    std::mt19937 random(3);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> centres(std::size_t(clusters) * std::size_t(dims));
    for (float &value : centres)
        value = 6.0f * normal(random);
    std::vector<float> values;
    for (int c = 0; c < clusters; ++c)
        for (int i = 0; i < perCluster; ++i) {
            for (int d = 0; d < dims; ++d)
                values.push_back(centres[std::size_t(c) * std::size_t(dims) + std::size_t(d)] + normal(random));
            labels->push_back(c);
        }
    return values;
}

} // namespace

class TestTsne : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void treeRepulsionMatchesTheExactSum();
    void layoutIsAsTrustworthyAsScikitLearns();
    void layoutIsDeterministic();
    void badInputIsRefused();

private:
    QTemporaryDir m_dir;
};

void TestTsne::treeRepulsionMatchesTheExactSum()
{
    std::mt19937 random(1);
    std::uniform_real_distribution<float> uniform(-5.0f, 5.0f);
    std::vector<float> xy(2 * 300);
    for (float &value : xy)
        value = uniform(random);
    xy[2 * 7] = xy[2 * 8]; // a duplicate point pushes nothing and is not pushed by its twin
    xy[2 * 7 + 1] = xy[2 * 8 + 1];
    const BarnesHutTree tree(xy.data(), 300);
    for (int i : {0, 7, 150, 299}) {
        double exact[2] = {0.0, 0.0}, exactQ = 0.0;
        for (int j = 0; j < 300; ++j) {
            if (j == i)
                continue;
            const double dx = double(xy[2 * i]) - xy[2 * j], dy = double(xy[2 * i + 1]) - xy[2 * j + 1];
            const double q = 1.0 / (1.0 + dx * dx + dy * dy);
            exactQ += q;
            exact[0] += q * q * dx;
            exact[1] += q * q * dy;
        }
        double force[2] = {0.0, 0.0};
        QVERIFY(std::abs(tree.repulsion(i, /*theta=*/0.0, force) - exactQ) < 1e-9 * exactQ); // theta 0: exact
        QVERIFY2(std::abs(force[0] - exact[0]) < 1e-9 && std::abs(force[1] - exact[1]) < 1e-9, qPrintable(QStringLiteral("point %1: (%2, %3) vs (%4, %5)").arg(i).arg(force[0]).arg(force[1]).arg(exact[0]).arg(exact[1])));
        double approximate[2] = {0.0, 0.0};
        const double q = tree.repulsion(i, /*theta=*/0.5, approximate);
        QVERIFY2(std::abs(q - exactQ) < 0.02 * exactQ, qPrintable(QStringLiteral("ΣQ %1 vs %2").arg(q).arg(exactQ)));
    }
}

void TestTsne::layoutIsAsTrustworthyAsScikitLearns()
{
    std::vector<int> labels;
    const int dims = 32;
    const std::vector<float> values = blobs(/*clusters=*/8, /*perCluster=*/100, dims, &labels);
    const int rows = int(labels.size());
    QString error;
    int reports = 0;
    const TsneLayout layout = tsneLayout(values.data(), rows, dims, TsneOptions{}, &error, [&](const Progress &) { ++reports; });
    QVERIFY2(!layout.xy.empty(), qPrintable(error));
    QCOMPARE(int(layout.xy.size()), rows * 2);
    QVERIFY(reports >= 100);
    QVERIFY(layout.klDivergence > 0.0 && layout.klDivergence < 3.0);

    // Each point's nearest map neighbour lies in its own blob.
    int sameBlob = 0;
    for (int i = 0; i < rows; ++i) {
        int nearest = -1;
        double best = std::numeric_limits<double>::infinity();
        for (int j = 0; j < rows; ++j) {
            const double dx = layout.xy[std::size_t(2 * i)] - layout.xy[std::size_t(2 * j)];
            const double dy = layout.xy[std::size_t(2 * i + 1)] - layout.xy[std::size_t(2 * j + 1)];
            if (j != i && dx * dx + dy * dy < best) {
                best = dx * dx + dy * dy;
                nearest = j;
            }
        }
        sameBlob += labels[std::size_t(nearest)] == labels[std::size_t(i)] ? 1 : 0;
    }
    QVERIFY2(sameBlob >= rows * 99 / 100, qPrintable(QStringLiteral("%1 of %2").arg(sameBlob).arg(rows)));

    const QString data = m_dir.filePath(QStringLiteral("x.npy"));
    const QString ours = m_dir.filePath(QStringLiteral("y.npy"));
    testsupport::writeFile(data, npyBytes(values.data(), rows, dims));
    testsupport::writeFile(ours, npyBytes(layout.xy.data(), rows, 2));
    const QString script = m_dir.filePath(QStringLiteral("trust.py"));
    testsupport::writeFile(script, R"PY(
import sys, numpy as np
from sklearn.manifold import TSNE, trustworthiness
x = np.load(sys.argv[1]); ours = np.load(sys.argv[2])
theirs = TSNE(n_components=2, perplexity=30.0, init="pca", learning_rate="auto", random_state=0).fit_transform(x)
print("ours %.4f sklearn %.4f" % (trustworthiness(x, ours, n_neighbors=10), trustworthiness(x, theirs, n_neighbors=10)))
)PY");
    QProcess python;
    python.start(QStringLiteral(FUSIONSCOPE_PEER_PYTHON), {script, data, ours});
    QVERIFY(python.waitForFinished(300000));
    const QByteArray printed = python.readAllStandardOutput().trimmed();
    QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
    const QList<QByteArray> words = printed.split(' ');
    QCOMPARE(words.size(), 4);
    const double oursTrust = words[1].toDouble(), sklearnTrust = words[3].toDouble();
    qInfo("trustworthiness (k 10): %s", printed.constData());
    QVERIFY2(oursTrust >= sklearnTrust - 0.01, printed.constData());
}

void TestTsne::layoutIsDeterministic()
{
    std::vector<int> labels;
    const std::vector<float> values = blobs(3, 30, 8, &labels);
    TsneOptions options;
    options.iterations = 300;
    QString error;
    const TsneLayout first = tsneLayout(values.data(), 90, 8, options, &error);
    const TsneLayout second = tsneLayout(values.data(), 90, 8, options, &error);
    QVERIFY(!first.xy.empty());
    QVERIFY(first.xy == second.xy);
    QCOMPARE(first.perplexity, 29.0 + 2.0 / 3.0); // lowered to (rows − 1) / 3
}

void TestTsne::badInputIsRefused()
{
    QString error;
    const float three[6] = {0, 1, 2, 3, 4, 5};
    QVERIFY(tsneLayout(three, 3, 2, {}, &error).xy.empty());
    QCOMPARE(error, QStringLiteral("a t-SNE map needs at least 4 points, got 3"));
    std::vector<float> values(5 * 2, 1.0f);
    values[7] = std::numeric_limits<float>::quiet_NaN();
    QVERIFY(tsneLayout(values.data(), 5, 2, {}, &error).xy.empty());
    QCOMPARE(error, QStringLiteral("row 3 holds a value that is not a finite number"));
    // Identical points are laid out (nothing to separate them), not a crash or NaNs.
    std::vector<float> same(6 * 3, 0.5f);
    TsneOptions options;
    options.iterations = 50;
    const TsneLayout layout = tsneLayout(same.data(), 6, 3, options, &error);
    QCOMPARE(int(layout.xy.size()), 12);
    for (float value : layout.xy)
        QVERIFY(std::isfinite(value));
    CancelFlag cancel{true};
    QVERIFY(tsneLayout(same.data(), 6, 3, {}, &error, {}, &cancel).xy.empty());
    QCOMPARE(error, QStringLiteral("cancelled"));
}

QTEST_GUILESS_MAIN(TestTsne)
#include "test_tsne.moc"
