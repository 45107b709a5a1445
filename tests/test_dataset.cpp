#include "core/data/batch.h"
#include "core/data/batchloader.h"
#include "core/data/dataset.h"
#include "tests/datasetfixture.h"
#include "tests/testsupport.h"

#include <torch/torch.h>

#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <cstring>
#include <set>

/** Decoding through the feature cache, and batches in the model contract's layout. */
class TestDataset final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(1); }

    void firstLoadDecodesSecondReusesTheCache()
    {
        QTemporaryDir dir;
        datasetfixture::write(dir.path());
        const auto first = Dataset::load(dir.path());
        QVERIFY(first);
        QVERIFY2(first->loadError().isEmpty(), qPrintable(first->loadError()));
        QCOMPARE(first->size(), 12);
        QCOMPARE(first->cacheStats().decoded, 24);
        QCOMPARE(first->cacheStats().reused, 0);

        const auto second = Dataset::load(dir.path());
        QCOMPARE(second->cacheStats().decoded, 0);
        QCOMPARE(second->cacheStats().reused, 24);
        const std::size_t imageBytes = 3u * 64u * 64u;
        for (int i = 0; i < 12; ++i) {
            QVERIFY(std::memcmp(first->image(i), second->image(i), imageBytes) == 0);
            int f1 = 0, f2 = 0;
            const float *m1 = first->mel(i, &f1);
            const float *m2 = second->mel(i, &f2);
            QCOMPARE(f1, f2);
            QVERIFY(std::memcmp(m1, m2, std::size_t(f1) * 64u * sizeof(float)) == 0);
            QCOMPARE(first->tokens(i), second->tokens(i));
        }
    }

    void changedFileIsDecodedAgainAlone()
    {
        QTemporaryDir dir;
        datasetfixture::write(dir.path());
        const auto before = Dataset::load(dir.path());
        const int index = before->indexOf(QStringLiteral("s3"));
        const std::uint8_t redBefore = before->image(index)[0];
        QTest::qWait(1100); // mtime granularity of some filesystems is a second
        datasetfixture::rewriteImage(dir.path(), 3, 255, 255, 255);
        const auto after = Dataset::load(dir.path());
        QCOMPARE(after->cacheStats().decoded, 1);
        QCOMPARE(after->cacheStats().reused, 23);
        QVERIFY(after->image(index)[0] != redBefore);
        QCOMPARE(int(after->image(index)[0]), 255);
    }

    void undecodableFileBecomesAnIssueAndTheLoadGoesOn()
    {
        QTemporaryDir dir;
        datasetfixture::write(dir.path());
        testsupport::writeFile(dir.path() + QStringLiteral("/images/s2.png"), "this is text, not a PNG");
        testsupport::writeFile(dir.path() + QStringLiteral("/audio/s5.wav"), "RIFF? no, just text");
        const auto dataset = Dataset::load(dir.path());
        QCOMPARE(dataset->size(), 12);
        const int s2 = dataset->indexOf(QStringLiteral("s2"));
        QVERIFY(!dataset->presence(s2)[int(Modality::Image)]);
        QVERIFY(dataset->presence(s2)[int(Modality::Audio)]);
        QVERIFY(dataset->image(s2) == nullptr);
        const int s5 = dataset->indexOf(QStringLiteral("s5"));
        QVERIFY(!dataset->presence(s5)[int(Modality::Audio)]);
        bool sawImage = false, sawAudio = false;
        QString printed;
        for (const DataIssue &issue : dataset->issues()) {
            printed += issue.toString() + QLatin1Char('\n');
            // The manifest's line, then the field and its path: never "images/s2.png:3".
            if (issue.sampleId == QLatin1String("s2") && issue.field == QLatin1String("image"))
                sawImage = issue.line == 3 && issue.file.endsWith(QLatin1String("manifest.jsonl"))
                           && issue.path == QLatin1String("images/s2.png") && issue.reason.endsWith(QLatin1String("image dropped"))
                           && issue.toString().startsWith(QLatin1String("manifest.jsonl:3 [s2]: image \"images/s2.png\": "));
            if (issue.sampleId == QLatin1String("s5") && issue.field == QLatin1String("audio"))
                sawAudio = issue.path == QLatin1String("audio/s5.wav") && issue.reason.endsWith(QLatin1String("audio dropped"));
        }
        QVERIFY2(sawImage, qPrintable(printed));
        QVERIFY2(sawAudio, qPrintable(printed));
        // A broken file stays a cached failure: reopening reports it again without decoding.
        const auto again = Dataset::load(dir.path());
        QCOMPARE(again->cacheStats().decoded, 0);
        QCOMPARE(again->issues().size(), dataset->issues().size());
    }

    void noManifestIsALoadError()
    {
        QTemporaryDir dir;
        const auto dataset = Dataset::load(dir.path());
        QCOMPARE(dataset->size(), 0);
        QVERIFY(dataset->loadError().contains(QLatin1String("no manifest")));
    }

    void normalisationAndDurationComeFromTheTrainingSplit()
    {
        QTemporaryDir dir;
        datasetfixture::write(dir.path());
        const auto dataset = Dataset::load(dir.path());
        const PreprocessConfig &pre = dataset->preprocess();
        // Train clips are 0.5..0.9 s: the 95th percentile is 0.9 s.
        QVERIFY2(std::abs(pre.audioSeconds - 0.9) < 0.02, qPrintable(QString::number(pre.audioSeconds)));
        QCOMPARE(pre.audioFrames(), 1 + (14400 - 400) / 160);
        QVERIFY(pre.imageStd[0] > 0.1f);
        QVERIFY(dataset->tokenizer().isLoaded());
    }

    void batchFollowsTheModelContract()
    {
        QTemporaryDir dir;
        datasetfixture::write(dir.path());
        testsupport::writeFile(dir.path() + QStringLiteral("/images/s1.png"), "broken");
        const auto dataset = Dataset::load(dir.path());
        const PreprocessConfig &pre = dataset->preprocess();
        std::vector<int> rows{0, dataset->indexOf(QStringLiteral("s1")), 2};
        const Batch batch = makeBatch(*dataset, rows);
        QCOMPARE(batch.text.sizes().vec(), (std::vector<std::int64_t>{3, pre.textLength}));
        QCOMPARE(batch.text.scalar_type(), torch::kInt64);
        QCOMPARE(batch.image.sizes().vec(), (std::vector<std::int64_t>{3, 3, 64, 64}));
        QCOMPARE(batch.audio.sizes().vec(), (std::vector<std::int64_t>{3, 1, 64, pre.audioFrames()}));
        QCOMPARE(batch.present[1][1].item<float>(), 0.0f);
        QCOMPARE(batch.present[0][1].item<float>(), 1.0f);
        QVERIFY(batch.image[1].abs().sum().item<float>() == 0.0f);
        QCOMPARE(batch.labels[0].item<std::int64_t>(), 0);
        QCOMPARE(batch.labels[1].item<std::int64_t>(), 1);
        QVERIFY(batch.text[0][0].item<std::int64_t>() > 0);
        // Sample 0 (0.5 s) is shorter than F: the tail is padded with normalised silence.
        const float silence = (std::log(pre.mel.floor) - pre.melMean) / pre.melStd;
        QCOMPARE(batch.audio[0][0][10][pre.audioFrames() - 1].item<float>(), silence);
        // Normalised over the train split: the red channel of every image is far from raw bytes.
        QVERIFY(batch.image.abs().max().item<float>() < 10.0f);
    }

    void loaderVisitsEverySampleOncePerEpochReproducibly()
    {
        QTemporaryDir dir;
        datasetfixture::write(dir.path(), {23, 32, false, false});
        const auto dataset = Dataset::load(dir.path());
        std::vector<int> all(23);
        std::iota(all.begin(), all.end(), 0);
        auto order = [&](int epoch, int skip, std::uint64_t seed) {
            BatchLoader loader(*dataset, all, 5, true, seed);
            loader.startEpoch(epoch, skip);
            std::vector<int> seen;
            Batch batch;
            while (loader.next(&batch))
                seen.insert(seen.end(), batch.indices.begin(), batch.indices.end());
            return seen;
        };
        const std::vector<int> e0 = order(0, 0, 7);
        QCOMPARE(int(e0.size()), 23);
        QCOMPARE(int(std::set<int>(e0.begin(), e0.end()).size()), 23);
        QCOMPARE(order(0, 0, 7), e0);
        QVERIFY(order(1, 0, 7) != e0);
        QVERIFY(order(0, 0, 8) != e0);
        const std::vector<int> resumed = order(0, 2, 7);
        QCOMPARE(resumed, std::vector<int>(e0.begin() + 10, e0.end()));

        BatchLoader abandoned(*dataset, all, 2, false, 1);
        abandoned.startEpoch(0);
        Batch one;
        QVERIFY(abandoned.next(&one)); // destroyed mid-epoch: must not hang
    }
};

QTEST_GUILESS_MAIN(TestDataset)
#include "test_dataset.moc"
