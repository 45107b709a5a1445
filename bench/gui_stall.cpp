// Responsiveness of the real window while it trains: start to first window shown, then
// event-loop stalls measured by a 1 ms timer while the Train panel trains on a dataset.
//
//   bench_gui_stall DATASET [--seconds 60] [--fusion attention] [--threads 0] [--runs DIR]
//
// It builds MainWindow exactly as app/main.cpp does, opens DATASET through the Data tab's
// DatasetController, sets the Model tab's configs, shows the Train tab and triggers its Start
// action (the same TrainingController path a click takes), so the live curves, progress and
// log repaint as they do for a user. bench/gui_stall.sh runs it under Xvfb.
#include "bench/stallprobe.h"
#include "bench/stallsampler.h"
#include "core/model/modelconfig.h"
#include "core/train/trainconfig.h"
#include "core/util/appidentity.h"
#include "core/util/threads.h"
#include "ui/data/datasetcontroller.h"
#include "ui/mainwindow.h"
#include "ui/model/modelpanel.h"
#include "ui/train/trainingcontroller.h"
#include "ui/train/trainpanel.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QSettings>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTimer>
#include <QtGui/QGuiApplication>
#include <QtGui/QAction>
#include <QtWidgets/QApplication>
#include <QtWidgets/QTabWidget>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

namespace {

/** Milliseconds since the kernel started this process (exec, dynamic linking and static init included); 10 ms resolution. */
double processAgeMs()
{
    QFile stat(QStringLiteral("/proc/self/stat"));
    if (!stat.open(QIODevice::ReadOnly))
        return -1.0;
    const QByteArray text = stat.readAll();
    // Field 22 (starttime, clock ticks after boot); fields from 3 on follow the ")" of the command name.
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 20)
        return -1.0;
    const double startSeconds = fields.at(19).toDouble() / double(sysconf(_SC_CLK_TCK));
    timespec now{};
    clock_gettime(CLOCK_BOOTTIME, &now);
    return (double(now.tv_sec) + double(now.tv_nsec) * 1e-9 - startSeconds) * 1000.0;
}

/** Milliseconds since the wrapper script's `date +%s%N` before it launched us (FUSIONSCOPE_BENCH_LAUNCH_NS), or -1. */
double msSinceLaunch()
{
    bool ok = false;
    const qint64 launch = qEnvironmentVariable("FUSIONSCOPE_BENCH_LAUNCH_NS").toLongLong(&ok);
    if (!ok)
        return -1.0;
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    return double(qint64(now.tv_sec) * 1000000000LL + now.tv_nsec - launch) / 1e6;
}

/** Records when the window first paints. GUI thread. */
class FirstPaintWatcher final : public QObject
{
public:
    FirstPaintWatcher(QWidget *window, const QElapsedTimer &sinceMain) : m_window(window), m_sinceMain(sinceMain)
    {
        qApp->installEventFilter(this);
    }
    bool painted() const { return m_painted; }
    double sinceMainMs = -1, processAge = -1, sinceLaunch = -1, processCpu = -1;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (!m_painted && event->type() == QEvent::Paint) {
            auto *widget = qobject_cast<QWidget *>(watched);
            if (widget && widget->window() == m_window) {
                m_painted = true;
                sinceMainMs = double(m_sinceMain.nsecsElapsed()) / 1e6;
                processAge = processAgeMs();
                sinceLaunch = msSinceLaunch();
                processCpu = cpuMs(/*process=*/true);
                qApp->removeEventFilter(this);
            }
        }
        return false;
    }

private:
    QWidget *m_window;
    const QElapsedTimer &m_sinceMain;
    bool m_painted = false;
};

/**
 * Experiment: gives every thread but the GUI thread the nice value `nice` (training's worker,
 * its intra-op pool, the loaders), as a TrainingWorker could do for its own thread. Returns how
 * many threads it changed.
 */
int niceOtherThreads(int nice)
{
    const pid_t gui = pid_t(syscall(SYS_gettid));
    int changed = 0;
    const QStringList tasks = QDir(QStringLiteral("/proc/self/task")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &task : tasks) {
        const pid_t tid = pid_t(task.toInt());
        if (tid != gui && getpriority(PRIO_PROCESS, id_t(tid)) != nice && setpriority(PRIO_PROCESS, id_t(tid), nice) == 0)
            ++changed;
    }
    return changed;
}

constexpr double kSampleThresholdMs = 40.0;

} // namespace

int main(int argc, char *argv[])
{
    QElapsedTimer sinceMain;
    sinceMain.start();
    const double cpuBeforeMain = cpuMs(/*process=*/true); // dynamic linking and static initialisers (LibTorch's op registry)
    const double ageAtMain = processAgeMs();
    // As app/main.cpp, so the first-window figure is the app's.
    configureComputeThreads();
    QApplication app(argc, argv);
    setupApplicationIdentity();
    // Never read or write the user's settings (window state, recent datasets, runs folder).
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Event-loop stalls of the FusionScope window while it trains."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("DATASET"), QStringLiteral("Dataset folder to train on."));
    const QCommandLineOption secondsOption(QStringLiteral("seconds"), QStringLiteral("Seconds of training to probe (default 60)."),
                                           QStringLiteral("S"), QStringLiteral("60"));
    const QCommandLineOption baselineOption(QStringLiteral("baseline"),
                                            QStringLiteral("Seconds to probe the idle window first (default 5)."),
                                            QStringLiteral("S"), QStringLiteral("5"));
    const QCommandLineOption fusionOption(QStringLiteral("fusion"), QStringLiteral("Fusion strategy (default: the Model tab's)."),
                                          QStringLiteral("NAME"));
    const QCommandLineOption threadsOption(QStringLiteral("threads"), QStringLiteral("Compute threads (default 0: all cores)."),
                                           QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption runsOption(QStringLiteral("runs"), QStringLiteral("Runs folder (default: a temp folder, removed)."),
                                        QStringLiteral("DIR"));
    const QCommandLineOption niceOption(
        QStringLiteral("nice-training"),
        QStringLiteral("Experiment: run every thread but the GUI thread at this nice value (0 = as the app does)."),
        QStringLiteral("N"), QStringLiteral("0"));
    parser.addOptions({secondsOption, baselineOption, fusionOption, threadsOption, runsOption, niceOption});
    parser.process(app);
    if (parser.positionalArguments().size() != 1)
        parser.showHelp(2);
    const QString dataset = parser.positionalArguments().first();
    const int trainMs = int(parser.value(secondsOption).toDouble() * 1000);
    const int baselineMs = int(parser.value(baselineOption).toDouble() * 1000);
    QTemporaryDir tempRuns;
    const QString runsDir = parser.isSet(runsOption) ? parser.value(runsOption) : tempRuns.path();

    MainWindow window;
    FirstPaintWatcher firstPaint(&window, sinceMain);
    window.show();
    window.openInitialDataset(dataset);

    TrainPanel *train = window.trainPanel();
    TrainingController *controller = train->controller();
    StallProbe probe;
    StallSampler sampler; // on the GUI thread: it samples the thread that constructs it
    std::vector<Gap> baseline;
    QElapsedTimer loadClock;
    loadClock.start();
    double loadSeconds = 0.0;
    qint64 steps = 0;
    int epochs = 0;
    double samplesPerSecond = 0.0;
    int exitCode = 1;
    bool reported = false;

    QObject::connect(controller, &TrainingController::stepsReported, &app, [&](const QList<StepReport> &reports) {
        if (!reports.isEmpty()) {
            steps = reports.constLast().step;
            samplesPerSecond = reports.constLast().samplesPerSecond;
        }
    });
    QObject::connect(controller, &TrainingController::epochFinished, &app, [&](const EpochReport &) { ++epochs; });

    const auto report = [&] {
        if (reported)
            return;
        reported = true;
        probe.stop();
        const std::vector<Gap> &gaps = probe.gaps();
        const GapStats all = statistics(gaps, Part::Wall);
        const GapStats busy = statistics(gaps, Part::Busy);
        const GapStats queued = statistics(gaps, Part::RunQueue);
        const GapStats blocked = statistics(gaps, Part::Blocked);
        const GapStats idle = statistics(baseline, Part::Wall);
        std::printf("first window painted: %.0f ms after process start (%.0f ms after main()%s); %.0f ms of CPU by then\n",
                    firstPaint.processAge, firstPaint.sinceMainMs,
                    firstPaint.sinceLaunch >= 0
                        ? qPrintable(QStringLiteral(", %1 ms after launch").arg(firstPaint.sinceLaunch, 0, 'f', 0))
                        : "",
                    firstPaint.processCpu);
        std::printf("  of which before main(): %.0f ms wall, %.0f ms of CPU (loading and initialising the shared libraries)\n",
                    ageAtMain, cpuBeforeMain);
        std::printf("dataset ready: %.1f s after the window opened\n", loadSeconds);
        std::printf("trained %.1f s through the Train tab: %lld steps, %d epochs finished, %.0f samples/s at the end\n",
                    probe.seconds(), steps, epochs, samplesPerSecond);
        std::printf("event-loop gaps, 1 ms timer probe:\n");
        printStats("idle window, before training", idle);
        printStats("while training", all);
        printStats("  of which GUI thread running", busy);
        printStats("  of which waiting for a CPU", queued);
        printStats("  of which blocked/sleeping", blocked);
        printLongest(gaps, 8);
        sampler.stop();
        std::printf("  what the GUI thread was doing in stalls over %.0f ms (state R = ready, waiting for a CPU):\n",
                    kSampleThresholdMs);
        for (const StallSampler::Sample &sample : sampler.samples()) {
            std::printf("    %7.2f s, stalled %5.1f ms so far: state %c, %s%s%s\n", sample.atSeconds, sample.stalledMs,
                        sample.state, qPrintable(sample.syscall), sample.wchan.isEmpty() ? "" : " in ",
                        qPrintable(sample.wchan));
            for (const QString &frame : sample.stack)
                std::printf("        %s\n", qPrintable(frame));
        }
        std::printf("targets while training: p99 < 16 ms %s (%.2f), max < 50 ms %s (%.2f); first window < 1500 ms %s (%.0f)\n",
                    all.p99 < 16.0 ? "met" : "MISSED", all.p99, all.max < 50.0 ? "met" : "MISSED", all.max,
                    firstPaint.processAge < 1500.0 ? "met" : "MISSED", firstPaint.processAge);
        std::printf("{\"first_window_ms\":%.1f,\"pre_main_ms\":%.1f,\"pre_main_cpu_ms\":%.1f,\"first_window_since_main_ms\":%.1f,\"first_window_cpu_ms\":%.1f,"
                    "\"samples\":%zu,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f,\"over_16ms\":%ld,\"over_50ms\":%ld,"
                    "\"busy_p99_ms\":%.3f,\"busy_max_ms\":%.3f,\"runqueue_max_ms\":%.3f,\"blocked_max_ms\":%.3f,\"idle_p99_ms\":%.3f,\"idle_max_ms\":%.3f,"
                    "\"steps\":%lld,\"seconds\":%.1f}\n",
                    firstPaint.processAge, ageAtMain, cpuBeforeMain, firstPaint.sinceMainMs, firstPaint.processCpu, all.samples, all.p50, all.p99,
                    all.max, all.over16, all.over50, busy.p99, busy.max, queued.max, blocked.max, idle.p99, idle.max, steps, probe.seconds());
        std::fflush(stdout);
        exitCode = steps > 0 ? 0 : 1;
    };
    QObject::connect(controller, &TrainingController::finished, &app, [&](const FinishReport &finish) {
        if (!finish.ok && !finish.cancelled)
            std::fprintf(stderr, "training failed: %s\n", qPrintable(finish.reason));
        report(); // a run that ended before the probe's time is reported as far as it got
        QTimer::singleShot(0, &app, &QCoreApplication::quit);
    });

    const auto startTraining = [&](QAction *start) {
        baseline = probe.gaps();
        probe.start();
        probe.setSampler(&sampler);
        sampler.start(kSampleThresholdMs);
        start->trigger(); // what clicking Start does
        if (const int nice = parser.value(niceOption).toInt(); nice != 0) {
            // The intra-op pool appears with the first batch: keep catching new threads.
            auto *renice = new QTimer(&app);
            QObject::connect(renice, &QTimer::timeout, &app, [nice] { niceOtherThreads(nice); });
            renice->start(250);
            niceOtherThreads(nice);
            std::printf("experiment: threads other than the GUI thread run at nice %d\n", nice);
        }
        QTimer::singleShot(trainMs, &app, [&] {
            report();
            controller->stop(); // writes a checkpoint; finished() quits
        });
    };

    QObject::connect(window.datasetController(), &DatasetController::loadFailed, &app,
                     [&](const QString &message, const QString &) {
                         std::fprintf(stderr, "cannot open %s: %s\n", qPrintable(dataset), qPrintable(message));
                         app.exit(2);
                     });
    QObject::connect(window.datasetController(), &DatasetController::datasetReady, &app, [&] {
        loadSeconds = double(loadClock.elapsed()) / 1000.0;
        // After MainWindow's own datasetReady slots (the Model tab adopts the dataset's shapes).
        QTimer::singleShot(0, &app, [&] {
            ModelPanel *model = window.modelPanel();
            ModelConfig modelConfig = model->modelConfig();
            if (parser.isSet(fusionOption))
                modelConfig.fusion = parser.value(fusionOption);
            model->setModelConfig(modelConfig);
            TrainConfig trainConfig = model->trainConfig();
            trainConfig.epochs = 1000; // the probe's clock ends the run, not the schedule
            trainConfig.threads = parser.value(threadsOption).toInt();
            model->setTrainConfig(trainConfig);
            train->setRunsDirectory(runsDir);
            window.panelTabs()->setCurrentWidget(train);

            QAction *start = nullptr;
            for (QAction *action : train->trainActions()) {
                if (action->objectName() == QLatin1String("startTrainingAction"))
                    start = action;
            }
            // The Start action enables once the Model tab validated the configs; the idle
            // baseline runs meanwhile.
            probe.start();
            auto *waitForStart = new QTimer(&app);
            waitForStart->start(20);
            QObject::connect(waitForStart, &QTimer::timeout, &app, [&, start, waitForStart] {
                const bool ready = start && start->isEnabled();
                if (!ready && loadClock.elapsed() > 120000) {
                    std::fprintf(stderr, "the Start action never enabled: %s\n",
                                 qPrintable(window.modelPanel()->validationError()));
                    app.exit(2);
                }
                if (!ready || probe.seconds() * 1000 < baselineMs)
                    return;
                waitForStart->stop();
                startTraining(start);
            });
        });
    });
    const int code = app.exec();
    return code != 0 ? code : exitCode;
}
