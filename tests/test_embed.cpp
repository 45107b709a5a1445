// fusionscope embed as a user runs it: a trained model's test-split embeddings as the
// Embedding Projector's TSV pair and an .npy that NumPy and Python's torch.jit.load agree
// with, the k-NN accuracy against the train split, and clear refusals. Plus the writers and
// the k-NN vote on values worked by hand.
#include "core/data/dataset.h"
#include "core/eval/embeddingtable.h"
#include "core/eval/linearprobe.h"
#include "tests/testsupport.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <cstring>

namespace {

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

EmbeddingTable table(int dim, const std::vector<std::vector<float>> &rows)
{
    EmbeddingTable t;
    t.dim = dim;
    for (std::size_t r = 0; r < rows.size(); ++r) {
        t.indices.push_back(int(r));
        t.values.insert(t.values.end(), rows[r].begin(), rows[r].end());
    }
    return t;
}

} // namespace

class TestEmbed : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void npyHeaderIsNumpys();
    void knnVotesByCosine();
    void metadataCellsCannotBreakTheTable();
    void linearProbeSeparatesWhatALineSeparates();
    void embedWritesProjectorFilesAndKnn();
    void embedLaysTheSplitOutAsAMap();
    void pythonComputesTheSameEmbeddings();
    void badInputIsRefusedClearly();

private:
    QTemporaryDir m_dir;
    QString m_data;
    QString m_model;
    QString m_out;
};

void TestEmbed::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_data = m_dir.filePath(QStringLiteral("demo"));
    m_out = m_dir.filePath(QStringLiteral("embedded"));
    const auto made = testsupport::runFusionscope({QStringLiteral("demo-data"), QStringLiteral("--samples"), QStringLiteral("160"),
                                                   QStringLiteral("--out"), m_data});
    QVERIFY2(made.exitCode == 0, made.err.constData());
    const QString config = m_dir.filePath(QStringLiteral("tiny.json"));
    testsupport::writeFile(config, R"({"model":{"dim":16,"heads":2},"train":{"batch_size":16,"precision":"fp32"}})");
    const QString run = m_dir.filePath(QStringLiteral("run"));
    const auto trained = testsupport::runFusionscope({QStringLiteral("train"), m_data, QStringLiteral("--epochs"), QStringLiteral("2"),
                                                      QStringLiteral("--config"), config, QStringLiteral("--out"), run});
    QVERIFY2(trained.exitCode == 0, trained.err.constData());
    m_model = run + QStringLiteral("/model.pt");
}

void TestEmbed::npyHeaderIsNumpys()
{
    const float values[6] = {1.0f, -2.5f, 3.0f, 0.0f, 1e-7f, 42.0f};
    const QByteArray bytes = npyBytes(values, 2, 3);
    QVERIFY(bytes.startsWith(QByteArray("\x93NUMPY\x01\x00", 8)));
    const int headerLength = int(quint8(bytes[8])) | (int(quint8(bytes[9])) << 8);
    QCOMPARE((10 + headerLength) % 64, 0); // the data starts 64-byte aligned
    const QByteArray header = bytes.mid(10, headerLength);
    QVERIFY(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"));
    QVERIFY(header.endsWith('\n'));
    QCOMPARE(bytes.size(), 10 + headerLength + 24);
    float back[6];
    std::memcpy(back, bytes.constData() + 10 + headerLength, sizeof back);
    for (int i = 0; i < 6; ++i)
        QCOMPARE(back[i], values[i]);
}

void TestEmbed::knnVotesByCosine()
{
    // References: class 0 points along +x, class 1 along +y; lengths differ (cosine ignores them).
    const EmbeddingTable reference = table(2, {{1, 0}, {5, 0.5f}, {0.2f, 0}, {0, 1}, {0.1f, 3}, {-1, 0}});
    const std::vector<int> referenceClasses{0, 0, 0, 1, 1, -1}; // the last one is unlabeled: never a neighbour
    // Query 0 is near +x (class 0, right); query 1 near +y but labelled 0 (wrong); query 2 unlabeled.
    const EmbeddingTable query = table(2, {{2, 0.1f}, {0, 2}, {1, 1}});
    QCOMPARE(knnAccuracy(reference, referenceClasses, query, {0, 0, -1}, 1), 0.5);
    // k 3: for query 1, (0, 1) and (0.1, 3) vote 1 and (5, 0.5) votes 0 → class 1; query 0 → class 0: both right.
    QCOMPARE(knnAccuracy(reference, referenceClasses, query, {0, 1, -1}, 3), 1.0);
    // k larger than the references: every labelled one votes, 3 against 2.
    QCOMPARE(knnAccuracy(reference, referenceClasses, query, {1, 1, -1}, 50), 0.0);
    QVERIFY(std::isnan(knnAccuracy(reference, referenceClasses, query, {-1, -1, -1}, 3)));
    QVERIFY(std::isnan(knnAccuracy(table(3, {{1, 0, 0}}), {0}, query, {0, 0, 0}, 1))); // dimensions differ
}

void TestEmbed::linearProbeSeparatesWhatALineSeparates()
{
    // Three classes along the first axis, noise on the second: a line separates them.
    std::vector<std::vector<float>> rows;
    std::vector<int> classes;
    for (int i = 0; i < 300; ++i) {
        const int c = i % 3;
        rows.push_back({float(4 * c) + float((i * 37) % 11) / 11.0f, float((i * 53) % 17) / 17.0f});
        classes.push_back(i % 50 == 0 ? -1 : c); // a few unlabeled rows are skipped
    }
    const EmbeddingTable points = table(2, rows);
    const LinearProbeResult all = linearProbe(points, classes, points, classes, 1.0, 1);
    QCOMPARE(all.trainRows, 294);
    QCOMPARE(all.accuracy, 1.0);
    // 10 %: ceil(0.1 · 98) = 10 rows of each class, still enough for a line.
    const LinearProbeResult tenth = linearProbe(points, classes, points, classes, 0.1, 1);
    QCOMPARE(tenth.trainRows, 30);
    QCOMPARE(tenth.accuracy, 1.0);
    QCOMPARE(linearProbe(points, classes, points, classes, 0.1, 1).accuracy, tenth.accuracy); // seeded
    QCOMPARE(linearProbe(points, classes, points, classes, 0.001, 1).trainRows, 3); // at least one per class
    // XOR is what no line separates: at most three of the four corners.
    const EmbeddingTable corners = table(2, {{0, 0}, {1, 1}, {0, 1}, {1, 0}});
    QVERIFY(linearProbe(corners, {0, 0, 1, 1}, corners, {0, 0, 1, 1}, 1.0, 1).accuracy <= 0.75);
    QVERIFY(std::isnan(linearProbe(points, classes, points, std::vector<int>(300, -1), 1.0, 1).accuracy));
}

void TestEmbed::metadataCellsCannotBreakTheTable()
{
    QTemporaryDir dir;
    testsupport::writeFile(dir.filePath(QStringLiteral("manifest.jsonl")),
                           "{\"id\":\"s0\",\"text\":\"one\",\"label\":\"tab\\there\",\"split\":\"test\"}\n"
                           "{\"id\":\"s1\",\"text\":\"two\",\"label\":\"line\\nbreak\",\"split\":\"test\"}\n");
    const std::shared_ptr<const Dataset> dataset = Dataset::load(dir.path());
    QVERIFY(dataset && dataset->size() == 2);
    const EmbeddingTable rows = table(2, {{0.5f, -1.0f}, {0.25f, 1e-9f}});
    QString error;
    QVERIFY2(writeEmbeddingFiles(dir.filePath(QStringLiteral("out")), rows, *dataset, &error), qPrintable(error));
    const QList<QByteArray> metadata = readAll(dir.filePath(QStringLiteral("out/metadata.tsv"))).split('\n');
    QCOMPARE(metadata.at(0), QByteArray("id\tsplit\tlabel\tmodalities"));
    QCOMPARE(metadata.at(1), QByteArray("s0\ttest\ttab here\ttext"));
    QCOMPARE(metadata.at(2), QByteArray("s1\ttest\tline break\ttext"));
    QCOMPARE(readAll(dir.filePath(QStringLiteral("out/tensors.tsv"))), QByteArray("0.5\t-1\n0.25\t9.99999972e-10\n"));
}

void TestEmbed::embedWritesProjectorFilesAndKnn()
{
    const auto run = testsupport::runFusionscope({QStringLiteral("embed"), m_model, m_data, QStringLiteral("--out"), m_out});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    int testSamples = 0;
    for (const QByteArray &line : readAll(m_data + QStringLiteral("/manifest.jsonl")).split('\n'))
        testSamples += line.contains("\"split\":\"test\"") ? 1 : 0;
    QVERIFY(testSamples > 10);
    const QJsonObject summary = QJsonDocument::fromJson(readAll(m_out + QStringLiteral("/embed.json"))).object();
    const int dim = summary.value(QStringLiteral("dim")).toInt();
    QVERIFY(dim >= 16); // the fusion's hidden width
    const QList<QByteArray> tensors = readAll(m_out + QStringLiteral("/tensors.tsv")).trimmed().split('\n');
    QCOMPARE(tensors.size(), testSamples);
    for (const QByteArray &row : tensors)
        QCOMPARE(row.split('\t').size(), dim);
    const QList<QByteArray> metadata = readAll(m_out + QStringLiteral("/metadata.tsv")).trimmed().split('\n');
    QCOMPARE(metadata.size(), testSamples + 1); // a header, then a row per sample
    QVERIFY(metadata.at(1).split('\t').at(1) == "test");
    QCOMPARE(summary.value(QStringLiteral("rows")).toInt(), testSamples);
    const double knn = summary.value(QStringLiteral("knn_accuracy")).toDouble(-1);
    QVERIFY(knn >= 0.0 && knn <= 1.0);
    QVERIFY2(run.out.contains(QStringLiteral("k-NN accuracy (k 10, cosine, against the train split): %1 %")
                                  .arg(100.0 * knn, 0, 'f', 1).toUtf8()), run.out.constData());
    const QJsonObject probe = summary.value(QStringLiteral("linear_probe")).toObject();
    int trainSamples = 0;
    for (const QByteArray &line : readAll(m_data + QStringLiteral("/manifest.jsonl")).split('\n'))
        trainSamples += line.contains("\"split\":\"train\"") ? 1 : 0;
    QCOMPARE(probe.value(QStringLiteral("100")).toObject().value(QStringLiteral("train_samples")).toInt(), trainSamples);
    const int tenth = probe.value(QStringLiteral("10")).toObject().value(QStringLiteral("train_samples")).toInt();
    QVERIFY2(tenth >= trainSamples / 10 && tenth <= trainSamples / 10 + 10, qPrintable(QString::number(tenth))); // ceil per class
    const double probed = probe.value(QStringLiteral("100")).toObject().value(QStringLiteral("accuracy")).toDouble(-1);
    QVERIFY(probed >= 0.0 && probed <= 1.0);
    QVERIFY2(run.out.contains(QStringLiteral("linear probe (logistic regression on train-split embeddings): %1 % (100 % of the labels")
                                  .arg(100.0 * probed, 0, 'f', 1).toUtf8()), run.out.constData());

    // The train split has nothing to be compared with: said, not a meaningless number.
    const auto train = testsupport::runFusionscope({QStringLiteral("embed"), m_model, m_data, QStringLiteral("--split"),
                                                    QStringLiteral("train"), QStringLiteral("--out"), m_dir.filePath(QStringLiteral("train"))});
    QVERIFY2(train.exitCode == 0, train.err.constData());
    QVERIFY2(train.out.contains("overlaps the train split"), train.out.constData());
}

void TestEmbed::embedLaysTheSplitOutAsAMap()
{
    // --layout tsne: layout.tsv names each row of metadata.tsv with its place on the map.
    const QString out = m_dir.filePath(QStringLiteral("mapped"));
    const auto run = testsupport::runFusionscope({QStringLiteral("embed"), m_model, m_data, QStringLiteral("--layout"), QStringLiteral("tsne"),
                                                  QStringLiteral("--perplexity"), QStringLiteral("5"), QStringLiteral("--no-probe"),
                                                  QStringLiteral("--no-retrieval"), QStringLiteral("--out"), out});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QVERIFY2(run.out.contains("layout.tsv") && run.out.contains("t-SNE map: perplexity 5, KL divergence"), run.out.constData());
    const QList<QByteArray> layout = readAll(out + QStringLiteral("/layout.tsv")).trimmed().split('\n');
    const QList<QByteArray> metadata = readAll(out + QStringLiteral("/metadata.tsv")).trimmed().split('\n');
    QCOMPARE(layout.size(), metadata.size());
    QCOMPARE(layout.at(0), QByteArray("id\tx\ty"));
    for (int row = 1; row < layout.size(); ++row) {
        const QList<QByteArray> cells = layout.at(row).split('\t');
        QCOMPARE(cells.size(), 3);
        QCOMPARE(cells.at(0), metadata.at(row).split('\t').at(0));
        bool xOk = false, yOk = false;
        QVERIFY(std::isfinite(cells.at(1).toDouble(&xOk)) && std::isfinite(cells.at(2).toDouble(&yOk)) && xOk && yOk);
    }
    const QJsonObject summary = QJsonDocument::fromJson(readAll(out + QStringLiteral("/embed.json"))).object();
    const QJsonObject map = summary.value(QStringLiteral("layout")).toObject();
    QCOMPARE(map.value(QStringLiteral("method")).toString(), QStringLiteral("tsne"));
    QCOMPARE(map.value(QStringLiteral("perplexity")).toDouble(), 5.0);
    QVERIFY(map.value(QStringLiteral("kl_divergence")).toDouble(-1) > 0.0);

    const auto method = testsupport::runFusionscope({QStringLiteral("embed"), m_model, m_data, QStringLiteral("--layout"), QStringLiteral("umap"),
                                                     QStringLiteral("--out"), m_dir.filePath(QStringLiteral("never"))});
    QCOMPARE(method.exitCode, 2);
    QVERIFY2(method.err.contains("--layout must be tsne or none, got 'umap'"), method.err.constData());
    const auto perplexity = testsupport::runFusionscope({QStringLiteral("embed"), m_model, m_data, QStringLiteral("--layout"), QStringLiteral("tsne"),
                                                         QStringLiteral("--perplexity"), QStringLiteral("zero"), QStringLiteral("--out"),
                                                         m_dir.filePath(QStringLiteral("never"))});
    QCOMPARE(perplexity.exitCode, 2);
    QVERIFY2(perplexity.err.contains("--perplexity must be a number from 1 to 1000, got 'zero'"), perplexity.err.constData());
    QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("never"))));
}

void TestEmbed::pythonComputesTheSameEmbeddings()
{
    // The first test batch's inputs (eval --dump-batch), run through torch.jit.load in Python:
    // its "embedding" equals the first rows of embeddings.npy.
    const QString dump = m_dir.filePath(QStringLiteral("batch.pt"));
    const auto dumped = testsupport::runFusionscope({QStringLiteral("eval"), m_model, m_data, QStringLiteral("--precision"),
                                                     QStringLiteral("fp32"), QStringLiteral("--no-subsets"), QStringLiteral("--dump-batch"), dump});
    QVERIFY2(dumped.exitCode == 0, dumped.err.constData());
    const QString script = m_dir.filePath(QStringLiteral("peer.py"));
    testsupport::writeFile(script, R"PY(
import json, sys, numpy, torch
model = torch.jit.load(sys.argv[1]).eval()
batch = torch.load(sys.argv[2])
saved = torch.from_numpy(numpy.load(sys.argv[3]))
with torch.no_grad():
    embedding = model(batch['text'], batch['image'], batch['audio'], batch['present'])['embedding']
rows = embedding.shape[0]
print(json.dumps({'rows': rows, 'dtype': str(saved.dtype), 'diff': float((embedding - saved[:rows]).abs().max())}))
)PY");
    QProcess python;
    python.start(QStringLiteral(FUSIONSCOPE_PEER_PYTHON), {script, m_model, dump, m_out + QStringLiteral("/embeddings.npy")});
    QVERIFY(python.waitForFinished(120000));
    QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
    const QJsonObject result = QJsonDocument::fromJson(python.readAllStandardOutput()).object();
    QVERIFY(result.value(QStringLiteral("rows")).toInt() > 0);
    QCOMPARE(result.value(QStringLiteral("dtype")).toString(), QStringLiteral("torch.float32"));
    QVERIFY2(result.value(QStringLiteral("diff")).toDouble(1.0) <= 1e-5, qPrintable(QString::number(result.value(QStringLiteral("diff")).toDouble())));
}

void TestEmbed::badInputIsRefusedClearly()
{
    const auto noOut = testsupport::runFusionscope({QStringLiteral("embed"), m_model, m_data});
    QCOMPARE(noOut.exitCode, 2);
    QVERIFY2(noOut.err.contains("--out DIR is required"), noOut.err.constData());
    const auto badSplit = testsupport::runFusionscope({QStringLiteral("embed"), m_model, m_data, QStringLiteral("--split"),
                                                       QStringLiteral("holdout"), QStringLiteral("--out"), m_out});
    QCOMPARE(badSplit.exitCode, 2);
    QVERIFY2(badSplit.err.contains("--split must be test, val, train or all, got 'holdout'"), badSplit.err.constData());
    const auto badK = testsupport::runFusionscope({QStringLiteral("embed"), m_model, m_data, QStringLiteral("--knn"),
                                                   QStringLiteral("ten"), QStringLiteral("--out"), m_out});
    QCOMPARE(badK.exitCode, 2);
    QVERIFY2(badK.err.contains("--knn must be a whole number"), badK.err.constData());
    const QString missing = m_dir.filePath(QStringLiteral("no-such-model.pt"));
    const auto noModel = testsupport::runFusionscope({QStringLiteral("embed"), missing, m_data, QStringLiteral("--out"), m_out});
    QCOMPARE(noModel.exitCode, 1);
    QVERIFY2(noModel.err.contains("no-such-model.pt"), noModel.err.constData());

    // A model whose forward returns logits only: named, with what it does return; nothing written.
    const QString logitsOnly = m_dir.filePath(QStringLiteral("logits-only.pt"));
    const QByteArray pythonFailed = testsupport::writeLogitsOnlyModel(logitsOnly);
    QVERIFY2(pythonFailed.isEmpty(), pythonFailed.constData());
    const QString out = m_dir.filePath(QStringLiteral("never"));
    const auto noEmbedding = testsupport::runFusionscope({QStringLiteral("embed"), logitsOnly, m_data, QStringLiteral("--out"), out});
    QCOMPARE(noEmbedding.exitCode, 1);
    QVERIFY2(noEmbedding.err.contains("returns no \"embedding\" output (it returns logits)"), noEmbedding.err.constData());
    QVERIFY(!QFileInfo::exists(out + QStringLiteral("/tensors.tsv")));
}

QTEST_GUILESS_MAIN(TestEmbed)
#include "test_embed.moc"
