#include "tests/datasetfixture.h"
#include "tests/testsupport.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

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
