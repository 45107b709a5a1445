#include "tests/datasetfixture.h"
#include "tests/testsupport.h"

#include <QtCore/QDirIterator>
#include <QtCore/QElapsedTimer>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

/** `fusionscope check-data` as a script or a person uses it: output and exit codes. */
class TestCheckData final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void goodDatasetExitsZeroWithCounts()
    {
        QTemporaryDir dir;
        datasetfixture::write(dir.path());
        testsupport::writeFile(dir.path() + QStringLiteral("/manifest.jsonl"),
                               readAll(dir.path() + QStringLiteral("/manifest.jsonl")) + "{not json\n");
        const auto result = testsupport::runFusionscope({QStringLiteral("check-data"), dir.path()});
        QCOMPARE(result.exitCode, 0);
        const QString out = QString::fromUtf8(result.out);
        QVERIFY2(out.contains(QLatin1String("12 loaded (train 8, val 2, test 2), 1 issue(s)")), qPrintable(out));
        QVERIFY(out.contains(QLatin1String("manifest.jsonl:13")));
        QVERIFY(result.err.isEmpty()); // nothing but results on a pipe: no progress bar
    }

    void jsonIsOneDocument()
    {
        QTemporaryDir dir;
        datasetfixture::write(dir.path());
        const auto result = testsupport::runFusionscope({QStringLiteral("check-data"), dir.path(), QStringLiteral("--json")});
        QCOMPARE(result.exitCode, 0);
        QJsonParseError error;
        const QJsonObject json = QJsonDocument::fromJson(result.out, &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(json.value(QStringLiteral("samples")).toInt(), 12);
        QCOMPARE(json.value(QStringLiteral("splits")).toObject().value(QStringLiteral("train")).toInt(), 8);
        QCOMPARE(json.value(QStringLiteral("modalities")).toObject().value(QStringLiteral("audio")).toInt(), 12);
        QCOMPARE(json.value(QStringLiteral("classes")).toObject().value(QStringLiteral("a")).toObject()
                     .value(QStringLiteral("train")).toInt(), 4);
    }

    void nothingLoadedExitsNonZeroWithTheReason()
    {
        QTemporaryDir empty;
        auto result = testsupport::runFusionscope({QStringLiteral("check-data"), empty.path()});
        QCOMPARE(result.exitCode, 1);
        QVERIFY(result.err.contains("no manifest"));

        QTemporaryDir broken;
        testsupport::writeFile(broken.path() + QStringLiteral("/manifest.jsonl"), "garbage\n{\"id\":\"x\"}\n");
        result = testsupport::runFusionscope({QStringLiteral("check-data"), broken.path()});
        QCOMPARE(result.exitCode, 1);
        QVERIFY(result.err.contains("no sample loaded"));
    }

    void decodeIssuesNameTheManifestLineNotTheImage()
    {
        QTemporaryDir dir;
        datasetfixture::write(dir.path());
        testsupport::writeFile(dir.path() + QStringLiteral("/images/s2.png"), "this is text, not a PNG");
        const auto result = testsupport::runFusionscope({QStringLiteral("check-data"), QStringLiteral("--no-cache"), dir.path()});
        QCOMPARE(result.exitCode, 0);
        const QString out = QString::fromUtf8(result.out);
        QVERIFY2(out.contains(QLatin1String("  manifest.jsonl:3 [s2]: image \"images/s2.png\": ")), qPrintable(out));
        QVERIFY2(!out.contains(QLatin1String("s2.png:3")), qPrintable(out));

        const auto json = testsupport::runFusionscope({QStringLiteral("check-data"), QStringLiteral("--json"), dir.path()});
        const QJsonObject issue = QJsonDocument::fromJson(json.out).object().value(QStringLiteral("issues")).toArray().at(0).toObject();
        QCOMPARE(issue.value(QStringLiteral("field")).toString(), QStringLiteral("image"));
        QCOMPARE(issue.value(QStringLiteral("path")).toString(), QStringLiteral("images/s2.png"));
        QCOMPARE(issue.value(QStringLiteral("line")).toInt(), 3);
    }

    void longTextLoadsQuicklyAndQuietly()
    {
        // One row of 2 000 000 characters without a space (before: about a minute, and
        // SentencePiece's "Found too long line" warnings on stderr).
        QTemporaryDir dir;
        datasetfixture::write(dir.path());
        QByteArray manifest = readAll(dir.path() + QStringLiteral("/manifest.jsonl"));
        manifest += "{\"id\":\"long\",\"text\":\"" + QByteArray(2000000, 'a') + "\",\"label\":\"a\",\"split\":\"train\"}\n";
        testsupport::writeFile(dir.path() + QStringLiteral("/manifest.jsonl"), manifest);
        QElapsedTimer timer;
        timer.start();
        const auto result = testsupport::runFusionscope({QStringLiteral("check-data"), QStringLiteral("--no-cache"), dir.path()});
        const qint64 ms = timer.elapsed();
        QCOMPARE(result.exitCode, 0);
        const QString out = QString::fromUtf8(result.out);
        QVERIFY2(out.contains(QLatin1String("13 loaded")), qPrintable(out));
        QVERIFY2(out.contains(QLatin1String("manifest.jsonl:13 [long]: text: 2000000 characters; only the first 65536 are kept")),
                 qPrintable(out));
        QVERIFY2(result.err.isEmpty(), result.err.constData());
        QVERIFY2(ms < 20000, qPrintable(QString::number(ms)));
        qInfo("check-data with a 2 000 000-character text: %lld ms", ms);
    }

    void readOnlyDatasetCachesInTheUserCacheFolder()
    {
        QTemporaryDir source;
        datasetfixture::write(source.path());
        QTemporaryDir mountPoint;
        QTemporaryDir cacheHome;
        bool mounted = false;
        if (::geteuid() == 0) {
            // Root writes through permission bits: only a read-only mount is read-only. The
            // mount lives in this process's own namespace, which the child inherits.
            if (::unshare(CLONE_NEWNS) != 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
                QSKIP("no private mount namespace here (unshare/mount refused)");
            const QByteArray from = QFile::encodeName(source.path()), to = QFile::encodeName(mountPoint.path());
            QVERIFY(::mount(from.constData(), to.constData(), nullptr, MS_BIND, nullptr) == 0);
            mounted = true;
            QVERIFY(::mount(nullptr, to.constData(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) == 0);
        } else {
            QVERIFY(QFile::setPermissions(source.path(), QFileDevice::ReadOwner | QFileDevice::ExeOwner));
        }
        const QString dataset = mounted ? mountPoint.path() : source.path();
        QVERIFY(!QFile(dataset + QStringLiteral("/probe")).open(QIODevice::WriteOnly)); // read-only indeed
        qputenv("XDG_CACHE_HOME", QFile::encodeName(cacheHome.path()));
        const auto first = testsupport::runFusionscope({QStringLiteral("check-data"), dataset});
        const auto second = testsupport::runFusionscope({QStringLiteral("check-data"), QStringLiteral("--json"), dataset});
        qunsetenv("XDG_CACHE_HOME");
        if (mounted)
            ::umount2(QFile::encodeName(mountPoint.path()).constData(), MNT_DETACH);
        else
            QFile::setPermissions(source.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);

        QCOMPARE(first.exitCode, 0);
        QVERIFY2(QString::fromUtf8(first.out).contains(QLatin1String("12 loaded (train 8, val 2, test 2), 0 issue(s)")),
                 first.out.constData());
        QCOMPARE(second.exitCode, 0);
        QVERIFY(!QFileInfo::exists(source.path() + QStringLiteral("/.fusionscope-cache")));
        // README: a read-only dataset's feature cache lives under the user's cache folder.
        QStringList indexes;
        QDirIterator it(cacheHome.path(), {QStringLiteral("index.json")}, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext())
            indexes << it.next();
        QVERIFY2(indexes.size() == 1 && indexes.first().contains(QLatin1String("/datasets/")), qPrintable(indexes.join(QLatin1Char(' '))));
    }

    void badArgumentsExitTwo()
    {
        QTemporaryDir dir;
        datasetfixture::write(dir.path());
        auto result = testsupport::runFusionscope({QStringLiteral("check-data"), dir.path(), QStringLiteral("--map"), QStringLiteral("nonsense")});
        QCOMPARE(result.exitCode, 2);
        result = testsupport::runFusionscope({QStringLiteral("check-data")});
        QCOMPARE(result.exitCode, 2);
    }

private:
    static QByteArray readAll(const QString &path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }
};

QTEST_GUILESS_MAIN(TestCheckData)
#include "test_checkdata.moc"
