// A model trained with no labels at all, as a user meets it: `train --task contrastive` on
// colour captions without a label column trains, `info`, `eval` and `explain` say what it is,
// and `fusionscope retrieve` answers text, image and sample queries from a cached index,
// refusing bad queries and foreign models by name. Plus the index file on values worked by hand.
#include "core/data/dataset.h"
#include "core/eval/retrievalindex.h"
#include "tests/datasetfixture.h"
#include "tests/testsupport.h"

#include <opencv2/imgcodecs.hpp>

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>

class TestRetrieve : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void contrastiveLearnsWithoutLabels();
    void retrievalIndexSearchesAndRoundTrips();
    void retrieveAnswersQueries();
    void retrieveRefusesBadInput();

private:
    /** Trains (once) a contrastive model on the unlabelled colour captions; its model.pt. */
    QString contrastiveModel();

    QTemporaryDir m_dir;
    QString m_contrastiveRun;
    QByteArray m_contrastiveOutput; ///< what that train printed
};

QString TestRetrieve::contrastiveModel()
{
    if (!m_contrastiveRun.isEmpty())
        return m_contrastiveRun + QStringLiteral("/model.pt");
    const QString data = m_dir.filePath(QStringLiteral("unlabelled"));
    datasetfixture::writeColourCaptions(data, /*withLabels=*/false);
    const QString run = m_dir.filePath(QStringLiteral("contrastive-run"));
    const auto trained = testsupport::trainColourCaptions(data, QStringLiteral("attention"), QStringLiteral("contrastive"), 40, run);
    if (trained.exitCode != 0) {
        qWarning("%s", trained.err.constData());
        return {};
    }
    m_contrastiveRun = run;
    m_contrastiveOutput = trained.out;
    return run + QStringLiteral("/model.pt");
}


void TestRetrieve::contrastiveLearnsWithoutLabels()
{
    // A dataset with no label column at all trains, evaluates and is named as what it is.
    const QString model = contrastiveModel();
    QVERIFY(!model.isEmpty());
    // Each epoch and the summary speak of R@1, never of an accuracy the model cannot have.
    QVERIFY2(m_contrastiveOutput.contains("val R@1") && m_contrastiveOutput.contains("mean cross-modal R@1")
                 && !m_contrastiveOutput.contains("accuracy"), m_contrastiveOutput.constData());
    const QJsonObject config = testsupport::readJson(m_contrastiveRun + QStringLiteral("/config.json"));
    QCOMPARE(config.value(QStringLiteral("train")).toObject().value(QStringLiteral("supervised")).toBool(true), false);
    const QJsonObject report = testsupport::readJson(m_contrastiveRun + QStringLiteral("/report.json"));
    QCOMPARE(report.value(QStringLiteral("train_samples")).toInt(), 96);
    QVERIFY(report.value(QStringLiteral("test")).isNull()); // no task outputs to test
    QCOMPARE(report.value(QStringLiteral("task")).toObject().value(QStringLiteral("objective")).toString(), QStringLiteral("contrastive"));
    QVERIFY(report.value(QStringLiteral("validation")).toObject().value(QStringLiteral("r1")).toDouble(-1) >= 0.0);
    double imageToText = -1.0;
    for (const auto value : report.value(QStringLiteral("retrieval")).toObject().value(QStringLiteral("test")).toArray()) {
        const QJsonObject pair = value.toObject();
        if (pair.value(QStringLiteral("query")).toString() == QLatin1String("image"))
            imageToText = pair.value(QStringLiteral("recall_at_1")).toDouble();
    }
    QVERIFY2(imageToText > 0.3, qPrintable(QStringLiteral("test image→text R@1 %1 (chance 1/24)").arg(imageToText)));

    // info names the objective; eval scores retrieval; explain reads the embedding instead of a prediction.
    const auto info = testsupport::runFusionscope({QStringLiteral("info"), model});
    QVERIFY2(info.exitCode == 0 && info.out.contains("contrastive") && !info.out.contains("assumed"), info.out.constData());
    const QString data = m_dir.filePath(QStringLiteral("unlabelled"));
    const auto eval = testsupport::runFusionscope({QStringLiteral("eval"), model, data, QStringLiteral("--json")});
    QVERIFY2(eval.exitCode == 0, eval.err.constData());
    const QJsonObject scored = QJsonDocument::fromJson(eval.out).object();
    QCOMPARE(scored.value(QStringLiteral("objective")).toString(), QStringLiteral("contrastive"));
    QCOMPARE(scored.value(QStringLiteral("retrieval")).toArray().size(), 2); // text→image, image→text
    QVERIFY(!scored.contains(QStringLiteral("embedding_probe"))); // no classes to probe for
    const QString explained = m_dir.filePath(QStringLiteral("explained"));
    const auto explain = testsupport::runFusionscope({QStringLiteral("explain"), model, data, QStringLiteral("--split"), QStringLiteral("test"),
                                                      QStringLiteral("--overlays"), QStringLiteral("1"), QStringLiteral("--json"),
                                                      QStringLiteral("--out"), explained});
    QVERIFY2(explain.exitCode == 0, explain.err.constData());
    const QJsonObject document = QJsonDocument::fromJson(explain.out).object();
    const QJsonObject split = document.value(QStringLiteral("split")).toObject();
    QCOMPARE(split.value(QStringLiteral("representation")).toString(), QStringLiteral("joint"));
    QVERIFY(!split.contains(QStringLiteral("accuracy")) && !split.contains(QStringLiteral("confusion")));
    const QJsonObject captionImage = split.value(QStringLiteral("agreement")).toObject().value(QStringLiteral("text~image")).toObject();
    QCOMPARE(captionImage.value(QStringLiteral("samples")).toInt(), 24);
    // Aligned: a sample's caption and image point the same way (an untrained model's cosines sit near 0).
    QVERIFY2(captionImage.value(QStringLiteral("mean_cosine")).toDouble() > 0.5, qPrintable(QString::number(captionImage.value(QStringLiteral("mean_cosine")).toDouble())));
    const QJsonObject shapley = split.value(QStringLiteral("shapley")).toObject();
    QVERIFY(shapley.value(QStringLiteral("value")).toString().contains(QLatin1String("cosine")));
    QVERIFY(shapley.value(QStringLiteral("max_efficiency_error")).toDouble(1.0) < 1e-6);
    QVERIFY(shapley.value(QStringLiteral("mean")).toObject().value(QStringLiteral("image")).toDouble() > 0.0);
    const QJsonObject sample = document.value(QStringLiteral("samples")).toArray().at(0).toObject();
    QVERIFY(sample.value(QStringLiteral("prediction")).toObject().value(QStringLiteral("agreement")).toObject()
                .value(QStringLiteral("text~image")).isDouble());
    QVERIFY(sample.value(QStringLiteral("prediction")).toObject().value(QStringLiteral("agreement")).toObject()
                .value(QStringLiteral("text~audio")).isNull()); // no audio in this dataset
    // The image heat is where the image matches the caption, first among the sources.
    QVERIFY2(sample.value(QStringLiteral("attention")).toObject().value(QStringLiteral("image")).toObject()
                 .value(QStringLiteral("source")).toString().startsWith(QLatin1String("gradient x input of image~others agreement")),
             explain.out.constData());
    QVERIFY(QFile::exists(explained + QStringLiteral("/") + sample.value(QStringLiteral("id")).toString() + QStringLiteral("_image.png")));
    // Nothing to choose among: --output is refused with the reason.
    const auto output = testsupport::runFusionscope({QStringLiteral("explain"), model, data, QStringLiteral("--output"), QStringLiteral("x"),
                                                     QStringLiteral("--out"), m_dir.filePath(QStringLiteral("never"))});
    QVERIFY2(output.exitCode != 0 && output.err.contains("trained without labels (contrastive)"), output.err.constData());
}


void TestRetrieve::retrievalIndexSearchesAndRoundTrips()
{
    // Three samples, 2-D embeddings; samples 1 and 2 share an image file (one gallery item).
    const QString dir = m_dir.filePath(QStringLiteral("index-data"));
    QDir().mkpath(dir);
    cv::imwrite((dir + QStringLiteral("/a.png")).toStdString(), cv::Mat(8, 8, CV_8UC3, cv::Scalar(10, 20, 30)));
    cv::imwrite((dir + QStringLiteral("/b.png")).toStdString(), cv::Mat(8, 8, CV_8UC3, cv::Scalar(30, 20, 10)));
    testsupport::writeFile(dir + QStringLiteral("/manifest.jsonl"),
                           "{\"id\":\"s0\",\"text\":\"one\",\"image\":\"a.png\",\"label\":\"x\",\"split\":\"test\"}\n"
                           "{\"id\":\"s1\",\"text\":\"two\",\"image\":\"b.png\",\"label\":\"y\",\"split\":\"train\"}\n"
                           "{\"id\":\"s2\",\"text\":\"three\",\"image\":\"b.png\",\"split\":\"val\"}\n");
    const auto dataset = Dataset::load(dir);
    QVERIFY(dataset && dataset->size() == 3);
    RetrievalIndex index;
    index.assign(QStringLiteral("key"), *dataset, 2,
                 {std::vector<float>{1, 0, 0, 1, 0.6f, 0.8f}, std::vector<float>{0, 1, 1, 0, 1, 0}, std::vector<float>(6, 0.0f)});
    const float query[2] = {0.8f, 0.6f};
    const auto images = index.search(query, 1, 10);
    QCOMPARE(int(images.size()), 2); // b.png once
    QCOMPARE(index.entry(images[0].row).id, QStringLiteral("s1"));
    QVERIFY(std::abs(images[0].score - 0.8) < 1e-6);
    QCOMPARE(index.entry(images[1].row).imagePath, QStringLiteral("a.png"));
    QVERIFY(index.search(query, 2, 10).empty()); // nobody has audio
    QCOMPARE(index.rowOf(QStringLiteral("s2")), 2);
    QCOMPARE(index.rowOf(QStringLiteral("nope")), -1);

    const QString path = m_dir.filePath(QStringLiteral("index/one.fsri"));
    QString error;
    QVERIFY2(index.save(path, &error), qPrintable(error));
    RetrievalIndex loaded;
    QVERIFY2(loaded.load(path, QStringLiteral("key"), &error), qPrintable(error));
    QCOMPARE(loaded.size(), 3);
    QCOMPARE(loaded.entry(1).split, QStringLiteral("train"));
    QCOMPARE(loaded.embedding(2, 0)[1], 0.8f);
    // Another key, a truncated file, a foreign file: refused with the reason, never half-read.
    QVERIFY(!loaded.load(path, QStringLiteral("other"), &error) && error.contains(QLatin1String("another model or manifest")));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    file.close();
    testsupport::writeFile(path, bytes.left(bytes.size() - 5));
    QVERIFY(!loaded.load(path, QStringLiteral("key"), &error) && error.contains(QLatin1String("truncated")));
    testsupport::writeFile(path, "not an index at all");
    QVERIFY(!loaded.load(path, QStringLiteral("key"), &error) && error.contains(QLatin1String("not a FusionScope retrieval index")));
    QCOMPARE(loaded.size(), 3); // the good one it held is kept
}


void TestRetrieve::retrieveAnswersQueries()
{
    const QString model = contrastiveModel();
    QVERIFY(!model.isEmpty());
    const QString data = m_dir.filePath(QStringLiteral("unlabelled"));
    // A caption finds images of its colour: the first query builds the index, the second reuses it.
    const auto first = testsupport::runFusionscope({QStringLiteral("retrieve"), model, data, QStringLiteral("--text"),
                                                    QStringLiteral("a bright teal square"), QStringLiteral("--target"), QStringLiteral("image"),
                                                    QStringLiteral("--k"), QStringLiteral("5"), QStringLiteral("--json")});
    QVERIFY2(first.exitCode == 0, first.err.constData());
    const QJsonObject answer = QJsonDocument::fromJson(first.out).object();
    QCOMPARE(answer.value(QStringLiteral("index")).toObject().value(QStringLiteral("cached")).toBool(true), false);
    const QJsonArray results = answer.value(QStringLiteral("results")).toArray();
    QCOMPARE(results.size(), 1);
    const QJsonArray hits = results.first().toObject().value(QStringLiteral("hits")).toArray();
    QCOMPARE(hits.size(), 5);
    QVERIFY(hits.at(0).toObject().value(QStringLiteral("score")).toDouble() >= hits.at(4).toObject().value(QStringLiteral("score")).toDouble());
    // Teal is hue 5: samples 5, 29, 53, 77 (train), 101 (val), 125 (test) show it.
    int teal = 0;
    for (const auto hit : hits) {
        const int sample = hit.toObject().value(QStringLiteral("id")).toString().mid(1).toInt();
        teal += sample % 24 == 5 ? 1 : 0;
    }
    QVERIFY2(teal >= 2, first.out.constData());
    const auto again = testsupport::runFusionscope({QStringLiteral("retrieve"), model, data, QStringLiteral("--sample"), QStringLiteral("s125"),
                                                    QStringLiteral("--from"), QStringLiteral("image"), QStringLiteral("--json")});
    QVERIFY2(again.exitCode == 0, again.err.constData());
    const QJsonObject second = QJsonDocument::fromJson(again.out).object();
    QVERIFY(second.value(QStringLiteral("index")).toObject().value(QStringLiteral("cached")).toBool());
    QCOMPARE(second.value(QStringLiteral("results")).toArray().first().toObject().value(QStringLiteral("target")).toString(), QStringLiteral("text"));

    // An image file as the query, printed as a table.
    const auto byImage = testsupport::runFusionscope({QStringLiteral("retrieve"), model, data, QStringLiteral("--image"),
                                                      data + QStringLiteral("/images/s101.png"), QStringLiteral("--k"), QStringLiteral("3")});
    QVERIFY2(byImage.exitCode == 0, byImage.err.constData());
    QVERIFY2(byImage.out.contains("image → text:") && byImage.out.contains("image → audio: no sample has one"), byImage.out.constData());
    QVERIFY2(byImage.err.contains("index cached"), byImage.err.constData());

    // A damaged cached index is rebuilt, not trusted.
    const QString cacheDir = data + QStringLiteral("/.fusionscope-cache/retrieval");
    const QStringList cached = QDir(cacheDir).entryList({QStringLiteral("*.fsri")}, QDir::Files);
    QCOMPARE(cached.size(), 1);
    testsupport::writeFile(cacheDir + QLatin1Char('/') + cached.first(), "garbage");
    const auto rebuilt = testsupport::runFusionscope({QStringLiteral("retrieve"), model, data, QStringLiteral("--sample"), QStringLiteral("s100")});
    QVERIFY2(rebuilt.exitCode == 0 && rebuilt.err.contains("index built"), rebuilt.err.constData());
}


void TestRetrieve::retrieveRefusesBadInput()
{
    const QString model = contrastiveModel();
    QVERIFY(!model.isEmpty());
    const QString data = m_dir.filePath(QStringLiteral("unlabelled"));
    auto retrieve = [&](QStringList arguments) {
        return testsupport::runFusionscope(QStringList{QStringLiteral("retrieve"), model, data} + arguments);
    };
    const auto none = retrieve({});
    QCOMPARE(none.exitCode, 2);
    QVERIFY2(none.err.contains("give exactly one query"), none.err.constData());
    const auto two = retrieve({QStringLiteral("--text"), QStringLiteral("red"), QStringLiteral("--sample"), QStringLiteral("s1")});
    QCOMPARE(two.exitCode, 2);
    const auto target = retrieve({QStringLiteral("--text"), QStringLiteral("red"), QStringLiteral("--target"), QStringLiteral("smell")});
    QCOMPARE(target.exitCode, 2);
    QVERIFY2(target.err.contains("--target must be text, image or audio, got 'smell'"), target.err.constData());
    const auto unknown = retrieve({QStringLiteral("--sample"), QStringLiteral("s9999")});
    QCOMPARE(unknown.exitCode, 1);
    QVERIFY2(unknown.err.contains("has no sample \"s9999\""), unknown.err.constData());
    const auto noAudio = retrieve({QStringLiteral("--sample"), QStringLiteral("s1"), QStringLiteral("--from"), QStringLiteral("audio")});
    QCOMPARE(noAudio.exitCode, 1);
    QVERIFY2(noAudio.err.contains("sample \"s1\" has no audio"), noAudio.err.constData());
    const auto missing = retrieve({QStringLiteral("--image"), m_dir.filePath(QStringLiteral("nothing.png"))});
    QCOMPARE(missing.exitCode, 1);
    QVERIFY2(missing.err.contains("nothing.png: no such file"), missing.err.constData());
    const QString broken = m_dir.filePath(QStringLiteral("broken.png"));
    testsupport::writeFile(broken, "\x89PNG\r\n\x1a\n not really");
    const auto undecodable = retrieve({QStringLiteral("--image"), broken});
    QCOMPARE(undecodable.exitCode, 1);
    QVERIFY2(undecodable.err.contains("the image query") && undecodable.err.contains("broken.png"), undecodable.err.constData());

    // A model without per-modality embeddings: named, with what it does return.
    const QString logitsOnly = m_dir.filePath(QStringLiteral("logits-only.pt"));
    const QByteArray pythonFailed = testsupport::writeLogitsOnlyModel(logitsOnly);
    QVERIFY2(pythonFailed.isEmpty(), pythonFailed.constData());
    const auto noEmbeddings = testsupport::runFusionscope({QStringLiteral("retrieve"), logitsOnly, data, QStringLiteral("--sample"), QStringLiteral("s1")});
    QCOMPARE(noEmbeddings.exitCode, 1);
    QVERIFY2(noEmbeddings.err.contains("returns no \"embed/text\" output (it returns logits)"), noEmbeddings.err.constData());
    const auto noQueryFile = testsupport::runFusionscope({QStringLiteral("retrieve"), logitsOnly, data, QStringLiteral("--text"), QStringLiteral("red")});
    QCOMPARE(noQueryFile.exitCode, 1);
    QVERIFY2(noQueryFile.err.contains("records no preprocessing"), noQueryFile.err.constData());
}

QTEST_GUILESS_MAIN(TestRetrieve)
#include "test_retrieve.moc"
