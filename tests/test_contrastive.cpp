// Contrastive alignment as a user meets it: `train --task contrastive+classify` on a dataset
// whose captions name the colour of their image (some samples unlabelled) learns embeddings
// in which an image finds its caption, reports val R@1 per epoch and the test retrieval table,
// and `embed` writes one modality's embeddings and the same table; a contrastive model
// fine-tunes into a classifier. Plus the loss, the file identities and the retrieval ranks on
// values worked by hand. (A model trained without labels, and `retrieve`: test_retrieve.)
#include "core/data/dataset.h"
#include "core/eval/retrieval.h"
#include "core/train/contrastiveloss.h"
#include "tests/datasetfixture.h"
#include "tests/testsupport.h"

#include <opencv2/imgcodecs.hpp>
#include <torch/torch.h>

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>

namespace {

const RetrievalScore *findPair(const std::vector<RetrievalScore> &scores, int query, int gallery)
{
    for (const RetrievalScore &score : scores)
        if (score.query == query && score.gallery == gallery)
            return &score;
    return nullptr;
}

} // namespace

class TestContrastive : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void lossIsClipsSymmetricInfoNce();
    void rowsSharingAFileAreNotNegatives();
    void retrievalRanksTheOwnFile();
    void trainingAlignsCaptionsWithImages();
    void badTaskNamesAreRefused();
    void fineTunesAContrastiveModel();

private:
    QTemporaryDir m_dir;
};

void TestContrastive::lossIsClipsSymmetricInfoNce()
{
    // Two rows, text and image present; audio absent, so only the text–image pair counts.
    const torch::Tensor text = torch::tensor({{1.0f, 0.0f}, {0.0f, 1.0f}});
    const torch::Tensor image = torch::tensor({{0.6f, 0.8f}, {0.0f, 1.0f}});
    const torch::Tensor audio = torch::zeros({2, 2});
    const torch::Tensor present = torch::tensor({{1.0f, 1.0f, 0.0f}, {1.0f, 1.0f, 0.0f}});
    const torch::Tensor sources = torch::tensor({{0, 0, -1}, {1, 1, -1}}, torch::kInt64);
    const double scale = 2.0;
    int pairs = 0;
    const double loss = contrastiveLoss({text, image, audio}, present, sources, torch::tensor(std::log(scale)), &pairs).item<double>();
    QCOMPARE(pairs, 1);
    // By hand: logits = 2·[[0.6, 0], [0.8, 1]]; rows (text→image) and columns (image→text).
    auto ce = [](double own, double other) { return -own + std::log(std::exp(own) + std::exp(other)); };
    const double rows = 0.5 * (ce(1.2, 0.0) + ce(2.0, 1.6));
    const double columns = 0.5 * (ce(1.2, 1.6) + ce(2.0, 0.0));
    QVERIFY2(std::abs(loss - 0.5 * (rows + columns)) < 1e-6, qPrintable(QString::number(loss)));

    // A pair with fewer than two rows adds nothing; with none at all the loss is a zero on the graph.
    const torch::Tensor lonely = torch::tensor({{1.0f, 1.0f, 0.0f}, {1.0f, 0.0f, 1.0f}});
    const torch::Tensor scaleParameter = torch::tensor(0.0).requires_grad_(true);
    const torch::Tensor none = contrastiveLoss({text, image, audio}, lonely, sources, scaleParameter, &pairs);
    QCOMPARE(pairs, 0);
    QCOMPARE(none.item<double>(), 0.0);
    QVERIFY(none.requires_grad());
}

void TestContrastive::rowsSharingAFileAreNotNegatives()
{
    // Rows 0 and 1 are two captions of one image: neither is the other's negative, so with
    // only them in the batch each row's one candidate is its own and the loss is zero.
    const torch::Tensor text = torch::tensor({{1.0f, 0.0f}, {0.0f, 1.0f}});
    const torch::Tensor image = torch::tensor({{0.0f, 1.0f}, {0.0f, 1.0f}});
    const torch::Tensor present = torch::tensor({{1.0f, 1.0f, 0.0f}, {1.0f, 1.0f, 0.0f}});
    const torch::Tensor shared = torch::tensor({{0, 5, -1}, {1, 5, -1}}, torch::kInt64);
    QVERIFY(contrastiveLoss({text, image, torch::zeros({2, 2})}, present, shared, torch::tensor(0.0)).item<double>() < 1e-9);
    const torch::Tensor distinct = torch::tensor({{0, 5, -1}, {1, 6, -1}}, torch::kInt64);
    QVERIFY(contrastiveLoss({text, image, torch::zeros({2, 2})}, present, distinct, torch::tensor(0.0)).item<double>() > 0.1);

    // modalitySources: the same words are the same caption, the same path the same file.
    const QString dir = m_dir.filePath(QStringLiteral("sources"));
    QDir().mkpath(dir);
    cv::imwrite((dir + QStringLiteral("/a.png")).toStdString(), cv::Mat(8, 8, CV_8UC3, cv::Scalar(10, 20, 30)));
    cv::imwrite((dir + QStringLiteral("/b.png")).toStdString(), cv::Mat(8, 8, CV_8UC3, cv::Scalar(30, 20, 10)));
    testsupport::writeFile(dir + QStringLiteral("/manifest.jsonl"),
                           "{\"id\":\"s0\",\"text\":\"one\",\"image\":\"a.png\",\"label\":\"x\"}\n"
                           "{\"id\":\"s1\",\"text\":\"two\",\"image\":\"a.png\",\"label\":\"x\"}\n"
                           "{\"id\":\"s2\",\"text\":\"one\",\"image\":\"b.png\",\"label\":\"y\"}\n"
                           "{\"id\":\"s3\",\"image\":\"b.png\",\"label\":\"y\"}\n");
    const auto dataset = Dataset::load(dir);
    QVERIFY(dataset && dataset->loadError().isEmpty());
    const torch::Tensor ids = modalitySources(*dataset);
    auto row = [&](const QString &id) { return ids[dataset->indexOf(id)]; };
    QCOMPARE(row(QStringLiteral("s0"))[0].item<std::int64_t>(), row(QStringLiteral("s2"))[0].item<std::int64_t>());
    QVERIFY(row(QStringLiteral("s0"))[0].item<std::int64_t>() != row(QStringLiteral("s1"))[0].item<std::int64_t>());
    QCOMPARE(row(QStringLiteral("s0"))[1].item<std::int64_t>(), row(QStringLiteral("s1"))[1].item<std::int64_t>());
    QCOMPARE(row(QStringLiteral("s2"))[1].item<std::int64_t>(), row(QStringLiteral("s3"))[1].item<std::int64_t>());
    QCOMPARE(row(QStringLiteral("s3"))[0].item<std::int64_t>(), std::int64_t(-1));
    QCOMPARE(row(QStringLiteral("s3"))[2].item<std::int64_t>(), std::int64_t(-1));
}

void TestContrastive::retrievalRanksTheOwnFile()
{
    // Four samples; rows 2 and 3 share one image file (a gallery of three images).
    const torch::Tensor text = torch::tensor({{1.0f, 0.0f}, {0.0f, 1.0f}, {0.8f, 0.6f}, {0.6f, 0.8f}});
    const torch::Tensor image = torch::tensor({{1.0f, 0.0f}, {0.6f, 0.8f}, {0.0f, 1.0f}, {0.0f, 1.0f}});
    const torch::Tensor present = torch::tensor({{1.0f, 1.0f, 0.0f}, {1.0f, 1.0f, 0.0f}, {1.0f, 1.0f, 0.0f}, {1.0f, 1.0f, 0.0f}});
    const torch::Tensor sources = torch::tensor({{0, 0, -1}, {1, 1, -1}, {2, 2, -1}, {3, 2, -1}}, torch::kInt64);
    const torch::Tensor labels = torch::tensor({0, 1, 1, 0}, torch::kInt64);
    const auto scores = retrievalScores({text, image, torch::zeros({4, 2})}, present, sources, labels);
    QCOMPARE(int(scores.size()), 2); // text→image and image→text; nothing has audio
    const RetrievalScore *toImage = findPair(scores, 0, 1);
    QVERIFY(toImage);
    QCOMPARE(toImage->queries, 4);
    QCOMPARE(toImage->gallerySize, 3);
    // Similarities of each text to images {0, 1, 2}: row 0 [1, .6, 0] → rank 1; row 1 [0, .8, 1]
    // → rank 2; row 2 [.8, .96, .6] → rank 3; row 3 [.6, .99, .8] → rank 2.
    QCOMPARE(toImage->recallAt1, 0.25);
    QCOMPARE(toImage->recallAt5, 1.0);
    QCOMPARE(toImage->medianRank, 2.0);
    QCOMPARE(toImage->pairName(), QStringLiteral("text→image"));
    // Class P@1: row 0's top (image 0, label 0) matches, row 1's (image 2 = row 2, label 1)
    // matches, row 2's (image 1, label 1) matches, row 3's (image 1, label 1) does not.
    QCOMPARE(toImage->classPrecisionAt1, 0.75);

    // A tie counts against the query: identical gallery vectors put the own file second.
    const torch::Tensor same = torch::tensor({{1.0f, 0.0f}, {1.0f, 0.0f}});
    const auto tied = retrievalScores({same, same, torch::zeros({2, 2})}, present.slice(0, 0, 2),
                                      sources.slice(0, 0, 2), torch::Tensor());
    QCOMPARE(findPair(tied, 0, 1)->recallAt1, 0.0);
    QVERIFY(std::isnan(findPair(tied, 0, 1)->classPrecisionAt1));
}

void TestContrastive::trainingAlignsCaptionsWithImages()
{
    const QString data = m_dir.filePath(QStringLiteral("colours"));
    datasetfixture::writeColourCaptions(data);
    const QString run = m_dir.filePath(QStringLiteral("run"));
    const auto trained = testsupport::trainColourCaptions(data, QStringLiteral("concat"), QStringLiteral("contrastive+classify"), 40, run);
    QVERIFY2(trained.exitCode == 0, trained.err.constData());
    QVERIFY2(trained.out.contains("val R@1"), trained.out.constData());
    QVERIFY2(trained.err.contains("test retrieval") && trained.err.contains("image→text"), trained.err.constData());

    // All 96 train samples trained (the unlabelled third aligns only); config.json records the weight.
    const QJsonObject report = testsupport::readJson(run + QStringLiteral("/report.json"));
    QCOMPARE(report.value(QStringLiteral("train_samples")).toInt(), 96);
    QCOMPARE(testsupport::readJson(run + QStringLiteral("/config.json")).value(QStringLiteral("train")).toObject()
                 .value(QStringLiteral("contrastive_weight")).toDouble(), 1.0);
    // An image finds its caption among the 24 distinct test captions far above chance (1/24).
    double imageToText = -1.0;
    for (const auto value : report.value(QStringLiteral("retrieval")).toObject().value(QStringLiteral("test")).toArray()) {
        const QJsonObject pair = value.toObject();
        if (pair.value(QStringLiteral("query")).toString() == QLatin1String("image") && pair.value(QStringLiteral("gallery")).toString() == QLatin1String("text"))
            imageToText = pair.value(QStringLiteral("recall_at_1")).toDouble();
    }
    QVERIFY2(imageToText > 0.4, qPrintable(QStringLiteral("test image→text R@1 %1").arg(imageToText)));
    // metrics.jsonl: val R@1 per epoch, rising from the first epoch to the last.
    const std::vector<double> recall = testsupport::epochValues(run, QStringLiteral("val_r1"));
    QCOMPARE(int(recall.size()), 40);
    QVERIFY2(recall.front() >= 0.0 && recall.back() > recall.front(), qPrintable(QStringLiteral("%1 → %2").arg(recall.front()).arg(recall.back())));

    // embed --modality text: the test split's captions, and the retrieval table again.
    const QString out = m_dir.filePath(QStringLiteral("text-embeddings"));
    const auto embedded = testsupport::runFusionscope({QStringLiteral("embed"), run + QStringLiteral("/model.pt"), data,
                                                       QStringLiteral("--modality"), QStringLiteral("text"), QStringLiteral("--out"), out});
    QVERIFY2(embedded.exitCode == 0, embedded.err.constData());
    QVERIFY2(embedded.out.contains("24 test sample(s) × 32 dimensions"), embedded.out.constData());
    QVERIFY2(embedded.out.contains("retrieval on the test split") && embedded.out.contains("text→image"), embedded.out.constData());
    const QJsonObject summary = testsupport::readJson(out + QStringLiteral("/embed.json"));
    QCOMPARE(summary.value(QStringLiteral("embedding")).toString(), QStringLiteral("embed/text"));
    QCOMPARE(summary.value(QStringLiteral("retrieval")).toArray().size(), 2);
}

void TestContrastive::badTaskNamesAreRefused()
{
    const auto refused = testsupport::runFusionscope({QStringLiteral("train"), m_dir.filePath(QStringLiteral("colours")),
                                                      QStringLiteral("--task"), QStringLiteral("contrastive+sort"),
                                                      QStringLiteral("--out"), m_dir.filePath(QStringLiteral("never"))});
    QCOMPARE(refused.exitCode, 2);
    QVERIFY2(refused.err.contains("contrastive+") && refused.err.contains("contrastive+sort"), refused.err.constData());
    QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("never"))));
    const auto modality = testsupport::runFusionscope({QStringLiteral("embed"), QStringLiteral("model.pt"), QStringLiteral("data"),
                                                       QStringLiteral("--modality"), QStringLiteral("smell"), QStringLiteral("--out"),
                                                       m_dir.filePath(QStringLiteral("never"))});
    QCOMPARE(modality.exitCode, 2);
    QVERIFY2(modality.err.contains("--modality must be fused, joint, text, image or audio"), modality.err.constData());
}

void TestContrastive::fineTunesAContrastiveModel()
{
    // A contrastive run on labelled data leaves the labels out of training but measures with them;
    // a classifier fine-tuned from it with frozen encoders is a linear probe that trains end to end.
    const QString data = m_dir.filePath(QStringLiteral("colours"));
    if (!QFileInfo::exists(data + QStringLiteral("/manifest.jsonl")))
        datasetfixture::writeColourCaptions(data);
    const QString pretrained = m_dir.filePath(QStringLiteral("pretrained"));
    const auto aligned = testsupport::trainColourCaptions(data, QStringLiteral("concat"), QStringLiteral("contrastive"), 20, pretrained);
    QVERIFY2(aligned.exitCode == 0, aligned.err.constData());
    QVERIFY2(aligned.err.contains("used only to measure"), aligned.err.constData());
    const QJsonObject probe = testsupport::readJson(pretrained + QStringLiteral("/report.json")).value(QStringLiteral("embedding_probe")).toObject();
    const QJsonObject full = probe.value(QStringLiteral("test")).toObject().value(QStringLiteral("linear_probe")).toObject().value(QStringLiteral("100")).toObject();
    QCOMPARE(full.value(QStringLiteral("train_samples")).toInt(), 64); // the labelled two thirds of the train split
    QVERIFY(full.value(QStringLiteral("accuracy")).toDouble(-1) >= 0.0);

    const QString tuned = m_dir.filePath(QStringLiteral("tuned"));
    const auto fineTuned = testsupport::runFusionscope({QStringLiteral("train"), data, QStringLiteral("--init"), pretrained + QStringLiteral("/model.pt"),
                                                        QStringLiteral("--task"), QStringLiteral("classify"), QStringLiteral("--freeze-encoders"),
                                                        QStringLiteral("--label-fraction"), QStringLiteral("0.5"),
                                                        QStringLiteral("--epochs"), QStringLiteral("15"), QStringLiteral("--out"), tuned});
    QVERIFY2(fineTuned.exitCode == 0, fineTuned.err.constData());
    QVERIFY2(fineTuned.err.contains("learning the task from 32 of the 64 labelled train samples"), fineTuned.err.constData());
    QVERIFY2(fineTuned.err.contains("(frozen: a linear probe)") && fineTuned.err.contains("new for this task"), fineTuned.err.constData());
    const QJsonObject report = testsupport::readJson(tuned + QStringLiteral("/report.json"));
    QVERIFY2(report.value(QStringLiteral("test")).toObject().value(QStringLiteral("accuracy")).toDouble() > 0.7,
             QJsonDocument(report.value(QStringLiteral("test")).toObject()).toJson().constData());
    // The frozen encoders are the pretrained ones, bit for bit (Python reads both files).
    const QString script = m_dir.filePath(QStringLiteral("same_encoders.py"));
    testsupport::writeFile(script, R"PY(
import sys, torch
a = dict(torch.jit.load(sys.argv[1]).named_parameters())
b = dict(torch.jit.load(sys.argv[2]).named_parameters())
encoders = [n for n in a if n.split(".")[0].endswith("_encoder")]
assert encoders, list(a)
print("differ:", [n for n in encoders if not torch.equal(a[n], b[n])])
print("fusion moved:", any(not torch.equal(a[n], b[n]) for n in a if n.startswith("fusion.") and n in b and a[n].shape == b[n].shape))
)PY");
    QProcess python;
    python.start(QStringLiteral(FUSIONSCOPE_PEER_PYTHON), {script, pretrained + QStringLiteral("/model.pt"), tuned + QStringLiteral("/model.pt")});
    QVERIFY(python.waitForFinished(120000));
    const QByteArray printed = python.readAllStandardOutput();
    QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
    QVERIFY2(printed.contains("differ: []") && printed.contains("fusion moved: True"), printed.constData());

    // Without --init there is nothing pretrained to freeze.
    const auto refused = testsupport::runFusionscope({QStringLiteral("train"), data, QStringLiteral("--freeze-encoders"),
                                                      QStringLiteral("--out"), m_dir.filePath(QStringLiteral("never-frozen"))});
    QVERIFY(refused.exitCode != 0);
    QVERIFY2(refused.err.contains("freeze_encoders needs init_model"), refused.err.constData());
}

QTEST_GUILESS_MAIN(TestContrastive)
#include "test_contrastive.moc"
