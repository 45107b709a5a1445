#include "core/data/dataset.h"
#include "core/data/featurestore.h"
#include "tests/datasetfixture.h"
#include "tests/testsupport.h"

#include <QtCore/QCryptographicHash>
#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QScopeGuard>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <cstring>

#include <cerrno>

#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

/** The one preprocessing folder under DATASET/.fusionscope-cache. */
QString cacheFolder(const QString &dataset)
{
    const QDir root(QDir(dataset).filePath(QStringLiteral(".fusionscope-cache")));
    const QStringList folders = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    return folders.size() == 1 ? root.filePath(folders.first()) : QString();
}

QJsonObject readIndex(const QString &folder)
{
    QFile file(QDir(folder).filePath(QStringLiteral("index.json")));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

/** Writes the index back; with `reseal` its checksum is recomputed as the app does, so only
 *  the per-entry checks stand between an edited entry and the blobs. */
void writeIndex(const QString &folder, QJsonObject root, bool reseal)
{
    if (reseal) {
        QCryptographicHash hash(QCryptographicHash::Sha1);
        for (const char *key : {"images_size", "mels_size", "image_bytes", "mel_bins"})
            hash.addData(QByteArray::number(root.value(QLatin1String(key)).toInteger()) + '\n');
        hash.addData(QJsonDocument(root.value(QStringLiteral("entries")).toObject()).toJson(QJsonDocument::Compact));
        root.insert(QStringLiteral("checksum"), QString::fromLatin1(hash.result().toHex()));
    }
    testsupport::writeFile(QDir(folder).filePath(QStringLiteral("index.json")),
                           QJsonDocument(root).toJson(QJsonDocument::Compact));
}

/** Every image and mel of `b` equals `a`'s, and every mel value is finite. */
bool sameFeatures(const Dataset &a, const Dataset &b, QString *why)
{
    if (a.size() != b.size()) {
        *why = QStringLiteral("sizes %1 and %2").arg(a.size()).arg(b.size());
        return false;
    }
    const std::size_t imageBytes = 3u * std::size_t(a.preprocess().imageSize) * std::size_t(a.preprocess().imageSize);
    for (int i = 0; i < a.size(); ++i) {
        if (!a.image(i) || !b.image(i) || std::memcmp(a.image(i), b.image(i), imageBytes) != 0) {
            *why = QStringLiteral("image of sample %1").arg(i);
            return false;
        }
        int fa = 0, fb = 0;
        const float *ma = a.mel(i, &fa);
        const float *mb = b.mel(i, &fb);
        const std::size_t n = std::size_t(fa) * std::size_t(a.preprocess().mel.melBins);
        if (!ma || !mb || fa != fb || std::memcmp(ma, mb, n * sizeof(float)) != 0) {
            *why = QStringLiteral("mel of sample %1 (%2 and %3 frames)").arg(i).arg(fa).arg(fb);
            return false;
        }
        for (std::size_t k = 0; k < n; ++k) {
            if (!std::isfinite(mb[k])) {
                *why = QStringLiteral("non-finite mel value in sample %1").arg(i);
                return false;
            }
        }
    }
    return true;
}

} // namespace

/** The feature cache under hostile or careless edits: never a crash, a hang or wrong features. */
class TestFeatureCache final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void editedEntriesAreDecodedAgain_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<double>("value");
        QTest::addColumn<bool>("audio");
        QTest::addColumn<bool>("reseal");
        QTest::addColumn<int>("decoded"); // files decoded again on the next load
        // Resealed: the checksum matches, so the entry's own checks must catch it (one file).
        QTest::newRow("offset 2^40") << QStringLiteral("o") << std::ldexp(1.0, 40) << false << true << 1;
        QTest::newRow("offset past blob") << QStringLiteral("o") << 1e6 << true << true << 1;
        QTest::newRow("odd mel offset") << QStringLiteral("o") << 2.0 << true << true << 1;
        QTest::newRow("frames 1e9") << QStringLiteral("f") << 1e9 << true << true << 1;
        QTest::newRow("frames -1") << QStringLiteral("f") << -1.0 << true << true << 1;
        QTest::newRow("frames 1") << QStringLiteral("f") << 1.0 << true << true << 1;
        QTest::newRow("length -1") << QStringLiteral("n") << -1.0 << false << true << 1;
        QTest::newRow("length 2^40") << QStringLiteral("n") << std::ldexp(1.0, 40) << true << true << 1;
        QTest::newRow("short image") << QStringLiteral("n") << 12.0 << false << true << 1;
        QTest::newRow("seconds 1e300") << QStringLiteral("t") << 1e300 << true << true << 1;
        // Edited by hand, checksum untouched: the whole index is distrusted.
        QTest::newRow("unsealed offset 2^40") << QStringLiteral("o") << std::ldexp(1.0, 40) << false << false << 24;
        QTest::newRow("unsealed frames -1") << QStringLiteral("f") << -1.0 << true << false << 24;
    }
    void editedEntriesAreDecodedAgain()
    {
        QFETCH(QString, field);
        QFETCH(double, value);
        QFETCH(bool, audio);
        QFETCH(bool, reseal);
        QFETCH(int, decoded);
        QTemporaryDir dir;
        datasetfixture::write(dir.path());
        const auto first = Dataset::load(dir.path());
        QVERIFY(first && first->loadError().isEmpty());
        const QString folder = cacheFolder(dir.path());
        QVERIFY(!folder.isEmpty());

        QJsonObject root = readIndex(folder);
        QJsonObject entries = root.value(QStringLiteral("entries")).toObject();
        QVERIFY(!entries.isEmpty());
        QString edited;
        for (auto it = entries.begin(); it != entries.end(); ++it) {
            if (it.value().toObject().value(QStringLiteral("a")).toBool() == audio) {
                edited = it.key();
                break;
            }
        }
        QVERIFY(!edited.isEmpty());
        QJsonObject entry = entries.value(edited).toObject();
        entry.insert(field, value);
        entries.insert(edited, entry);
        root.insert(QStringLiteral("entries"), entries);
        writeIndex(folder, root, reseal);

        const auto second = Dataset::load(dir.path());
        QVERIFY(second && second->loadError().isEmpty());
        QCOMPARE(second->cacheStats().decoded, decoded);
        QString why;
        QVERIFY2(sameFeatures(*first, *second, &why), qPrintable(why));
        // And the cache is whole again: a third load decodes nothing.
        const auto third = Dataset::load(dir.path());
        QCOMPARE(third->cacheStats().decoded, 0);
        QVERIFY2(sameFeatures(*first, *third, &why), qPrintable(why));
    }

    void checkDataSurvivesAnEditedIndex()
    {
        // The reported crash, end to end: edited offsets, then `fusionscope check-data --json`.
        QTemporaryDir dir;
        datasetfixture::write(dir.path());
        const testsupport::ProcessResult clean =
            testsupport::runFusionscope({QStringLiteral("check-data"), dir.path(), QStringLiteral("--json")}, 60000);
        QVERIFY2(clean.exitCode >= 0, clean.err.constData());
        const QString folder = cacheFolder(dir.path());
        QJsonObject root = readIndex(folder);
        QJsonObject entries = root.value(QStringLiteral("entries")).toObject();
        for (auto it = entries.begin(); it != entries.end(); ++it) {
            QJsonObject e = it.value().toObject();
            e.insert(e.value(QStringLiteral("a")).toBool() ? QStringLiteral("f") : QStringLiteral("o"),
                     e.value(QStringLiteral("a")).toBool() ? 1e9 : std::ldexp(1.0, 40));
            it.value() = e;
        }
        root.insert(QStringLiteral("entries"), entries);
        writeIndex(folder, root, true);
        const testsupport::ProcessResult edited =
            testsupport::runFusionscope({QStringLiteral("check-data"), dir.path(), QStringLiteral("--json")}, 60000);
        QVERIFY2(edited.exitCode >= 0, edited.err.constData()); // -1: crashed or timed out
        QCOMPARE(edited.exitCode, clean.exitCode);
        QCOMPARE(QJsonDocument::fromJson(edited.out).isObject(), QJsonDocument::fromJson(clean.out).isObject());
    }

    void fifoOrLinkInTheCacheNeverBlocks_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("fifo");
        QTest::newRow("fifo index.json") << QStringLiteral("index.json") << true;
        QTest::newRow("fifo images blob") << QStringLiteral("images.u8") << true;
        QTest::newRow("fifo mels blob") << QStringLiteral("mels.f32") << true;
        QTest::newRow("linked mels blob") << QStringLiteral("mels.f32") << false;
        QTest::newRow("fifo tokenizer model") << QStringLiteral("tokenizer-*.model") << true;
    }
    void fifoOrLinkInTheCacheNeverBlocks()
    {
        QFETCH(QString, name);
        QFETCH(bool, fifo);
        QTemporaryDir dir;
        datasetfixture::write(dir.path());
        QVERIFY(Dataset::load(dir.path()));
        const QString folder = cacheFolder(dir.path());
        const QStringList matching = QDir(folder).entryList({name}, QDir::Files);
        QCOMPARE(matching.size(), 1);
        const QString target = QDir(folder).filePath(matching.first());
        QVERIFY(QFile::remove(target));
        if (fifo) {
            QCOMPARE(::mkfifo(QFile::encodeName(target).constData(), 0600), 0);
        } else {
            const QString outside = QDir(dir.path()).filePath(QStringLiteral("outside.bin"));
            testsupport::writeFile(outside, QByteArray(1 << 20, '\x7f')); // NaN-ish floats
            QVERIFY(QFile::link(outside, target));
        }
        // In a child process: a blocked open() cannot be cancelled in this one.
        QElapsedTimer timer;
        timer.start();
        const testsupport::ProcessResult run =
            testsupport::runFusionscope({QStringLiteral("check-data"), dir.path(), QStringLiteral("--json")}, 30000);
        QVERIFY2(run.exitCode >= 0, run.err.constData());
        QVERIFY(timer.elapsed() < 30000);
        const QFileInfo after(target);
        QVERIFY2(after.isFile() && !after.isSymLink(), "the cache file was not replaced by a regular one");
        // The features came from the media files again, not from the link's target.
        const auto reopened = Dataset::load(dir.path());
        QCOMPARE(reopened->cacheStats().decoded, 0);
        for (int i = 0; i < reopened->size(); ++i) {
            int frames = 0;
            const float *mel = reopened->mel(i, &frames);
            QVERIFY(mel && frames > 0);
            QVERIFY(std::isfinite(mel[0]));
        }
    }
    void audioWarningsSurviveReopening()
    {
        // A clip's NaN note or cut note must be reported on every load, not only the decoding one.
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("cache"));
        {
            FeatureStore store(folder);
            store.addAudio(QStringLiteral("audio/a.wav"), 10, 20, std::vector<float>(64 * 3, 0.5f), 3, 0.03,
                           QStringLiteral("3 NaN or infinite samples replaced by silence"));
            store.addAudio(QStringLiteral("audio/b.wav"), 11, 21, std::vector<float>(64 * 2, 0.25f), 2, 0.02);
            QString warning;
            store.commit({QStringLiteral("audio/a.wav"), QStringLiteral("audio/b.wav")}, &warning);
            QVERIFY2(warning.isEmpty(), qPrintable(warning));
        }
        FeatureStore reopened(folder);
        QCOMPARE(reopened.droppedEntries(), 0);
        const FeatureEntry *a = reopened.lookup(QStringLiteral("audio/a.wav"), 10, 20);
        QVERIFY(a);
        QCOMPARE(a->warning, QStringLiteral("3 NaN or infinite samples replaced by silence"));
        QCOMPARE(reopened.melData(*a)[0], 0.5f);
        const FeatureEntry *b = reopened.lookup(QStringLiteral("audio/b.wav"), 11, 21);
        QVERIFY(b && b->warning.isEmpty());
        QCOMPARE(reopened.melData(*b)[64 * 2 - 1], 0.25f);
    }

    void checkDataNotesNonFiniteAudio()
    {
        // Sample s0's clip becomes a float WAV with a NaN and an Inf: it still trains, but
        // check-data says so, on the decoding load and on the cached one.
        QTemporaryDir dir;
        datasetfixture::write(dir.path());
        std::vector<float> samples(8000, 0.25f);
        samples[10] = std::nanf("");
        samples[20] = INFINITY;
        auto u32 = [](quint32 v) { QByteArray b(4, 0); for (int i = 0; i < 4; ++i) b[i] = char(v >> (8 * i)); return b; };
        auto u16 = [](quint16 v) { QByteArray b(2, 0); b[0] = char(v); b[1] = char(v >> 8); return b; };
        const QByteArray data(reinterpret_cast<const char *>(samples.data()), qsizetype(samples.size() * sizeof(float)));
        testsupport::writeFile(QDir(dir.path()).filePath(QStringLiteral("audio/s0.wav")),
                               "RIFF" + u32(quint32(36 + data.size())) + "WAVEfmt " + u32(16) + u16(3) + u16(1)
                                   + u32(16000) + u32(64000) + u16(4) + u16(32) + "data" + u32(quint32(data.size())) + data);
        for (int load = 0; load < 2; ++load) {
            const auto dataset = Dataset::load(dir.path());
            QVERIFY(dataset);
            int notes = 0;
            for (const DataIssue &issue : dataset->issues()) {
                if (issue.sampleId == QLatin1String("s0") && issue.reason.contains(QLatin1String("2 NaN or infinite samples"))) {
                    ++notes;
                    QVERIFY2(issue.reason.startsWith(QLatin1String("warning:")), qPrintable(issue.reason));
                }
            }
            QVERIFY2(notes == 1, qPrintable(QStringLiteral("load %1: %2 notes").arg(load).arg(notes)));
            QCOMPARE(dataset->size(), 12); // a note, not a drop
        }
    }

    /** A full disk while the cache is written: a clear message with the OS's words, the
     *  features still served from memory, nothing half-written trusted on the next open, and
     *  a whole cache once there is room again. Needs root for a size-limited tmpfs. */
    void diskFullIsReportedAndTheCacheRecovers()
    {
        if (::geteuid() != 0)
            QSKIP("mounting a size-limited tmpfs needs root");
        QTemporaryDir mountPoint;
        QVERIFY(mountPoint.isValid());
        const QByteArray where = QFile::encodeName(mountPoint.path());
        if (::mount("tmpfs", where.constData(), "tmpfs", MS_NOSUID | MS_NODEV, "size=1m") != 0)
            QSKIP(qPrintable(QStringLiteral("cannot mount a tmpfs: %1").arg(QString::fromLocal8Bit(std::strerror(errno)))));
        const auto unmount = qScopeGuard([&] { ::umount2(where.constData(), MNT_DETACH); });
        const QString folder = QDir(mountPoint.path()).filePath(QStringLiteral("cache"));
        const std::vector<std::uint8_t> image(3 * 64 * 64, 7); // 200 of them: 2.4 MB on a 1 MB disk
        const FeatureShape shape{qint64(image.size()), 0};
        QSet<QString> live;
        for (int i = 0; i < 200; ++i)
            live.insert(QStringLiteral("images/%1.png").arg(i));
        {
            FeatureStore store(folder, shape);
            for (const QString &key : std::as_const(live))
                store.addImage(key, 100, 1, image);
            QString warning;
            store.commit(live, &warning);
            QVERIFY2(warning.contains(QLatin1String("No space left on device")), qPrintable(warning));
            const FeatureEntry *e = store.entry(QStringLiteral("images/199.png"));
            QVERIFY(e && store.imageData(*e));
            QCOMPARE(int(store.imageData(*e)[e->length - 1]), 7);
        }
        {
            FeatureStore reopened(folder, shape); // whatever it trusts must be whole
            for (const QString &key : std::as_const(live)) {
                if (const FeatureEntry *e = reopened.lookup(key, 100, 1)) {
                    QVERIFY(reopened.imageData(*e));
                    QCOMPARE(int(reopened.imageData(*e)[e->length - 1]), 7);
                }
            }
        }
        QCOMPARE(::mount("tmpfs", where.constData(), "tmpfs", MS_REMOUNT | MS_NOSUID | MS_NODEV, "size=16m"), 0);
        {
            FeatureStore store(folder, shape);
            for (const QString &key : std::as_const(live)) {
                if (!store.lookup(key, 100, 1))
                    store.addImage(key, 100, 1, image);
            }
            QString warning;
            store.commit(live, &warning);
            QVERIFY2(warning.isEmpty(), qPrintable(warning));
        }
        FeatureStore recovered(folder, shape);
        QCOMPARE(recovered.droppedEntries(), 0);
        for (const QString &key : std::as_const(live)) {
            const FeatureEntry *e = recovered.lookup(key, 100, 1);
            QVERIFY2(e && recovered.imageData(*e), qPrintable(key));
            QCOMPARE(int(recovered.imageData(*e)[0]), 7);
        }
    }
};

QTEST_GUILESS_MAIN(TestFeatureCache)
#include "test_featurecache.moc"
