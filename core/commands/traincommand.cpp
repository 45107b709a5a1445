// `fusionscope train`: trains a fusion model into a run folder (DESIGN.md "Jobs and threads").
#include "core/commands/commands.h"

#include "core/commands/trainlaunch.h"
#include "core/dist/distributedenv.h"

#include "core/eval/multilabelscores.h"
#include "core/eval/regressionscores.h"
#include "core/train/runconfig.h"
#include "core/train/trainingjob.h"
#include "core/util/terminalprogress.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QDateTime>
#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonArray>
#include <QtCore/QTextStream>
#include <atomic>
#include <cmath>
#include <csignal>
#include <memory>

namespace {

const char *const kCommand = "fusionscope train";
constexpr int kExitInterrupted = 130;

/** The running job's cancel flag; the SIGINT handler only stores into it. */
std::atomic<std::atomic_bool *> g_cancelFlag{nullptr};

extern "C" void onInterrupt(int)
{
    if (std::atomic_bool *flag = g_cancelFlag.load())
        flag->store(true);
    std::signal(SIGINT, SIG_DFL); // a second Ctrl-C ends the process at once
}

int usageError(const QString &message)
{
    QTextStream(stderr) << kCommand << ": " << message << "\n(see " << kCommand << " --help)\n";
    return 2;
}

QString percent(double value)
{
    return std::isfinite(value) ? QStringLiteral("%1 %").arg(100.0 * value, 0, 'f', 1) : QStringLiteral("n/a");
}

QString number(double value, int decimals = 4)
{
    return std::isfinite(value) ? QString::number(value, 'f', decimals) : QStringLiteral("n/a");
}

/**
 * Reads --config: a flat train config, or {"train":…, "model":…, "preprocess":…} such as a
 * run's config.json (so a recorded run can be repeated).
 */
bool readConfigFile(const QString &path, TrainConfig *train, ModelConfig *model, PreprocessConfig *preprocess,
                    QString *error)
{
    QJsonObject json;
    if (!runfiles::readJsonFile(path, &json, error))
        return false;
    const bool sectioned = json.value(QStringLiteral("train")).isObject() || json.value(QStringLiteral("model")).isObject();
    QString problem;
    if (sectioned) {
        if (json.value(QStringLiteral("model")).isObject())
            *model = ModelConfig::fromJson(json.value(QStringLiteral("model")).toObject(), &problem);
        if (problem.isEmpty())
            *train = TrainConfig::fromJson(json.value(QStringLiteral("train")).toObject(), &problem);
        if (json.value(QStringLiteral("preprocess")).isObject())
            *preprocess = PreprocessConfig::fromJson(json.value(QStringLiteral("preprocess")).toObject());
    } else {
        *train = TrainConfig::fromJson(json, &problem);
    }
    if (!problem.isEmpty()) {
        *error = QStringLiteral("%1: %2").arg(QDir::toNativeSeparators(path), problem);
        return false;
    }
    return true;
}

template<typename T>
bool parseNumber(const QCommandLineParser &parser, const QCommandLineOption &option, T lo, T hi, T *value,
                 QString *error)
{
    if (!parser.isSet(option))
        return true;
    const QString text = parser.value(option).trimmed();
    bool ok = false;
    const double parsed = text.toDouble(&ok);
    if (!ok || !(parsed >= double(lo) && parsed <= double(hi)) || (std::is_integral<T>::value && parsed != std::floor(parsed))) {
        *error = QStringLiteral("--%1 must be a %2 from %3 to %4, got '%5'")
                     .arg(option.names().constFirst(),
                          std::is_integral<T>::value ? QStringLiteral("whole number") : QStringLiteral("number"))
                     .arg(double(lo))
                     .arg(double(hi))
                     .arg(text);
        return false;
    }
    *value = T(parsed);
    return true;
}

/** Prints the report.json summary the user came for. */
void printSummary(QTextStream &out, const QString &runDir)
{
    QJsonObject report;
    QString error;
    if (!runfiles::readJsonFile(runfiles::reportPath(runDir), &report, &error))
        return;
    const QJsonObject test = report.value(QStringLiteral("test")).toObject();
    if (test.value(QStringLiteral("task")).toString() == QLatin1String("regress")) {
        const RegressionReport scores = RegressionReport::fromJson(test);
        QStringList parts;
        for (const TargetScores &target : scores.targets)
            parts << QStringLiteral("%1 MAE %2, R² %3").arg(target.name, number(target.mae, 4), number(target.r2, 3));
        out << QStringLiteral("test: mean R² %1 (%2 samples): %3\n")
                   .arg(number(scores.meanR2, 3))
                   .arg(scores.samples)
                   .arg(parts.join(QStringLiteral("; ")));
        const QJsonObject val = report.value(QStringLiteral("validation")).toObject();
        out << QStringLiteral("validation: loss %1, mean R² %2\n")
                   .arg(number(val.value(QStringLiteral("loss")).toDouble(std::nan(""))),
                        number(val.value(QStringLiteral("r2")).toDouble(std::nan("")), 3));
    } else if (test.value(QStringLiteral("task")).toString() == QLatin1String("multilabel")) {
        const MultilabelReport scores = MultilabelReport::fromJson(test);
        out << QStringLiteral("test: mAP %1, micro-F1 %2, macro-F1 %3, exact match %4 (%5 samples, thresholds tuned on val)\n")
                   .arg(number(scores.meanAveragePrecision, 3), number(scores.microF1, 3), number(scores.macroF1, 3),
                        percent(scores.exactMatch))
                   .arg(scores.samples);
        const QJsonObject val = report.value(QStringLiteral("validation")).toObject();
        out << QStringLiteral("validation: loss %1, mAP %2\n")
                   .arg(number(val.value(QStringLiteral("loss")).toDouble(std::nan(""))),
                        number(val.value(QStringLiteral("map")).toDouble(std::nan("")), 3));
    } else if (!test.isEmpty()) {
        out << QStringLiteral("test: accuracy %1, macro-F1 %2 (%3 samples)\n")
                   .arg(percent(test.value(QStringLiteral("accuracy")).toDouble()),
                        number(test.value(QStringLiteral("macro_f1")).toDouble(), 3))
                   .arg(test.value(QStringLiteral("samples")).toInt());
        const QJsonObject subsets = test.value(QStringLiteral("subset_accuracy")).toObject();
        QStringList parts;
        for (auto it = subsets.begin(); it != subsets.end(); ++it)
            parts << QStringLiteral("%1 %2").arg(it.key(), percent(it.value().toDouble()));
        if (!parts.isEmpty())
            out << QStringLiteral("test accuracy by modality subset: %1\n").arg(parts.join(QStringLiteral(", ")));
    }
    const QJsonObject val = report.value(QStringLiteral("validation")).toObject();
    if (!val.contains(QStringLiteral("accuracy")) && val.contains(QStringLiteral("r1"))) { // contrastive: no task score
        out << QStringLiteral("validation: loss %1, mean cross-modal R@1 %2\n")
                   .arg(number(val.value(QStringLiteral("loss")).toDouble(std::nan(""))),
                        percent(val.value(QStringLiteral("r1")).toDouble(std::nan(""))));
    } else if (test.value(QStringLiteral("task")).toString() == QLatin1String("classify") || !test.contains(QStringLiteral("task"))) {
        out << QStringLiteral("validation: loss %1, accuracy %2\n")
                   .arg(number(val.value(QStringLiteral("loss")).toDouble(std::nan(""))),
                        percent(val.value(QStringLiteral("accuracy")).toDouble(std::nan(""))));
    }
    out << QStringLiteral("trained %1 epochs (%2 steps) in %3 min%4\n")
               .arg(report.value(QStringLiteral("epochs_trained")).toInt())
               .arg(qint64(report.value(QStringLiteral("steps")).toDouble()))
               .arg(report.value(QStringLiteral("training_seconds")).toDouble() / 60.0, 0, 'f', 1)
               .arg(report.value(QStringLiteral("stopped_early")).toBool() ? QStringLiteral(", stopped early") : QString());
    out << QStringLiteral("model: %1\n").arg(QDir::toNativeSeparators(runfiles::modelPath(runDir)));
}

} // namespace

int runTrainCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Trains a fusion model on a dataset into a run folder (config.json, metrics.jsonl, checkpoints/, "
        "model.pt, report.json). Ctrl-C stops after the current batch with a checkpoint; --resume continues it."));
    parser.addPositionalArgument(QStringLiteral("DATASET"), QStringLiteral("Dataset folder or manifest."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    const QCommandLineOption fusion(QStringLiteral("fusion"),
        QStringLiteral("Fusion strategy: %1 (default attention).").arg(ModelConfig::fusionNames().join(QStringLiteral(", "))),
        QStringLiteral("NAME"));
    const QCommandLineOption config(QStringLiteral("config"),
        QStringLiteral("JSON training config (flat, or with \"train\"/\"model\" sections like a run's config.json); "
                       "flags override it."), QStringLiteral("FILE"));
    const QCommandLineOption epochs(QStringLiteral("epochs"), QStringLiteral("Epochs; 0 = auto (about 1500 steps), the default."),
                                    QStringLiteral("N"));
    const QCommandLineOption batch(QStringLiteral("batch"), QStringLiteral("Batch size."), QStringLiteral("B"));
    const QCommandLineOption lr(QStringLiteral("lr"), QStringLiteral("Peak learning rate."), QStringLiteral("X"));
    const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("Random seed (same seed, data and config: the same run)."), QStringLiteral("S"));
    const QCommandLineOption out(QStringLiteral("out"), QStringLiteral("Run folder (default runs/<dataset>-<fusion>-<time>)."), QStringLiteral("RUNDIR"));
    const QCommandLineOption resume(QStringLiteral("resume"), QStringLiteral("Continue the run in RUNDIR from its last checkpoint."), QStringLiteral("RUNDIR"));
    const QCommandLineOption init(QStringLiteral("init"), QStringLiteral("Start from this model file (fine-tuning)."), QStringLiteral("MODEL"));
    const QCommandLineOption map(QStringLiteral("map"), QStringLiteral("Manifest column mapping, e.g. text=caption,image=file_name."), QStringLiteral("SPEC"));
    const QCommandLineOption textEncoder(QStringLiteral("text-encoder"),
        QStringLiteral("Text encoder: %1.").arg(ModelConfig::textEncoderNames().join(QStringLiteral(", "))), QStringLiteral("NAME"));
    const QCommandLineOption imageEncoder(QStringLiteral("image-encoder"),
        QStringLiteral("Image encoder: cnn, or a TorchScript encoder file."), QStringLiteral("NAME"));
    const QCommandLineOption audioEncoder(QStringLiteral("audio-encoder"),
        QStringLiteral("Audio encoder: %1, or a TorchScript encoder file.").arg(ModelConfig::audioEncoderNames().join(QStringLiteral(", "))),
        QStringLiteral("NAME"));
    const QCommandLineOption threads(QStringLiteral("threads"), QStringLiteral("Compute threads (default: all cores)."), QStringLiteral("N"));
    const QCommandLineOption precision(QStringLiteral("precision"),
        QStringLiteral("Arithmetic of the forward pass: fp32, bf16 or auto (the default: bf16 where the CPU computes it "
                       "natively, AVX-512 BF16 or AMX; fp32 elsewhere). Weights, checkpoints and the model file stay fp32."),
        QStringLiteral("MODE"));
    const QCommandLineOption task(QStringLiteral("task"),
        QStringLiteral("What the labels are: auto (the default: numbers that are not a handful of integers, or "
                       "objects of named numbers, are regression targets; lists of tags, or text holding the tag "
                       "separator, are multi-label; anything else is a class), classify, regress or multilabel. contrastive "
                       "learns without labels: it aligns each sample's modalities (CLIP's loss), and labels, if any, only measure "
                       "the embeddings. contrastive+TASK (e.g. contrastive+classify) does both: the alignment on every sample, "
                       "the task on the labelled ones."),
        QStringLiteral("TASK"));
    const QCommandLineOption tagSeparator(QStringLiteral("tag-separator"),
        QStringLiteral("What separates a multi-label text label's tags (default \"|\"; \"\" for one tag per label)."),
        QStringLiteral("TEXT"));
    const QCommandLineOption loss(QStringLiteral("loss"),
        QStringLiteral("Regression loss on standardised targets: mse (default), huber or l1."), QStringLiteral("LOSS"));
    const QCommandLineOption targets(QStringLiteral("targets"),
        QStringLiteral("Learn only these regression targets or tags, comma-separated (default: all the dataset has)."),
        QStringLiteral("NAMES"));
    const QCommandLineOption freezeEncoders(QStringLiteral("freeze-encoders"),
        QStringLiteral("With --init: keep the model file's encoders as they are and train only the fusion and the heads "
                       "(a linear probe of pretrained encoders)."));
    const QCommandLineOption labelFraction(QStringLiteral("label-fraction"),
        QStringLiteral("Learn the task from this share of the labelled train samples, e.g. 0.1 (the same share of every "
                       "class, drawn with the seed; with contrastive+TASK the others still align their modalities)."),
        QStringLiteral("F"));
    const QCommandLineOption nprocPerNode(QStringLiteral("nproc-per-node"),
        QStringLiteral("Train with N processes on this machine (data-parallel over PyTorch's c10d with Gloo, as torchrun "
                       "--standalone); each gets cores / N threads unless --threads is given."), QStringLiteral("N"));
    const QCommandLineOption nnodes(QStringLiteral("nnodes"), QStringLiteral("Machines in a manual multi-host start (with --node-rank, --master)."), QStringLiteral("M"));
    const QCommandLineOption nodeRank(QStringLiteral("node-rank"), QStringLiteral("This machine's index among --nnodes, from 0."), QStringLiteral("K"));
    const QCommandLineOption master(QStringLiteral("master"), QStringLiteral("ADDR:PORT where node 0's rank 0 hosts the run's store."), QStringLiteral("ADDR:PORT"));
    parser.addOptions({help, fusion, config, epochs, batch, lr, seed, out, resume, init, map, textEncoder, imageEncoder,
                       audioEncoder, threads, precision, task, loss, tagSeparator, targets, freezeEncoders, labelFraction,
                       nprocPerNode, nnodes, nodeRank, master});

    if (!parser.parse(QStringList{QLatin1String(kCommand)} + arguments))
        return usageError(parser.errorText());
    if (parser.isSet(help)) {
        QString text = parser.helpText();
        text.replace(0, text.indexOf(QLatin1Char('\n')),
                     QStringLiteral("Usage: %1 DATASET --fusion NAME [options]\n       %1 --resume RUNDIR").arg(QLatin1String(kCommand)));
        QTextStream(stdout) << text;
        return 0;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1)
        return usageError(QStringLiteral("unexpected argument '%1'").arg(positional.at(1)));

    QString error;
    int threadCount = 0;
    if (!parseNumber(parser, threads, 0, 1024, &threadCount, &error))
        return usageError(error);
    TrainLaunch launch;
    launch.threadsGiven = parser.isSet(threads);
    if (!parseNumber(parser, nprocPerNode, 1, 1024, &launch.processesPerNode, &error) || !parseNumber(parser, nnodes, 1, 65536, &launch.nodes, &error)
        || !parseNumber(parser, nodeRank, 0, 65535, &launch.nodeRank, &error))
        return usageError(error);
    if (parser.isSet(master)) {
        const QString spec = parser.value(master).trimmed();
        bool portOk = false;
        launch.masterAddress = spec.section(QLatin1Char(':'), 0, -2);
        launch.masterPort = spec.section(QLatin1Char(':'), -1).toInt(&portOk);
        if (launch.masterAddress.isEmpty() || !portOk || launch.masterPort < 1 || launch.masterPort > 65535)
            return usageError(QStringLiteral("--master must be ADDR:PORT, got '%1'").arg(spec));
    }
    if (launch.nodes > 1 && launch.masterAddress.isEmpty())
        return usageError(QStringLiteral("--nnodes %1 needs --master ADDR:PORT (node 0's address)").arg(launch.nodes));
    if (launch.nodeRank >= launch.nodes)
        return usageError(QStringLiteral("--node-rank %1 is not below --nnodes %2").arg(launch.nodeRank).arg(launch.nodes));
    if (launch.processesPerNode * launch.nodes > 1)
        return launchTrainWorkers(arguments, launch);
    std::unique_ptr<TrainingJob> job;
    if (parser.isSet(resume)) {
        for (const QCommandLineOption *fixed : {&fusion, &config, &epochs, &batch, &lr, &seed, &out, &init, &map,
                                                &textEncoder, &imageEncoder, &audioEncoder, &precision, &task, &loss,
                                                &tagSeparator, &targets, &freezeEncoders, &labelFraction}) {
            if (parser.isSet(*fixed))
                return usageError(QStringLiteral("--resume continues the recorded configuration; --%1 cannot change it")
                                      .arg(fixed->names().constFirst()));
        }
        job = TrainingJob::resumeRun(parser.value(resume), &error);
        if (!job) {
            QTextStream(stderr) << kCommand << ": " << error << '\n';
            return 1;
        }
        if (parser.isSet(threads))
            job->setThreads(threadCount);
    } else {
        if (positional.isEmpty())
            return usageError(QStringLiteral("DATASET is required (or --resume RUNDIR)"));
        TrainConfig train;
        ModelConfig model;
        DatasetOptions options;
        if (parser.isSet(config) && !readConfigFile(parser.value(config), &train, &model, &options.preprocess, &error))
            return usageError(error);
        qint64 seedValue = qint64(train.seed);
        if (!parseNumber(parser, epochs, 0, 1000000, &train.epochs, &error)
            || !parseNumber(parser, batch, 1, 65536, &train.batchSize, &error)
            || !parseNumber(parser, lr, 0.0, 1e300, &train.learningRate, &error)
            || !parseNumber<qint64>(parser, seed, 0, qint64(1) << 53, &seedValue, &error))
            return usageError(error);
        train.seed = std::uint64_t(seedValue);
        if (parser.isSet(threads))
            train.threads = threadCount;
        if (parser.isSet(precision))
            train.precision = parser.value(precision).trimmed().toLower();
        if (parser.isSet(task) && !train.setTaskName(parser.value(task)))
            return usageError(QStringLiteral("--task must be auto, classify, regress, multilabel or contrastive, or a task "
                                             "after \"contrastive+\" (is \"%1\")").arg(parser.value(task)));
        if (parser.isSet(freezeEncoders))
            train.freezeEncoders = true;
        if (parser.isSet(labelFraction) && !parseNumber(parser, labelFraction, 1e-9, 1.0, &train.labelFraction, &error))
            return usageError(error);
        if (parser.isSet(loss))
            train.regressionLoss = parser.value(loss).trimmed().toLower();
        if (parser.isSet(targets)) {
            train.targets.clear();
            for (const QString &name : parser.value(targets).split(QLatin1Char(',')))
                train.targets << name.trimmed();
        }
        if (parser.isSet(init))
            train.initModel = QFileInfo(parser.value(init)).absoluteFilePath();
        if (parser.isSet(fusion))
            model.fusion = parser.value(fusion).trimmed();
        if (parser.isSet(textEncoder))
            model.textEncoder = parser.value(textEncoder).trimmed();
        if (parser.isSet(imageEncoder))
            model.imageEncoder = parser.value(imageEncoder).trimmed();
        if (parser.isSet(audioEncoder))
            model.audioEncoder = parser.value(audioEncoder).trimmed();
        if (const QString bad = train.validate(); !bad.isEmpty())
            return usageError(bad);
        if (const QString bad = model.validate(); !bad.isEmpty())
            return usageError(bad);
        if (parser.isSet(tagSeparator))
            options.tagSeparator = parser.value(tagSeparator);
        if (parser.isSet(map) && !options.columns.parse(parser.value(map), &error))
            return usageError(error);
        const QString dataset = QDir::cleanPath(positional.constFirst());
        QString runDir = parser.value(out);
        if (runDir.isEmpty()) {
            runDir = QStringLiteral("runs/%1-%2-%3")
                         .arg(QFileInfo(dataset).fileName(), model.fusion,
                              QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")));
        }
        job = std::make_unique<TrainingJob>(dataset, options, model, train, QDir::cleanPath(runDir));
    }

    QTextStream stdoutStream(stdout);
    QTextStream stderrStream(stderr);
    std::unique_ptr<TerminalProgress> bar;
    QString barStage;
    qint64 firstStep = -1;
    const auto clearBar = [&] {
        if (bar) {
            bar->finish();
            bar.reset();
            barStage.clear();
        }
    };
    const auto barFor = [&](const QString &stage) -> TerminalProgress & {
        if (!bar || barStage != stage) {
            clearBar();
            bar = std::make_unique<TerminalProgress>(QStringLiteral("train"));
            barStage = stage;
        }
        return *bar;
    };

    TrainingCallbacks callbacks;
    callbacks.progress = [&](const Progress &progress) { barFor(progress.stage).update(progress); };
    callbacks.stepFinished = [&](const StepReport &step) {
        if (firstStep < 0)
            firstStep = step.step - 1;
        Progress progress;
        progress.stage = QStringLiteral("training");
        progress.done = step.step - firstStep; // this session's steps, so rate and ETA are right after a resume
        progress.total = step.totalSteps - firstStep;
        // Most important first: a narrow terminal cuts the line's end.
        progress.detail = QStringLiteral("loss %1  %2 samples/s  epoch %3/%4")
                              .arg(step.loss, 0, 'f', 4)
                              .arg(step.samplesPerSecond, 0, 'f', 0)
                              .arg(step.epoch + 1)
                              .arg(job->trainConfig().epochs); // resolved by now when it was auto
        barFor(progress.stage).update(progress);
    };
    callbacks.epochFinished = [&](const EpochReport &epoch) {
        if (bar && bar->isActive())
            stderrStream << "\r\x1b[K" << Qt::flush; // the bar redraws itself on the next step
        const bool classify = epoch.task == TaskKind::Classify;
        const QString recall = std::isnan(epoch.valRecallAt1) ? QString() : QStringLiteral("val R@1 %1").arg(percent(epoch.valRecallAt1));
        // A contrastive run has no task score: its R@1 stands alone; a reconstruction has neither.
        const bool noScore = std::isnan(epoch.valAccuracy) && recall.isEmpty() && job->trainConfig().reconstruct;
        const QString score = noScore                                        ? QString()
                              : std::isnan(epoch.valAccuracy) && !recall.isEmpty() ? recall
                                                                                   : QStringLiteral("val %1 %2").arg(taskScoreName(epoch.task),
                                                                    classify ? percent(epoch.valAccuracy) : number(epoch.valAccuracy, 3))
                                        + (recall.isEmpty() ? QString() : QStringLiteral("  ") + recall);
        stdoutStream << QStringLiteral("epoch %1/%2  train loss %3  val loss %4  %5%6 s\n")
                            .arg(epoch.epoch + 1)
                            .arg(epoch.epochs)
                            .arg(number(epoch.trainLoss), number(epoch.valLoss), score.isEmpty() ? QString() : score + QStringLiteral("  "))
                            .arg(epoch.seconds, 0, 'f', 1)
                     << Qt::flush;
    };
    DistributedEnv distributed;
    const bool otherRank = processDistributedEnv(&distributed, &error) && !distributed.isRoot();
    callbacks.message = [&](MessageLevel level, const QString &text) {
        if (level == MessageLevel::Error)
            return; // the final reason is printed once, below
        if (otherRank && level == MessageLevel::Info)
            return; // rank 0 says it once for the run
        if (bar && bar->isActive())
            stderrStream << "\r\x1b[K";
        stderrStream << kCommand << ": " << text << '\n' << Qt::flush;
    };
    job->setCallbacks(callbacks);

    g_cancelFlag.store(&job->cancelFlag());
    const auto previousHandler = std::signal(SIGINT, onInterrupt);
    const FinishReport result = job->run();
    std::signal(SIGINT, previousHandler);
    g_cancelFlag.store(nullptr);
    clearBar();

    const QString runDir = QDir::toNativeSeparators(result.runDir);
    if (result.cancelled) {
        stderrStream << kCommand << ": " << result.reason << '\n';
        if (QFileInfo::exists(runfiles::lastCheckpointPath(result.runDir)))
            stderrStream << "resume with: fusionscope train --resume " << runDir << '\n';
        return kExitInterrupted;
    }
    if (!result.ok) {
        stderrStream << kCommand << ": " << (distributed.isDistributed() ? distributed.describe() + QStringLiteral(": ") : QString())
                     << result.reason << '\n';
        return 1;
    }
    if (otherRank) {
        stdoutStream << result.reason << '\n'; // rank 0 reports the run
        return 0;
    }
    stdoutStream << result.reason << " into " << runDir << '\n';
    printSummary(stdoutStream, result.runDir);
    return 0;
}
