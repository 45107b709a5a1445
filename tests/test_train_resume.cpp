#include "core/eval/modelio.h"
#include "core/train/runconfig.h"
#include "core/train/trainingjob.h"
#include "tests/testsupport.h"
#include "tests/trainfixtures.h"

#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>
#include <torch/torch.h>

#include <signal.h>
#include <thread>

namespace {

/** Every loss a run logged, in order: step losses, then per epoch train and validation loss. */
QList<double> lossCurve(const QString &runDir)
{
    QList<double> losses;
    QFile file(runfiles::metricsPath(runDir));
    if (!file.open(QIODevice::ReadOnly))
        return losses;
    while (!file.atEnd()) {
        const QJsonObject record = QJsonDocument::fromJson(file.readLine()).object();
        if (record.value(QStringLiteral("type")).toString() == QLatin1String("step"))
            losses << record.value(QStringLiteral("loss")).toDouble();
        else
            losses << record.value(QStringLiteral("train_loss")).toDouble() << record.value(QStringLiteral("val_loss")).toDouble();
    }
    return losses;
}

/** Empty when both model files hold bit-identical parameters and buffers, else the first difference. */
QString compareWeights(const QString &a, const QString &b)
{
    QString error;
    const auto first = loadModelFile(a, &error);
    if (!first)
        return error;
    const auto second = loadModelFile(b, &error);
    if (!second)
        return error;
    const auto tensors = [](const torch::jit::Module &module) {
        std::vector<std::pair<std::string, at::Tensor>> all;
        for (const auto &item : module.named_parameters(/*recurse=*/true))
            all.emplace_back(item.name, item.value);
        for (const auto &item : module.named_buffers(/*recurse=*/true))
            all.emplace_back(item.name, item.value);
        return all;
    };
    const auto one = tensors(first->module);
    const auto two = tensors(second->module);
    if (one.size() != two.size())
        return QStringLiteral("different tensor counts");
    for (std::size_t i = 0; i < one.size(); ++i) {
        if (one[i].first != two[i].first || !torch::equal(one[i].second, two[i].second))
            return QStringLiteral("%1 differs").arg(QString::fromStdString(one[i].first));
    }
    return {};
}

QJsonObject readTrainConfig(const QString &runDir)
{
    QFile file(runfiles::configPath(runDir));
    return file.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("train")).toObject()
                                          : QJsonObject();
}

int stepRecords(const QString &runDir)
{
    QFile file(runfiles::metricsPath(runDir));
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    return int(file.readAll().count("\"type\":\"step\""));
}

} // namespace

/** Reproducible runs, and resuming a stopped or killed run to the very same weights. */
class TestTrainResume final : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_datasetPath;
    std::shared_ptr<const Dataset> m_dataset;

    QString runDir(const char *name) const { return m_dir.filePath(QString::fromLatin1(name)); }

    TrainConfig resumableTraining() const
    {
        TrainConfig train = trainfixtures::tinyTraining();
        train.epochs = 3;
        train.modalityDropout = 0.3; // its draws must line up after a resume too
        return train;
    }

    FinishReport train(const char *name, const TrainConfig &config)
    {
        TrainingJob job(m_dataset, trainfixtures::tinyModel(), config, runDir(name));
        return job.run();
    }

    /** Starts the CLI on the tiny dataset in fp32 (the in-process tests run the default, auto); `extra` adds flags. */
    void startCli(QProcess &process, const QString &out, const QStringList &extra = {})
    {
        process.start(QStringLiteral(FUSIONSCOPE_BINARY),
                      QStringList{QStringLiteral("train"), m_datasetPath, QStringLiteral("--fusion"), QStringLiteral("concat"),
                                  QStringLiteral("--config"), m_dir.filePath(QStringLiteral("cli.json")),
                                  QStringLiteral("--out"), out, QStringLiteral("--threads"), QStringLiteral("1"),
                                  QStringLiteral("--precision"), QStringLiteral("fp32")}
                          + extra);
        QVERIFY(process.waitForStarted());
    }

    /** Waits until the CLI run in `out` has logged `steps` steps, then sends `signal`. */
    void interruptCli(QProcess &process, const QString &out, int steps, int signal)
    {
        QElapsedTimer clock;
        clock.start();
        while (stepRecords(out) < steps && process.state() == QProcess::Running && clock.elapsed() < 60000)
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        QVERIFY2(process.state() == QProcess::Running, "the run ended before it could be interrupted");
        ::kill(pid_t(process.processId()), signal);
        QVERIFY(process.waitForFinished(60000));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_datasetPath = m_dir.filePath(QStringLiteral("tiny"));
        trainfixtures::writeTinyDataset(m_datasetPath);
        m_dataset = Dataset::load(m_datasetPath, trainfixtures::tinyDatasetOptions());
        QVERIFY(m_dataset && m_dataset->loadError().isEmpty());
    }

    void sameSeedGivesTheSameLossCurve()
    {
        QVERIFY(train("seed-a", resumableTraining()).ok);
        QVERIFY(train("seed-b", resumableTraining()).ok);
        TrainConfig other = resumableTraining();
        other.seed = 12;
        QVERIFY(train("seed-c", other).ok);
        const QList<double> a = lossCurve(runDir("seed-a"));
        QCOMPARE(a.size(), 18 + 2 * 3);
        QCOMPARE(lossCurve(runDir("seed-b")), a); // exact: QList<double> compares with ==
        QVERIFY(lossCurve(runDir("seed-c")) != a);
        QCOMPARE(compareWeights(runfiles::modelPath(runDir("seed-a")), runfiles::modelPath(runDir("seed-b"))), QString());
    }

    void twoThreadsAreReproducibleToo()
    {
        // Intra-op parallel kernels must not make the curve depend on scheduling.
        TrainConfig config = resumableTraining();
        config.epochs = 1;
        config.threads = 2;
        QVERIFY(train("threads-a", config).ok);
        QVERIFY(train("threads-b", config).ok);
        QCOMPARE(lossCurve(runDir("threads-b")), lossCurve(runDir("threads-a")));
    }

    void cancelledMidEpochResumesToTheUninterruptedWeights()
    {
        QVERIFY(train("whole", resumableTraining()).ok);

        {
            TrainingJob job(m_dataset, trainfixtures::tinyModel(), resumableTraining(), runDir("stopped"));
            TrainingCallbacks callbacks;
            callbacks.stepFinished = [&job](const StepReport &step) {
                if (step.step == 9) // mid-way through the second epoch
                    job.cancel();
            };
            job.setCallbacks(callbacks);
            const FinishReport result = job.run();
            QVERIFY(result.cancelled);
        }
        QString error;
        std::unique_ptr<TrainingJob> resumed = TrainingJob::resumeRun(runDir("stopped"), &error);
        QVERIFY2(resumed, qPrintable(error));
        qint64 firstStep = 0;
        TrainingCallbacks callbacks;
        callbacks.stepFinished = [&firstStep](const StepReport &step) {
            if (firstStep == 0)
                firstStep = step.step;
        };
        resumed->setCallbacks(callbacks);
        const FinishReport result = resumed->run();
        QVERIFY2(result.ok, qPrintable(result.reason));
        QCOMPARE(firstStep, qint64(10));
        QCOMPARE(compareWeights(runfiles::modelPath(runDir("whole")), runfiles::modelPath(runDir("stopped"))), QString());
        QCOMPARE(lossCurve(runDir("stopped")), lossCurve(runDir("whole")));

        // A folder without a checkpoint cannot be resumed, and says so.
        QVERIFY(!TrainingJob::resumeRun(m_dir.filePath(QStringLiteral("nothing")), &error));
        QVERIFY(error.contains(QStringLiteral("nothing")));
    }

    void cliTrainsInterruptsAndResumes()
    {
        TrainConfig config = resumableTraining();
        config.epochs = 6;
        config.checkpointEverySteps = 2;
        const QJsonObject file{{QStringLiteral("train"), config.toJson()},
                               {QStringLiteral("model"), trainfixtures::tinyModel().toJson()},
                               {QStringLiteral("preprocess"), trainfixtures::tinyDatasetOptions().preprocess.toJson()}};
        testsupport::writeFile(m_dir.filePath(QStringLiteral("cli.json")), QJsonDocument(file).toJson());

        const QString whole = runDir("cli-whole");
        QProcess process;
        startCli(process, whole);
        QVERIFY(process.waitForFinished(120000));
        const QByteArray out = process.readAllStandardOutput();
        QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
        QVERIFY(QFileInfo::exists(runfiles::modelPath(whole)));
        QVERIFY(out.contains("epoch 6/6"));
        QVERIFY(out.contains("test: accuracy"));
        // --precision overrides the config file's "auto", and config.json records what ran.
        QCOMPARE(readTrainConfig(whole).value(QStringLiteral("precision")).toString(), QStringLiteral("fp32"));

        // Ctrl-C: stops after the current batch, exit 130, says how to resume.
        const QString interrupted = runDir("cli-interrupted");
        QProcess second;
        startCli(second, interrupted);
        interruptCli(second, interrupted, 5, SIGINT);
        QCOMPARE(second.exitCode(), 130);
        QVERIFY(second.readAllStandardError().contains("fusionscope train --resume"));

        // Killed outright: resumes from the last periodic checkpoint.
        const QString killed = runDir("cli-killed");
        QProcess third;
        startCli(third, killed);
        interruptCli(third, killed, 9, SIGKILL);
        QVERIFY(third.exitStatus() == QProcess::CrashExit);

        for (const QString &dir : {interrupted, killed}) {
            const auto result = testsupport::runFusionscope({QStringLiteral("train"), QStringLiteral("--resume"), dir,
                                                             QStringLiteral("--threads"), QStringLiteral("1")});
            QVERIFY2(result.exitCode == 0, result.err.constData());
            QCOMPARE(compareWeights(runfiles::modelPath(whole), runfiles::modelPath(dir)), QString());
            QCOMPARE(lossCurve(dir), lossCurve(whole));
        }

        const auto refused = testsupport::runFusionscope({QStringLiteral("train"), QStringLiteral("--resume"), killed,
                                                          QStringLiteral("--epochs"), QStringLiteral("3")});
        QCOMPARE(refused.exitCode, 2);
        const auto otherPrecision = testsupport::runFusionscope({QStringLiteral("train"), QStringLiteral("--resume"), killed,
                                                                 QStringLiteral("--precision"), QStringLiteral("bf16")});
        QCOMPARE(otherPrecision.exitCode, 2);
        QVERIFY2(otherPrecision.err.contains("--precision cannot change it"), otherPrecision.err.constData());
        const auto missing = testsupport::runFusionscope({QStringLiteral("train"), m_dir.filePath(QStringLiteral("absent"))});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY(!missing.err.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestTrainResume)
#include "test_train_resume.moc"
