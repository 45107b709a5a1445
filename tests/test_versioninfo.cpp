// --version names the BLAS LibTorch really calls, and a BLAS other than OpenBLAS (training
// ~14x slower) gets one warning on stderr.
#include "core/util/blasinfo.h"
#include "core/util/versioninfo.h"
#include "tests/testsupport.h"

#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

namespace {
const char kReferenceBlas[] = "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3";
}

class TestVersionInfo final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void versionNamesOpenBlasHere();
    void pathsAreClassified();
    void cliVersionNamesBlasAndStaysQuiet();
    void referenceBlasWarnsOnce();
};

void TestVersionInfo::versionNamesOpenBlasHere()
{
    // This machine (and packaging/install-deps.sh) selects OpenBLAS for libblas.so.3.
    const QString report = versionReport();
    const QRegularExpression line(QStringLiteral(R"(BLAS: OpenBLAS \d+\.\d+\.\d+ \((pthread|OpenMP|serial)\) /\S+/libblas\.so\.3)"));
    QVERIFY2(line.match(report).hasMatch(), qPrintable(report));
    const BlasInfo blas = currentBlas();
    QVERIFY(blas.loaded && blas.openBlas);
    QVERIFY2(QFileInfo(blas.path).isAbsolute() && !QFileInfo(blas.path).isSymLink(), qPrintable(blas.path));
    QVERIFY(slowBlasWarning(blas).isEmpty());
}

void TestVersionInfo::pathsAreClassified()
{
    const BlasInfo reference = classifyBlasPath(QString::fromLatin1(kReferenceBlas));
    QVERIFY(reference.loaded && !reference.openBlas);
    QCOMPARE(reference.name, QStringLiteral("reference BLAS (Netlib)"));
    const QString warning = slowBlasWarning(reference);
    QVERIFY2(warning.contains(QLatin1String("not OpenBLAS")) && warning.contains(QLatin1String(kReferenceBlas))
                 && warning.contains(QLatin1String("libopenblas0-pthread")),
             qPrintable(warning));
    QCOMPARE(classifyBlasPath(QStringLiteral("/usr/lib/x86_64-linux-gnu/blis-pthread/libblas.so.3")).name, QStringLiteral("BLIS"));
    QVERIFY(classifyBlasPath(QStringLiteral("/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3")).openBlas);
    QVERIFY(slowBlasWarning(BlasInfo{}).isEmpty()); // nothing loaded: nothing to say
}

void TestVersionInfo::cliVersionNamesBlasAndStaysQuiet()
{
    const auto result = testsupport::runFusionscope({QStringLiteral("--version")});
    QCOMPARE(result.exitCode, 0);
    QVERIFY2(result.out.contains("BLAS: OpenBLAS"), result.out.constData());
    QVERIFY2(!result.err.contains("not OpenBLAS"), result.err.constData());
}

void TestVersionInfo::referenceBlasWarnsOnce()
{
    if (!QFileInfo::exists(QString::fromLatin1(kReferenceBlas)))
        QSKIP("the reference BLAS (libblas3) is not installed");
    // LD_LIBRARY_PATH wins over the alternatives symlink: the process loads the reference BLAS.
    QTemporaryDir dir;
    QVERIFY(QFile::link(QString::fromLatin1(kReferenceBlas), dir.filePath(QStringLiteral("libblas.so.3"))));
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("LD_LIBRARY_PATH"), dir.path());
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(FUSIONSCOPE_BINARY), {QStringLiteral("--version")});
    QVERIFY(process.waitForFinished(60000));
    QCOMPARE(process.exitCode(), 0);
    const QByteArray out = process.readAllStandardOutput();
    const QByteArray err = process.readAllStandardError();
    QVERIFY2(out.contains("BLAS: reference BLAS (Netlib) /usr/lib/x86_64-linux-gnu/blas/libblas.so.3"), out.constData());
    QCOMPARE(err.count("not OpenBLAS"), 1);
    QVERIFY2(err.contains("fusionscope: warning: libblas.so.3 is reference BLAS"), err.constData());
}

QTEST_GUILESS_MAIN(TestVersionInfo)
#include "test_versioninfo.moc"
