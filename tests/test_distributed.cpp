// Data-parallel training over c10d's Gloo as a user starts it: `train --nproc-per-node N` on
// loopback gives the run one process gives — the same loss at every step and the same final
// parameters — with only rank 0 writing the run folder.
#include "tests/datasetfixture.h"
#include "tests/testsupport.h"

#include "core/data/batch.h"
#include "core/dist/distributedenv.h"
#include "core/dist/evalshard.h"
#include "core/dist/processgroup.h"

#include <torch/script.h>

#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFileInfo>
#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtCore/QStandardPaths>
#include <QtCore/QFile>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <csignal>
#include <thread>
#include <sys/types.h>

namespace {

/** Layer-wise equality needs batch-independent layers: group norm, no dropout of either kind. A small
 *  learning rate: AdamW turns float rounding in near-zero gradients into steps of its full size. */
constexpr const char *kEqualityConfig =
    R"({"model":{"dim":32,"heads":2,"image_size":32,"norm":"group","dropout":0},)"
    R"("train":{"batch_size":48,"precision":"fp32","learning_rate":0.0001,"modality_dropout":0,"log_every_steps":1}})";

std::vector<at::Tensor> parameters(const QString &modelPath)
{
    torch::jit::Module module = torch::jit::load(modelPath.toStdString());
    std::vector<at::Tensor> values;
    for (const auto &parameter : module.named_parameters(/*recurse=*/true))
        values.push_back(parameter.value.detach().flatten());
    return values;
}

/** metrics.jsonl's loss of every step record (log_every_steps 1: every step). */
std::vector<double> stepLosses(const QString &runDir)
{
    std::vector<double> losses;
    QFile metrics(runDir + QStringLiteral("/metrics.jsonl"));
    if (!metrics.open(QIODevice::ReadOnly))
        return losses;
    for (const QByteArray &line : metrics.readAll().split('\n')) {
        const QJsonObject record = QJsonDocument::fromJson(line).object();
        if (record.value(QStringLiteral("type")).toString() == QLatin1String("step"))
            losses.push_back(record.value(QStringLiteral("loss")).toDouble(std::nan("")));
    }
    return losses;
}

/** The equality config with model dropout: each rank draws its own masks, which a resume must continue. */
constexpr const char *kDropoutConfig =
    R"({"model":{"dim":32,"heads":2,"image_size":32,"norm":"group","dropout":0.2},)"
    R"("train":{"batch_size":48,"precision":"fp32","learning_rate":0.0001,"modality_dropout":0,"log_every_steps":1}})";

double relativeDistance(const std::vector<at::Tensor> &a, const std::vector<at::Tensor> &b)
{
    const at::Tensor x = torch::cat(a);
    const at::Tensor y = torch::cat(b);
    return ((x - y).norm() / x.norm()).item<double>();
}

} // namespace

class TestDistributed : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_data = m_dir.filePath(QStringLiteral("data"));
        datasetfixture::Options options;
        options.samples = 216; // 144 train samples: 3 steps of 48 per epoch
        datasetfixture::write(m_data, options);
        m_config = m_dir.filePath(QStringLiteral("equality.json"));
        testsupport::writeFile(m_config, kEqualityConfig);
    }

    void environmentOfEveryLauncher()
    {
        QString error;
        DistributedEnv env;
        QProcessEnvironment torchrun;
        for (const auto &[name, value] : std::vector<std::pair<const char *, const char *>>{
                 {"RANK", "3"}, {"WORLD_SIZE", "4"}, {"LOCAL_RANK", "1"}, {"LOCAL_WORLD_SIZE", "2"}, {"MASTER_ADDR", "10.0.0.5"},
                 {"MASTER_PORT", "29400"}, {"TORCHELASTIC_RESTART_COUNT", "2"}, {"TORCHELASTIC_USE_AGENT_STORE", "True"}})
            torchrun.insert(QLatin1String(name), QLatin1String(value));
        QVERIFY2(readDistributedEnv(torchrun, &env, &error), qPrintable(error));
        QCOMPARE(env.launcher, QStringLiteral("torchrun"));
        QVERIFY(env.agentStore && env.restartCount == 2 && env.rank == 3 && env.localRank == 1 && env.masterPort == 29400);

        QProcessEnvironment slurm;
        slurm.insert(QStringLiteral("SLURM_PROCID"), QStringLiteral("5"));
        slurm.insert(QStringLiteral("SLURM_NTASKS"), QStringLiteral("8"));
        slurm.insert(QStringLiteral("SLURM_LOCALID"), QStringLiteral("1"));
        slurm.insert(QStringLiteral("SLURM_NTASKS_PER_NODE"), QStringLiteral("2(x4)"));
        slurm.insert(QStringLiteral("SLURM_JOB_NODELIST"), QStringLiteral("gpu[07-09,12],cpu1"));
        QVERIFY2(readDistributedEnv(slurm, &env, &error), qPrintable(error));
        QVERIFY(env.launcher == QLatin1String("slurm") && env.rank == 5 && env.worldSize == 8 && env.localWorldSize == 2);
        QCOMPARE(env.masterAddress, QStringLiteral("gpu07"));
        QCOMPARE(slurmFirstHost(QStringLiteral("node1,node2")), QStringLiteral("node1"));

        QVERIFY(readDistributedEnv(QProcessEnvironment(), &env, &error) && !env.isDistributed());
        QProcessEnvironment broken;
        broken.insert(QStringLiteral("WORLD_SIZE"), QStringLiteral("2"));
        broken.insert(QStringLiteral("RANK"), QStringLiteral("2"));
        QVERIFY(!readDistributedEnv(broken, &env, &error) && error.contains(QLatin1String("rank 2 is outside a world of 2")));
        broken.insert(QStringLiteral("MASTER_PORT"), QStringLiteral("http"));
        QVERIFY(!readDistributedEnv(broken, &env, &error) && error.contains(QLatin1String("MASTER_PORT=http")));
        broken.insert(QStringLiteral("FUSIONSCOPE_DIST_BUCKET_KB"), QStringLiteral("2"));
        QVERIFY(!readDistributedEnv(broken, &env, &error) && error.contains(QLatin1String("FUSIONSCOPE_DIST_BUCKET_KB=2 is not a whole number of at least 4")));
    }

    void shardedEvaluationGivesEveryRankTheWholeBatch()
    {
        // N ranks in this process (threads) on loopback: each forwards ceil(B/N) rows — its stride,
        // padded with the last row — and every rank gets the batch's B rows back in order.
        for (const auto &[worldSize, rowCount] : std::vector<std::pair<int, int>>{{2, 5}, {3, 7}, {3, 1}}) {
            const int world = worldSize; // a lambda may not capture a structured binding (C++17)
            const int rows = rowCount;
            const int port = 20000 + int((QCoreApplication::applicationPid() + 7 * world + rows) % 20000);
            std::vector<at::Tensor> results(static_cast<std::size_t>(world));
            std::vector<std::vector<int>> forwarded(static_cast<std::size_t>(world));
            std::vector<QString> errors(static_cast<std::size_t>(world));
            std::vector<std::thread> ranks;
            for (int rank = 0; rank < world; ++rank) {
                ranks.emplace_back([&, rank] {
                    DistributedEnv env;
                    env.rank = rank;
                    env.worldSize = world;
                    env.masterPort = port;
                    env.timeoutSeconds = 20;
                    env.launcher = QStringLiteral("environment");
                    QString error;
                    const std::unique_ptr<ProcessGroup> group = ProcessGroup::join(env, &error);
                    if (!group) {
                        errors[std::size_t(rank)] = error;
                        return;
                    }
                    Batch batch; // row i's text holds i; the "model" answers a row with its text and its presence
                    batch.text = torch::arange(rows, torch::kLong).unsqueeze(1);
                    batch.image = torch::zeros({rows, 3, 2, 2});
                    batch.audio = torch::zeros({rows, 1, 2, 2});
                    batch.present = torch::ones({rows, 3});
                    batch.labels = torch::arange(rows, torch::kLong);
                    for (int i = 0; i < rows; ++i)
                        batch.indices.push_back(100 + i);
                    const at::Tensor present = batch.present * torch::tensor({1.0f, 0.0f, 1.0f});
                    results[std::size_t(rank)] = gatherShardedRows(*group, batch, present, [&](const Batch &part, const at::Tensor &partPresent) {
                        for (int index : part.indices)
                            forwarded[std::size_t(rank)].push_back(index - 100);
                        return torch::cat({part.text.to(torch::kFloat), partPresent}, 1);
                    });
                });
            }
            for (std::thread &thread : ranks)
                thread.join();
            const at::Tensor expected = torch::cat({torch::arange(rows, torch::kFloat).unsqueeze(1),
                                                    torch::tensor({1.0f, 0.0f, 1.0f}).expand({rows, 3})}, 1);
            for (int rank = 0; rank < world; ++rank) {
                QVERIFY2(errors[std::size_t(rank)].isEmpty(), qPrintable(errors[std::size_t(rank)]));
                QVERIFY2(torch::equal(results[std::size_t(rank)], expected),
                         qPrintable(QStringLiteral("%1 ranks, %2 rows: rank %3 got the wrong rows").arg(world).arg(rows).arg(rank)));
                std::vector<int> stride;
                for (int k = 0; k < (rows + world - 1) / world; ++k)
                    stride.push_back(std::min(rank + k * world, rows - 1));
                QCOMPARE(forwarded[std::size_t(rank)], stride);
            }
        }
    }

    void ranksTrainWhatOneProcessTrains()
    {
        const QString single = train(QStringLiteral("one"), 1);
        QVERIFY(!single.isEmpty());
        const std::vector<double> reference = stepLosses(single);
        const std::vector<at::Tensor> expected = parameters(single + QStringLiteral("/model.pt"));
        QCOMPARE(int(reference.size()), 30);
        for (int ranks : {2, 3}) {
            // 2 ranks sum the model's gradients in one bucket; 3 in buckets of 64 KB, each started
            // as soon as the backward has filled it.
            if (ranks == 3)
                qputenv("FUSIONSCOPE_DIST_BUCKET_KB", "64");
            const QString run = train(QStringLiteral("ranks%1").arg(ranks), ranks);
            qunsetenv("FUSIONSCOPE_DIST_BUCKET_KB");
            QVERIFY(!run.isEmpty());
            const QRegularExpressionMatch buckets = QRegularExpression(QStringLiteral("\\((\\d+) bucket\\(s\\) overlapped")).match(QString::fromUtf8(m_lastErr));
            QVERIFY2(buckets.hasMatch() && (buckets.captured(1).toInt() == 1) == (ranks == 2), m_lastErr.constData());
            const std::vector<double> losses = stepLosses(run);
            QCOMPARE(losses.size(), reference.size());
            for (std::size_t k = 0; k < losses.size(); ++k)
                QVERIFY2(std::abs(losses[k] - reference[k]) <= 1e-5 * std::abs(reference[k]),
                         qPrintable(QStringLiteral("%1 ranks, step %2: loss %3 vs %4").arg(ranks).arg(k).arg(losses[k], 0, 'g', 9).arg(reference[k], 0, 'g', 9)));
            const double distance = relativeDistance(expected, parameters(run + QStringLiteral("/model.pt")));
            QVERIFY2(distance < 1e-5, qPrintable(QStringLiteral("%1 ranks: parameters %2 (relative) from one process's").arg(ranks).arg(distance)));
            // Validation and test were split across the ranks and gathered: the figures one process reports.
            const QJsonObject oneReport = testsupport::readJson(single + QStringLiteral("/report.json"));
            const QJsonObject report = testsupport::readJson(run + QStringLiteral("/report.json"));
            const QJsonObject oneTest = oneReport.value(QStringLiteral("test")).toObject();
            const QJsonObject test = report.value(QStringLiteral("test")).toObject();
            QCOMPARE(test.value(QStringLiteral("samples")).toInt(), oneTest.value(QStringLiteral("samples")).toInt());
            QCOMPARE(test.value(QStringLiteral("accuracy")).toDouble(), oneTest.value(QStringLiteral("accuracy")).toDouble());
            QCOMPARE(test.value(QStringLiteral("confusion")), oneTest.value(QStringLiteral("confusion")));
            QCOMPARE(test.value(QStringLiteral("subset_accuracy")), oneTest.value(QStringLiteral("subset_accuracy")));
            for (const auto &[figure, mine, theirs] : {std::make_tuple("test loss", test.value(QStringLiteral("loss")).toDouble(),
                                                                       oneTest.value(QStringLiteral("loss")).toDouble()),
                                                       std::make_tuple("validation loss", report.value(QStringLiteral("validation")).toObject().value(QStringLiteral("loss")).toDouble(),
                                                                       oneReport.value(QStringLiteral("validation")).toObject().value(QStringLiteral("loss")).toDouble())})
                QVERIFY2(std::abs(mine - theirs) <= 1e-5 * std::abs(theirs), qPrintable(QStringLiteral("%1 ranks: %2 %3 vs %4").arg(ranks).arg(QLatin1String(figure)).arg(mine).arg(theirs)));
            QCOMPARE(testsupport::readJson(run + QStringLiteral("/config.json")).value(QStringLiteral("distributed")).toObject()
                         .value(QStringLiteral("world_size")).toInt(), ranks);
            // Rank 0 wrote the run folder as one process would; the others nothing.
            QCOMPARE(QDir(run).entryList(QDir::Files), QDir(single).entryList(QDir::Files));
            qInfo("%d ranks: parameters %.2e (relative) from one process's", ranks, distance);
            if (ranks == 2)
                m_twoRanks = run;
        }
    }

    void torchrunStartsTheSameRun()
    {
        QVERIFY(!m_twoRanks.isEmpty());
        const QString torchrun = QStandardPaths::findExecutable(QStringLiteral("torchrun"));
        if (torchrun.isEmpty())
            QSKIP("Debian's torchrun (python3-torch) is not installed");
        const QString run = m_dir.filePath(QStringLiteral("torchrun"));
        QProcess process;
        // Debian's 1.13 spells it --nproc_per_node; --redirects/--tee keep Python 3.11's launcher from failing.
        // Its own port, not torchrun's fixed default 29500, which another job on the machine may hold.
        const QString port = QString::number(20000 + QCoreApplication::applicationPid() % 20000);
        process.start(torchrun, {QStringLiteral("--nproc_per_node"), QStringLiteral("2"), QStringLiteral("--master_port"), port,
                                 QStringLiteral("--no_python"), QStringLiteral("--redirects"),
                                 QStringLiteral("1"), QStringLiteral("--tee"), QStringLiteral("1"), QStringLiteral(FUSIONSCOPE_BINARY), QStringLiteral("train"),
                                 m_data, QStringLiteral("--fusion"), QStringLiteral("concat"), QStringLiteral("--epochs"), QStringLiteral("10"),
                                 QStringLiteral("--config"), m_config, QStringLiteral("--threads"), QStringLiteral("1"), QStringLiteral("--out"), run});
        QVERIFY(process.waitForFinished(300000));
        QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
        const double distance = relativeDistance(parameters(m_twoRanks + QStringLiteral("/model.pt")), parameters(run + QStringLiteral("/model.pt")));
        QCOMPARE(distance, 0.0); // the same processes, the same arithmetic
    }

    void aKilledRankStopsTheRunAndResumeFinishesIt()
    {
        QVERIFY(!m_twoRanks.isEmpty());
        const QString run = killRankOneMidRun(QStringLiteral("killed"), m_config);
        QVERIFY(!run.isEmpty());
        // The same world size continues bit for bit; another one continues the same global batches.
        const QString copy = m_dir.filePath(QStringLiteral("killed-on-3"));
        QCOMPARE(QProcess::execute(QStringLiteral("cp"), {QStringLiteral("-r"), run, copy}), 0);
        const std::vector<at::Tensor> uninterrupted = parameters(m_twoRanks + QStringLiteral("/model.pt"));
        for (const auto &[folder, ranks] : std::vector<std::pair<QString, int>>{{run, 2}, {copy, 3}}) {
            const auto resumed = resume(folder, ranks);
            QVERIFY2(resumed.exitCode == 0, resumed.err.constData());
            const double distance = relativeDistance(uninterrupted, parameters(folder + QStringLiteral("/model.pt")));
            qInfo("resumed on %d ranks: %.2e (relative) from the uninterrupted 2-rank run", ranks, distance);
            if (ranks == 2) {
                QCOMPARE(distance, 0.0);
            } else {
                QVERIFY2(distance < 1e-5, qPrintable(QString::number(distance)));
                QVERIFY2((resumed.out + resumed.err).contains("written by 2 ranks and resumes on 3"), resumed.out.constData());
            }
        }
    }

    void eachRanksDropoutStreamSurvivesAResume()
    {
        // With model dropout every rank draws its own masks: the checkpoint keeps every rank's
        // generator, so rank 1 goes on with its own stream, not rank 0's, and the run is bit-exact.
        qputenv("FUSIONSCOPE_DIST_BUCKET_KB", "64"); // and gradients in several buckets
        const QString dropoutConfig = m_dir.filePath(QStringLiteral("dropout.json"));
        testsupport::writeFile(dropoutConfig, kDropoutConfig);
        const QString uninterrupted = train(QStringLiteral("dropout-whole"), 2, dropoutConfig);
        QVERIFY(!uninterrupted.isEmpty());
        const QString run = killRankOneMidRun(QStringLiteral("dropout-killed"), dropoutConfig);
        QVERIFY(!run.isEmpty());
        const auto resumed = resume(run, 2);
        QVERIFY2(resumed.exitCode == 0, resumed.err.constData());
        QCOMPARE(relativeDistance(parameters(uninterrupted + QStringLiteral("/model.pt")), parameters(run + QStringLiteral("/model.pt"))), 0.0);
        QCOMPARE(stepLosses(run).back(), stepLosses(uninterrupted).back());
        qunsetenv("FUSIONSCOPE_DIST_BUCKET_KB");
    }

    void contrastiveRunsAreRefusedWithTheReason()
    {
        const auto refused = testsupport::runFusionscope({QStringLiteral("train"), m_data, QStringLiteral("--task"), QStringLiteral("contrastive"),
                                                          QStringLiteral("--nproc-per-node"), QStringLiteral("2"), QStringLiteral("--config"), m_config,
                                                          QStringLiteral("--out"), m_dir.filePath(QStringLiteral("never"))});
        QVERIFY(refused.exitCode != 0);
        QVERIFY2(refused.err.contains("contrastive objectives train in one process only") && refused.err.contains("exited with code 1; stopping the others"),
                 refused.err.constData());
    }

private:
    /** `train --nproc-per-node N` (plain `train` for 1) of 10 epochs; the run folder, or empty after a warning. */
    QString train(const QString &name, int ranks, const QString &config = {})
    {
        const QString run = m_dir.filePath(name);
        QStringList arguments{QStringLiteral("train"), m_data, QStringLiteral("--fusion"), QStringLiteral("concat"), QStringLiteral("--epochs"),
                              QStringLiteral("10"), QStringLiteral("--config"), config.isEmpty() ? m_config : config, QStringLiteral("--threads"),
                              QStringLiteral("1"), QStringLiteral("--out"), run};
        if (ranks > 1)
            arguments << QStringLiteral("--nproc-per-node") << QString::number(ranks);
        const auto result = testsupport::runFusionscope(arguments);
        m_lastErr = result.err;
        if (result.exitCode != 0) {
            qWarning("%s", result.err.constData());
            return {};
        }
        return run;
    }

    /**
     * Starts a 2-rank run and SIGKILLs its rank-1 worker mid-run (after epoch 2's checkpoint); checks
     * that the launcher then exits non-zero within the timeout, naming the dead rank, with no orphan
     * and the checkpoint intact. The run folder, or empty after a failed check.
     */
    QString killRankOneMidRun(const QString &name, const QString &config)
    {
        const QString run = m_dir.filePath(name);
        QProcess launcher;
        launcher.start(QStringLiteral(FUSIONSCOPE_BINARY),
                       {QStringLiteral("train"), m_data, QStringLiteral("--fusion"), QStringLiteral("concat"), QStringLiteral("--epochs"),
                        QStringLiteral("10"), QStringLiteral("--config"), config, QStringLiteral("--threads"), QStringLiteral("1"),
                        QStringLiteral("--out"), run, QStringLiteral("--nproc-per-node"), QStringLiteral("2")});
        [&] {
            QVERIFY(launcher.waitForStarted());
            QTRY_VERIFY_WITH_TIMEOUT(stepLosses(run).size() >= 8, 120000);
            const qint64 victim = childWithRank(launcher.processId(), 1);
            QVERIFY(victim > 0);
            QVERIFY(::kill(pid_t(victim), SIGKILL) == 0);
        }();
        QElapsedTimer clock;
        clock.start();
        if (!launcher.waitForFinished(60000)) { // within the default timeout
            qWarning("the launcher still runs 60 s after rank 1 was killed");
            launcher.kill();
            return {};
        }
        qInfo("the launcher exited %.1f s after the kill", clock.elapsed() / 1000.0);
        const QByteArray err = launcher.readAllStandardError();
        const bool named = err.contains("rank 1 exited") && err.contains("(killed)") && err.contains("failed on rank 0 of 2");
        if (launcher.exitCode() == 0 || !named || childWithRank(launcher.processId(), 0) > 0
            || !QFileInfo::exists(run + QStringLiteral("/checkpoints/last.pt"))) {
            qWarning("after the kill: exit code %d, orphan %lld, stderr:\n%s", launcher.exitCode(), childWithRank(launcher.processId(), 0), err.constData());
            return {};
        }
        return run;
    }

    testsupport::ProcessResult resume(const QString &run, int ranks)
    {
        return testsupport::runFusionscope({QStringLiteral("train"), QStringLiteral("--resume"), run, QStringLiteral("--threads"),
                                            QStringLiteral("1"), QStringLiteral("--nproc-per-node"), QString::number(ranks)});
    }

    /** The live child of `parent` whose environment has RANK=rank; -1 when there is none. */
    static qint64 childWithRank(qint64 parent, int rank)
    {
        const QByteArray wanted = "RANK=" + QByteArray::number(rank);
        for (const QString &entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
            bool numeric = false;
            const qint64 pid = entry.toLongLong(&numeric);
            if (!numeric)
                continue;
            QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
            if (!stat.open(QIODevice::ReadOnly))
                continue;
            const QByteArray fields = stat.readAll();
            const QList<QByteArray> rest = fields.mid(fields.lastIndexOf(')') + 2).split(' '); // state, ppid, ...
            if (rest.size() < 2 || rest.at(1).toLongLong() != parent || rest.at(0) == "Z")
                continue;
            QFile environ(QStringLiteral("/proc/%1/environ").arg(pid));
            if (environ.open(QIODevice::ReadOnly) && environ.readAll().split('\0').contains(wanted))
                return pid;
        }
        return -1;
    }

    QTemporaryDir m_dir;
    QString m_twoRanks; ///< the uninterrupted 2-rank run
    QByteArray m_lastErr; ///< train()'s standard error
    QString m_data;
    QString m_config;
};

QTEST_GUILESS_MAIN(TestDistributed)
#include "test_distributed.moc"
