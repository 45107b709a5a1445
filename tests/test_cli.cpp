// The command line never takes a dataset for a subcommand: the demo folder is called like the
// demo-data subcommand, and README's first command opens the window on it.
#include <QtCore/QDir>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

namespace {

struct Outcome
{
    bool finished = false;
    int exitCode = -1;
    QString err;
};

/** Runs fusionscope in folder; a window invocation keeps running, so it is killed after waitMs. */
Outcome runIn(const QString &folder, const QStringList &arguments, int waitMs = 30000)
{
    QProcess process;
    process.setWorkingDirectory(folder);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), folder + QStringLiteral("/.config"));
    environment.insert(QStringLiteral("XDG_CACHE_HOME"), folder + QStringLiteral("/.cache"));
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(FUSIONSCOPE_BINARY), arguments);
    Outcome outcome;
    outcome.finished = process.waitForFinished(waitMs);
    if (!outcome.finished) {
        process.kill();
        process.waitForFinished();
    } else {
        outcome.exitCode = process.exitCode();
    }
    outcome.err = QString::fromUtf8(process.readAllStandardError());
    return outcome;
}

} // namespace

class TestCli final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("demo-data")));
    }

    void bareSubcommandNameSaysWhichItTook()
    {
        const Outcome outcome = runIn(m_dir.path(), {QStringLiteral("demo-data")});
        QVERIFY(outcome.finished);
        QCOMPARE(outcome.exitCode, 2); // demo-data without --out
        QVERIFY2(outcome.err.contains(QStringLiteral("running the 'demo-data' subcommand")), qPrintable(outcome.err));
        QVERIFY2(outcome.err.contains(QStringLiteral("fusionscope open demo-data")), qPrintable(outcome.err));
    }

    void pathLikeArgumentOpensTheWindow()
    {
        // The window runs until killed; a subcommand would have finished (and complained) at once.
        const Outcome outcome = runIn(m_dir.path(), {QStringLiteral("./demo-data")}, 3000);
        QVERIFY2(!outcome.finished, qPrintable(outcome.err));
        QVERIFY2(!outcome.err.contains(QStringLiteral("--out")), qPrintable(outcome.err));
    }

    void openTakesTheDatasetExplicitly()
    {
        const Outcome outcome = runIn(m_dir.path(), {QStringLiteral("open"), QStringLiteral("demo-data")}, 3000);
        QVERIFY2(!outcome.finished, qPrintable(outcome.err));
    }

    void openRefusesExtraArguments()
    {
        const Outcome outcome =
            runIn(m_dir.path(), {QStringLiteral("open"), QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")});
        QVERIFY(outcome.finished);
        QCOMPARE(outcome.exitCode, 2);
        QVERIFY2(outcome.err.contains(QStringLiteral("Usage: fusionscope open [DATASET [MODEL.pt]]")), qPrintable(outcome.err));
    }

    void openTakesADatasetAndAModel()
    {
        // A missing model is the window's banner to report, not a usage error.
        const Outcome outcome = runIn(m_dir.path(), {QStringLiteral("open"), QStringLiteral("demo-data"), QStringLiteral("model.pt")}, 3000);
        QVERIFY2(!outcome.finished, qPrintable(outcome.err));
    }

    void unknownBareWordIsAnUnknownSubcommand()
    {
        const Outcome outcome = runIn(m_dir.path(), {QStringLiteral("trian")});
        QVERIFY(outcome.finished);
        QCOMPARE(outcome.exitCode, 2);
        QVERIFY2(outcome.err.contains(QStringLiteral("unknown subcommand 'trian'")), qPrintable(outcome.err));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
