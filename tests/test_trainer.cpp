#include "core/eval/modelio.h"
#include "core/model/modelfactory.h"
#include "core/train/checkpoint.h"
#include "core/train/modalitydropout.h"
#include "core/train/runconfig.h"
#include "core/train/trainingjob.h"
#include "core/util/precision.h"
#include "tests/trainfixtures.h"

#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>
#include <torch/torch.h>

#include <atomic>
#include <thread>

namespace {

QList<QJsonObject> readRecords(const QString &path, const QString &type)
{
    QList<QJsonObject> records;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return records;
    while (!file.atEnd()) {
        const QJsonObject record = QJsonDocument::fromJson(file.readLine()).object();
        if (record.value(QStringLiteral("type")).toString() == type)
            records << record;
    }
    return records;
}

QJsonObject readJson(const QString &path)
{
    QJsonObject json;
    QString error;
    if (!runfiles::readJsonFile(path, &json, &error))
        qWarning("%s", qPrintable(error));
    return json;
}

} // namespace

/** The training engine a user drives from the GUI and `fusionscope train`. */
class TestTrainer final : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::shared_ptr<const Dataset> m_dataset;
    std::shared_ptr<const Dataset> m_invertedVal;

    QString runDir(const char *name) const { return m_dir.filePath(QString::fromLatin1(name)); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        trainfixtures::writeTinyDataset(m_dir.filePath(QStringLiteral("tiny")));
        m_dataset = Dataset::load(m_dir.filePath(QStringLiteral("tiny")), trainfixtures::tinyDatasetOptions());
        QVERIFY(m_dataset);
        QVERIFY2(m_dataset->loadError().isEmpty(), qPrintable(m_dataset->loadError()));
        QCOMPARE(m_dataset->labels(), (QStringList{QStringLiteral("blue"), QStringLiteral("red")}));
        trainfixtures::TinyDataset inverted;
        inverted.invertValLabels = true;
        trainfixtures::writeTinyDataset(m_dir.filePath(QStringLiteral("inverted")), inverted);
        m_invertedVal = Dataset::load(m_dir.filePath(QStringLiteral("inverted")), trainfixtures::tinyDatasetOptions());
        QVERIFY(m_invertedVal && m_invertedVal->size() == 80);
    }

    void configRoundTripsAndRejectsTypos()
    {
        TrainConfig config;
        config.epochs = 7;
        config.learningRate = 2.5e-4;
        config.classWeights = QStringLiteral("balanced");
        config.seed = (std::uint64_t(1) << 60) + 3; // beyond a double's exact range
        QString error;
        const TrainConfig back = TrainConfig::fromJson(config.toJson(), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(back.toJson(), config.toJson());
        QCOMPARE(back.seed, config.seed);
        QVERIFY(TrainConfig().validate().isEmpty());

        TrainConfig::fromJson(QJsonObject{{QStringLiteral("learning_rte"), 0.1}}, &error);
        QVERIFY(error.contains(QStringLiteral("learning_rte")));
        TrainConfig::fromJson(QJsonObject{{QStringLiteral("epochs"), QStringLiteral("ten")}}, &error);
        QVERIFY(error.contains(QStringLiteral("epochs")));
        config.classWeights = QStringLiteral("inverse");
        QVERIFY(config.validate().contains(QStringLiteral("class_weights")));
        config.classWeights = QStringLiteral("none");
        config.precision = QStringLiteral("fp16");
        QVERIFY2(config.validate().contains(QStringLiteral("\"fp32\", \"bf16\" or \"auto\"")), qPrintable(config.validate()));
        QCOMPARE(TrainConfig().precision, QStringLiteral("auto"));
        QVERIFY(resolvePrecision(QStringLiteral("fp32")) == Precision::Fp32);
        QVERIFY(resolvePrecision(QStringLiteral("bf16")) == Precision::Bf16);
        QString why;
        const Precision chosen = resolvePrecision(QStringLiteral("auto"), &why);
        QVERIFY(chosen == (cpuHasNativeBf16() ? Precision::Bf16 : Precision::Fp32));
        QVERIFY2(why.startsWith(precisionName(chosen) + QStringLiteral(" (auto: ")), qPrintable(why));
    }

    void autoEpochsAimAtAFixedStepBudget()
    {
        TrainConfig config; // epochs = 0: auto
        QCOMPARE(config.epochs, 0);
        QVERIFY(config.validate().isEmpty());
        QCOMPARE(config.resolvedEpochs(19200), 5);  // the demo's train split: 300 steps an epoch
        QCOMPARE(config.resolvedEpochs(1000000), 3); // never fewer than three passes
        QCOMPARE(config.resolvedEpochs(200), 100);   // a tiny set is capped, not trained for ever
        config.batchSize = 32;
        QCOMPARE(config.resolvedEpochs(19200), 3);
        config.epochs = 7;
        QCOMPARE(config.resolvedEpochs(19200), 7);   // an explicit count wins
        config.epochs = -1;
        QVERIFY(config.validate().contains(QStringLiteral("epochs")));
    }

    void scheduleWarmsUpThenDecaysToTheFloor()
    {
        TrainConfig config;
        config.learningRate = 1e-3;
        config.warmupSteps = 10;
        config.minLearningRateRatio = 0.1;
        QVERIFY(config.learningRateAt(0, 100) < config.learningRateAt(5, 100));
        QCOMPARE(config.learningRateAt(9, 100), 1e-3);
        QVERIFY(config.learningRateAt(50, 100) < 1e-3 && config.learningRateAt(50, 100) > 1e-4);
        QVERIFY(qAbs(config.learningRateAt(99, 100) - 1e-4) < 1e-12);
        for (int step = 10; step < 99; ++step)
            QVERIFY(config.learningRateAt(step + 1, 100) <= config.learningRateAt(step, 100));
    }

    void trainingLowersLossAndWritesTheRunFolder()
    {
        TrainConfig train = trainfixtures::tinyTraining();
        train.epochs = 6;
        TrainingJob job(m_dataset, trainfixtures::tinyModel(), train, runDir("basic"));
        QList<EpochReport> epochs;
        int steps = 0;
        bool finishedCalled = false;
        TrainingCallbacks callbacks;
        callbacks.stepFinished = [&](const StepReport &step) {
            ++steps;
            QCOMPARE(step.step, qint64(steps));
            QVERIFY(step.learningRate > 0 && step.samplesPerSecond > 0);
        };
        callbacks.epochFinished = [&](const EpochReport &epoch) { epochs << epoch; };
        callbacks.finished = [&](const FinishReport &report) { finishedCalled = report.ok; };
        job.setCallbacks(callbacks);
        const FinishReport result = job.run();
        QVERIFY2(result.ok, qPrintable(result.reason));
        QVERIFY(finishedCalled);
        QCOMPARE(epochs.size(), 6);
        QCOMPARE(steps, 6 * 6); // 48 samples, batches of 8
        QVERIFY2(epochs.last().trainLoss < 0.6 * epochs.first().trainLoss,
                 qPrintable(QStringLiteral("%1 -> %2").arg(epochs.first().trainLoss).arg(epochs.last().trainLoss)));
        QVERIFY(epochs.last().valAccuracy >= 0.75);

        const QString dir = runDir("basic");
        const QJsonObject config = readJson(runfiles::configPath(dir));
        RunConfig recorded;
        QString error;
        QVERIFY2(RunConfig::fromJson(config, &recorded, &error), qPrintable(error));
        // config.json records what "auto" resolved to, so a resume runs the same arithmetic.
        TrainConfig expected = train;
        expected.precision = precisionName(resolvePrecision(train.precision));
        QCOMPARE(recorded.train.toJson(), expected.toJson());
        QCOMPARE(recorded.model.fusion, QStringLiteral("concat"));
        QCOMPARE(recorded.model.numClasses, 2);
        QCOMPARE(recorded.preprocess.imageSize, 16);
        QCOMPARE(recorded.labels, m_dataset->labels());

        const auto stepRecords = readRecords(runfiles::metricsPath(dir), QStringLiteral("step"));
        const auto epochRecords = readRecords(runfiles::metricsPath(dir), QStringLiteral("epoch"));
        QCOMPARE(stepRecords.size(), 36);
        QCOMPARE(epochRecords.size(), 6);
        for (const QJsonObject &record : stepRecords) {
            QVERIFY(record.value(QStringLiteral("loss")).isDouble());
            QVERIFY(record.value(QStringLiteral("lr")).toDouble() > 0);
        }
        QCOMPARE(epochRecords.last().value(QStringLiteral("train_loss")).toDouble(), epochs.last().trainLoss);
        QCOMPARE(epochRecords.last().value(QStringLiteral("val_accuracy")).toDouble(), epochs.last().valAccuracy);

        QVERIFY(QFileInfo::exists(runfiles::lastCheckpointPath(dir)));
        QVERIFY(QFileInfo::exists(runfiles::tokenizerPath(dir)));
        const QJsonObject report = readJson(runfiles::reportPath(dir));
        const QJsonObject test = report.value(QStringLiteral("test")).toObject();
        QCOMPARE(test.value(QStringLiteral("samples")).toInt(), 16);
        QVERIFY(test.value(QStringLiteral("accuracy")).toDouble() >= 0.75);
        QCOMPARE(test.value(QStringLiteral("subset_accuracy")).toObject().size(), 7);
        QVERIFY(report.value(QStringLiteral("validation")).toObject().value(QStringLiteral("accuracy")).isDouble());
        QVERIFY(report.value(QStringLiteral("training_seconds")).toDouble() > 0);

        const auto model = loadModelFile(runfiles::modelPath(dir), &error);
        QVERIFY2(model, qPrintable(error));
        QVERIFY(model->hasMeta);
        QCOMPARE(model->meta.labels, m_dataset->labels());
        QCOMPARE(model->meta.trainConfig, expected.toJson());
        QCOMPARE(model->meta.metrics.value(QStringLiteral("test_accuracy")).toDouble(),
                 test.value(QStringLiteral("accuracy")).toDouble());
        QVERIFY(model->meta.tokenLayout.contains(QStringLiteral("image_grid")));
        QVERIFY(!model->tokenizerModel.empty());

        // The same folder is not silently overwritten by a second run.
        TrainingJob again(m_dataset, trainfixtures::tinyModel(), train, dir);
        const FinishReport refused = again.run();
        QVERIFY(!refused.ok && refused.reason.contains(QStringLiteral("already holds a run")));
    }

    void fineTuningStartsFromTheGivenModel()
    {
        const QString base = runfiles::modelPath(runDir("basic"));
        QVERIFY(QFileInfo::exists(base)); // written by trainingLowersLossAndWritesTheRunFolder
        TrainConfig train = trainfixtures::tinyTraining();
        train.epochs = 1;
        train.initModel = base;
        double firstLoss = -1;
        TrainingCallbacks callbacks;
        callbacks.stepFinished = [&](const StepReport &step) {
            if (firstLoss < 0)
                firstLoss = step.loss;
        };
        TrainingJob job(m_dataset, trainfixtures::tinyModel(), train, runDir("finetune"));
        job.setCallbacks(callbacks);
        const FinishReport result = job.run();
        QVERIFY2(result.ok, qPrintable(result.reason));
        // A fresh model starts near ln 2 on two classes; the trained one far below it.
        QVERIFY2(firstLoss < 0.3, qPrintable(QString::number(firstLoss)));

        train.initModel = m_dir.filePath(QStringLiteral("no-such-model.pt"));
        TrainingJob missing(m_dataset, trainfixtures::tinyModel(), train, runDir("finetune-missing"));
        const FinishReport failed = missing.run();
        QVERIFY(!failed.ok && failed.reason.contains(QStringLiteral("no-such-model.pt")));
    }

    void nanLossStopsAndKeepsTheCheckpoint()
    {
        TrainConfig train = trainfixtures::tinyTraining();
        train.learningRate = 1e30;
        train.warmupSteps = 1;
        TrainingJob job(m_dataset, trainfixtures::tinyModel(), train, runDir("nan"));
        QStringList errors;
        TrainingCallbacks callbacks;
        callbacks.message = [&](MessageLevel level, const QString &text) {
            if (level == MessageLevel::Error)
                errors << text;
        };
        job.setCallbacks(callbacks);
        const FinishReport result = job.run();
        QVERIFY(!result.ok && !result.cancelled);
        QVERIFY2(result.reason.contains(QRegularExpression(QStringLiteral("(NaN|infinite) at step \\d+"))),
                 qPrintable(result.reason));
        QCOMPARE(errors, QStringList{result.reason});
        QVERIFY(!QFileInfo::exists(runfiles::modelPath(runDir("nan"))));

        // The last good checkpoint is still there and loads into the model.
        torch::jit::Module module = buildModelForDataset();
        TrainState state;
        QString error;
        QVERIFY2(readCheckpointState(runfiles::lastCheckpointPath(runDir("nan")), &state, &error), qPrintable(error));
        QVERIFY2(loadWeights(runfiles::lastCheckpointPath(runDir("nan")), module, &error), qPrintable(error));
        const int failedStep = result.reason.section(QStringLiteral("at step "), 1).section(QLatin1Char(' '), 0, 0).toInt();
        QVERIFY(state.step < failedStep);
        for (const auto &p : module.parameters())
            QVERIFY(torch::isfinite(p).all().item<bool>());
    }

    void cancelStopsAfterTheCurrentBatch()
    {
        TrainingJob job(m_dataset, trainfixtures::tinyModel(), trainfixtures::tinyTraining(), runDir("cancel"));
        int steps = 0;
        TrainingCallbacks callbacks;
        callbacks.stepFinished = [&](const StepReport &) {
            if (++steps == 3)
                job.cancel();
        };
        job.setCallbacks(callbacks);
        const FinishReport result = job.run();
        QVERIFY(result.cancelled && !result.ok);
        QCOMPARE(steps, 3);
        QVERIFY(result.reason.contains(QStringLiteral("step 3")));
        QVERIFY(!QFileInfo::exists(runfiles::modelPath(runDir("cancel"))));

        TrainState state;
        QString error;
        QVERIFY2(readCheckpointState(runfiles::lastCheckpointPath(runDir("cancel")), &state, &error), qPrintable(error));
        QCOMPARE(state.step, std::int64_t(3));
        QCOMPARE(state.epoch, 0);
        QCOMPARE(state.batchInEpoch, 3);
    }

    void pauseBlocksTheWorkerUntilResumed()
    {
        TrainConfig train = trainfixtures::tinyTraining();
        train.epochs = 1;
        TrainingJob job(m_dataset, trainfixtures::tinyModel(), train, runDir("pause"));
        std::atomic_int steps{0};
        TrainingCallbacks callbacks;
        callbacks.stepFinished = [&](const StepReport &step) {
            steps = int(step.step);
            if (step.step == 2)
                job.requestPause();
        };
        job.setCallbacks(callbacks);
        FinishReport result;
        std::thread worker([&] { result = job.run(); });
        struct Joiner // a failed check must not leave a joinable thread behind (std::terminate)
        {
            TrainingJob &job;
            std::thread &worker;
            ~Joiner()
            {
                if (worker.joinable()) {
                    job.cancel();
                    worker.join();
                }
            }
        } joiner{job, worker};
        QTRY_COMPARE_WITH_TIMEOUT(steps.load(), 2, 20000);
        QTest::qWait(400); // paused: no step may finish meanwhile
        QCOMPARE(steps.load(), 2);
        QVERIFY(job.isPaused());
        job.resume();
        worker.join();
        QVERIFY2(result.ok, qPrintable(result.reason));
        QCOMPARE(steps.load(), 6);
    }

    void autoEpochsAreResolvedAndRecorded()
    {
        TrainConfig train = trainfixtures::tinyTraining();
        train.epochs = 0;
        const QString dir = runDir("auto-epochs");
        TrainingJob job(m_dataset, trainfixtures::tinyModel(), train, dir);
        int reportedEpochs = 0;
        QStringList messages;
        TrainingCallbacks callbacks;
        callbacks.epochFinished = [&](const EpochReport &epoch) {
            reportedEpochs = epoch.epochs;
            job.cancel(); // one epoch shows the resolved count; the rest would only cost time
        };
        callbacks.message = [&](MessageLevel, const QString &text) { messages << text; };
        job.setCallbacks(callbacks);
        const FinishReport result = job.run();
        QVERIFY2(result.cancelled, qPrintable(result.reason));
        const int trainSamples = int(m_dataset->indices(Split::Train).size());
        QCOMPARE(reportedEpochs, train.resolvedEpochs(trainSamples));
        QVERIFY(reportedEpochs >= 3);
        QVERIFY(!messages.filter(QStringLiteral("epochs: auto")).isEmpty());
        // config.json holds the number trained, so a resume and the run history agree with it.
        const QJsonObject trainJson = readJson(runfiles::configPath(dir)).value(QStringLiteral("train")).toObject();
        QCOMPARE(trainJson.value(QStringLiteral("epochs")).toInt(), reportedEpochs);
    }

    void earlyStoppingEndsTheRunAndKeepsTheBestWeights()
    {
        TrainConfig train = trainfixtures::tinyTraining();
        train.epochs = 12;
        train.earlyStoppingPatience = 2;
        TrainingJob job(m_invertedVal, trainfixtures::tinyModel(), train, runDir("early"));
        QStringList messages;
        int epochs = 0;
        TrainingCallbacks callbacks;
        callbacks.epochFinished = [&](const EpochReport &) { ++epochs; };
        callbacks.message = [&](MessageLevel, const QString &text) { messages << text; };
        job.setCallbacks(callbacks);
        const FinishReport result = job.run();
        QVERIFY2(result.ok, qPrintable(result.reason));
        QVERIFY2(epochs < 12, qPrintable(QString::number(epochs)));
        QVERIFY(!messages.filter(QStringLiteral("early stop")).isEmpty());
        const QJsonObject report = readJson(runfiles::reportPath(runDir("early")));
        QVERIFY(report.value(QStringLiteral("stopped_early")).toBool());
        QCOMPARE(report.value(QStringLiteral("epochs_trained")).toInt(), epochs);
        // Exported: the weights of the lowest validation loss, not of the last epoch.
        const double best = report.value(QStringLiteral("best_val_loss")).toDouble();
        QCOMPARE(report.value(QStringLiteral("validation")).toObject().value(QStringLiteral("loss")).toDouble(), best);
    }

    void modalityDropoutNeverDropsEverything()
    {
        // Rows: all present, text only, image+audio, nothing present.
        const torch::Tensor present = torch::tensor({1.f, 1.f, 1.f, 1.f, 0.f, 0.f, 0.f, 1.f, 1.f, 0.f, 0.f, 0.f}).view({4, 3});
        std::int64_t dropped = 0;
        std::int64_t kept = 0;
        for (std::int64_t step = 0; step < 2000; ++step) {
            const torch::Tensor out = dropModalities(present.repeat({8, 1}), 0.7, 5, step).view({8, 4, 3});
            QVERIFY(torch::equal(out, dropModalities(present.repeat({8, 1}), 0.7, 5, step).view({8, 4, 3})));
            QVERIFY((out <= present).all().item<bool>()); // never adds a modality
            const torch::Tensor perRow = out.sum(2);
            QVERIFY((perRow.select(1, 0) >= 1).all().item<bool>());
            QVERIFY((perRow.select(1, 1) == 1).all().item<bool>()); // a lone modality always stays
            QVERIFY((perRow.select(1, 2) >= 1).all().item<bool>());
            QVERIFY((perRow.select(1, 3) == 0).all().item<bool>());
            dropped += (present.sum() * 8 - out.sum()).item<std::int64_t>();
            kept += out.sum().item<std::int64_t>();
        }
        QVERIFY(dropped > 0 && kept > 0);
        QVERIFY(!torch::equal(dropModalities(present, 0.7, 5, 1), dropModalities(present, 0.7, 5, 2))
                || !torch::equal(dropModalities(present, 0.7, 5, 3), dropModalities(present, 0.7, 5, 4)));
        QVERIFY(torch::equal(dropModalities(present, 0.0, 5, 1), present));

        // And a run with it trains to the end.
        TrainConfig train = trainfixtures::tinyTraining();
        train.epochs = 2;
        train.modalityDropout = 0.5;
        train.classWeights = QStringLiteral("balanced");
        train.labelSmoothing = 0.1;
        TrainingJob job(m_dataset, trainfixtures::tinyModel(), train, runDir("dropout"));
        const FinishReport result = job.run();
        QVERIFY2(result.ok, qPrintable(result.reason));
    }

private:
    torch::jit::Module buildModelForDataset() const;
};

torch::jit::Module TestTrainer::buildModelForDataset() const
{
    ModelConfig model = trainfixtures::tinyModel();
    applyDatasetShapes(&model, *m_dataset);
    return buildModel(model, 99);
}

QTEST_GUILESS_MAIN(TestTrainer)
#include "test_trainer.moc"
