// Responsiveness of the real window while it trains: start to first window shown, then
// event-loop stalls measured by a 1 ms timer while the Train panel trains on a dataset.
//
//   bench_gui_stall DATASET [--seconds 60] [--fusion attention] [--threads 0] [--runs DIR]
//
// It builds MainWindow exactly as app/main.cpp does, opens DATASET through the Data tab's
// DatasetController, sets the Model tab's configs, shows the Train tab and triggers its Start
// action (the same TrainingController path a click takes), so the live curves, progress and
// log repaint as they do for a user. bench/gui_stall.sh runs it under Xvfb.
#include "core/model/modelconfig.h"
#include "core/train/trainconfig.h"
#include "core/util/appidentity.h"
#include "core/util/threads.h"
#include "ui/app/datasetcontroller.h"
#include "ui/app/trainingcontroller.h"
#include "ui/mainwindow.h"
#include "ui/panels/modelpanel.h"
#include "ui/panels/trainpanel.h"

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

/** CPU time the calling thread (or with `process`, the whole process) has used, in ms. */
double cpuMs(bool process = false)
{
    timespec t{};
    clock_gettime(process ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
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

/** One gap between two probe ticks: wall time, and how much of it the GUI thread spent running. */
struct Gap
{
    double atSeconds = 0; ///< when the gap ended, from the probe's start
    double wallMs = 0;
    double guiCpuMs = 0;  ///< the GUI thread ran: our own work on the event loop
    double runQueueMs = 0; ///< it was ready but waited for a CPU (other threads and processes ran)
    /** The rest it slept or was blocked (the probe's own 1 ms wait, a lock, a disk or X server round trip). */
    double blockedMs() const { return std::max(0.0, wallMs - guiCpuMs - runQueueMs); }
};

/** Nanoseconds the calling thread has waited on a run queue (/proc/.../schedstat), or 0 when unknown. */
class RunQueueClock
{
public:
    RunQueueClock()
    {
        const QByteArray path = "/proc/self/task/" + QByteArray::number(qint64(syscall(SYS_gettid))) + "/schedstat";
        m_fd = ::open(path.constData(), O_RDONLY);
    }
    ~RunQueueClock()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    double waitedMs() const
    {
        char buffer[128];
        const ssize_t n = m_fd >= 0 ? ::pread(m_fd, buffer, sizeof buffer - 1, 0) : -1;
        if (n <= 0)
            return 0.0;
        buffer[n] = 0;
        unsigned long long run = 0, wait = 0;
        return std::sscanf(buffer, "%llu %llu", &run, &wait) == 2 ? double(wait) / 1e6 : 0.0;
    }

private:
    int m_fd = -1;
};

/**
 * A 1 ms timer on the GUI thread: each gap between two timeouts is how long the event loop
 * could not run it. GUI thread.
 */
class StallProbe final : public QObject
{
public:
    StallProbe()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(1);
        QObject::connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            const double cpu = cpuMs();
            const double waited = m_runQueue.waitedMs();
            m_gaps.push_back({double(now) / 1e9, double(now - m_last) / 1e6, cpu - m_lastCpu, waited - m_lastWaited});
            m_last = now;
            m_lastCpu = cpu;
            m_lastWaited = waited;
        });
    }
    void start()
    {
        m_gaps.clear();
        m_gaps.reserve(200000);
        m_clock.start();
        m_last = 0;
        m_lastCpu = cpuMs();
        m_lastWaited = m_runQueue.waitedMs();
        m_timer.start();
    }
    void stop()
    {
        if (m_timer.isActive())
            m_seconds = double(m_clock.nsecsElapsed()) / 1e9;
        m_timer.stop();
    }
    double seconds() const { return m_timer.isActive() ? double(m_clock.nsecsElapsed()) / 1e9 : m_seconds; }
    const std::vector<Gap> &gaps() const { return m_gaps; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    double m_lastCpu = 0;
    double m_lastWaited = 0;
    double m_seconds = 0;
    RunQueueClock m_runQueue; // constructed on the GUI thread, which the probe measures
    std::vector<Gap> m_gaps;
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

double percentile(const std::vector<double> &sorted, double p)
{
    if (sorted.empty())
        return 0.0;
    const std::size_t index = std::min(sorted.size() - 1, std::size_t(std::ceil(p * double(sorted.size()))) - 1);
    return sorted[index];
}

struct GapStats
{
    std::size_t samples = 0;
    double p50 = 0, p99 = 0, max = 0;
    long over16 = 0, over50 = 0;
};

enum class Part { Wall, Busy, RunQueue, Blocked };

GapStats statistics(const std::vector<Gap> &gaps, Part part)
{
    std::vector<double> walls;
    for (const Gap &gap : gaps) {
        switch (part) {
        case Part::Wall: walls.push_back(gap.wallMs); break;
        case Part::Busy: walls.push_back(std::min(gap.wallMs, gap.guiCpuMs)); break;
        case Part::RunQueue: walls.push_back(std::min(gap.wallMs, gap.runQueueMs)); break;
        case Part::Blocked: walls.push_back(gap.blockedMs()); break;
        }
    }
    std::sort(walls.begin(), walls.end());
    GapStats stats;
    stats.samples = walls.size();
    stats.p50 = percentile(walls, 0.50);
    stats.p99 = percentile(walls, 0.99);
    stats.max = walls.empty() ? 0.0 : walls.back();
    stats.over16 = long(walls.end() - std::upper_bound(walls.begin(), walls.end(), 16.0));
    stats.over50 = long(walls.end() - std::upper_bound(walls.begin(), walls.end(), 50.0));
    return stats;
}

void printStats(const char *label, const GapStats &s)
{
    std::printf("  %-34s p50 %6.2f ms  p99 %6.2f ms  max %7.2f ms  >16 ms: %4ld  >50 ms: %3ld  (%zu samples)\n", label, s.p50,
                s.p99, s.max, s.over16, s.over50, s.samples);
}

void printLongest(const std::vector<Gap> &gaps, int count)
{
    std::vector<Gap> sorted = gaps;
    std::sort(sorted.begin(), sorted.end(), [](const Gap &a, const Gap &b) { return a.wallMs > b.wallMs; });
    std::printf("  longest gaps (at s into training: wall = GUI-thread CPU + run-queue wait + blocked, ms):\n");
    for (int i = 0; i < count && i < int(sorted.size()); ++i) {
        const Gap &g = sorted[i];
        std::printf("    %7.2f s: %6.1f = %5.1f + %6.1f + %6.1f\n", g.atSeconds, g.wallMs, g.guiCpuMs, g.runQueueMs, g.blockedMs());
    }
}

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
