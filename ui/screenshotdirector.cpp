#include "ui/screenshotdirector.h"

#include "ui/data/datasetcontroller.h"
#include "ui/embed/embedcontroller.h"
#include "ui/embed/embedpanel.h"
#include "ui/embed/retrievalpanel.h"
#include "ui/inspect/explaincontroller.h"
#include "ui/inspect/inspectpanel.h"
#include "ui/inspect/navigatormodel.h"
#include "ui/inspect/sampleinspector.h"
#include "ui/inspect/samplenavigator.h"
#include "ui/inspect/split/splitviews.h"
#include "ui/mainwindow.h"
#include "ui/train/runhistory.h"
#include "ui/train/runhistorylist.h"
#include "ui/train/trainpanel.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QSettings>
#include <QtCore/QTimer>
#include <QtWidgets/QTabWidget>
#include <cstdio>

namespace {

constexpr int kPollMs = 100;
constexpr int kSettleMs = 800; ///< lets plots replot and layouts settle before a grab

void printLine(FILE *stream, const QString &text)
{
    std::fprintf(stream, "%s\n", qPrintable(text));
    std::fflush(stream);
}

} // namespace

bool ScreenshotDirector::isScreenshotInvocation(const QStringList &arguments)
{
    return arguments.value(1) == QLatin1String("--screenshots");
}

int ScreenshotDirector::run(const QStringList &arguments)
{
    const QString usage = QStringLiteral(
        "usage: fusionscope --screenshots OUTDIR --runs RUNSDIR --model MODEL.pt [--select RUN,RUN...] "
        "[--timeout SECONDS] DATASET\n       fusionscope --screenshots OUTDIR --embeddings-only --model MODEL.pt [--timeout SECONDS] DATASET");
    Options options;
    for (int i = 1; i < arguments.size(); ++i) {
        const QString arg = arguments.at(i);
        const bool hasValue = i + 1 < arguments.size();
        if (arg == QLatin1String("--screenshots") && hasValue)
            options.outDir = arguments.at(++i);
        else if (arg == QLatin1String("--runs") && hasValue)
            options.runsDir = arguments.at(++i);
        else if (arg == QLatin1String("--model") && hasValue)
            options.modelPath = arguments.at(++i);
        else if (arg == QLatin1String("--select") && hasValue)
            options.select = arguments.at(++i).split(QLatin1Char(','), Qt::SkipEmptyParts);
        else if (arg == QLatin1String("--embeddings-only"))
            options.embeddingsOnly = true;
        else if (arg == QLatin1String("--timeout") && hasValue)
            options.timeoutS = arguments.at(++i).toInt();
        else if (!arg.startsWith(QLatin1Char('-')) && options.dataset.isEmpty())
            options.dataset = arg;
        else {
            printLine(stderr, QStringLiteral("fusionscope: unexpected argument '%1'\n%2").arg(arg, usage));
            return 2;
        }
    }
    if (options.embeddingsOnly && options.runsDir.isEmpty())
        options.runsDir = options.dataset; // unused: only for the existence check below
    if (options.outDir.isEmpty() || options.runsDir.isEmpty() || options.modelPath.isEmpty()
        || options.dataset.isEmpty() || options.timeoutS <= 0) {
        printLine(stderr, usage);
        return 2;
    }
    for (const QString &input : {options.runsDir, options.modelPath, options.dataset}) {
        if (!QFileInfo::exists(input)) {
            printLine(stderr, QStringLiteral("fusionscope: %1 does not exist").arg(input));
            return 2;
        }
    }
    if (!QDir().mkpath(options.outDir)) {
        printLine(stderr, QStringLiteral("fusionscope: cannot create %1").arg(options.outDir));
        return 2;
    }
    ScreenshotDirector director(options);
    director.start();
    return QCoreApplication::exec();
}

ScreenshotDirector::ScreenshotDirector(const Options &options, QObject *parent)
    : QObject(parent), m_options(options), m_poll(new QTimer(this))
{
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
    m_poll->setInterval(kPollMs);
    connect(m_poll, &QTimer::timeout, this, &ScreenshotDirector::poll);
}

ScreenshotDirector::~ScreenshotDirector() = default;

void ScreenshotDirector::start()
{
    m_clock.start();
    m_window = std::make_unique<MainWindow>();
    m_window->resize(1440, 900);
    m_window->show();
    DatasetController *datasets = m_window->datasetController();
    connect(datasets, &DatasetController::loadFailed, this, [this](const QString &message, const QString &details) {
        fail(QStringLiteral("the dataset did not load: %1 %2").arg(message, details));
    });
    connect(m_window->inspectPanel(), &InspectPanel::errorOccurred, this,
            [this](const QString &message, const QString &details) {
                fail(QStringLiteral("the Inspect panel reported: %1 %2").arg(message, details));
            });
    connect(m_window->embedPanel(), &EmbedPanel::errorOccurred, this, [this](const QString &message, const QString &details) {
        fail(QStringLiteral("the Embeddings panel reported: %1 %2").arg(message, details));
    });
    m_window->openDataset(m_options.dataset);
    waitUntil(QStringLiteral("the dataset to load"),
              [datasets] { return !datasets->isLoading() && datasets->dataset() != nullptr; },
              [this] {
                  if (!m_options.embeddingsOnly) {
                      shootTrain();
                      return;
                  }
                  m_window->embedPanel()->openModel(m_options.modelPath); // Inspect may have nothing to explain
                  mapEmbeddings();
              });
}

void ScreenshotDirector::waitUntil(const QString &what, Condition condition, Step then)
{
    printLine(stdout, QStringLiteral("[%1 s] waiting for %2").arg(m_clock.elapsed() / 1000).arg(what));
    m_waitingFor = what;
    m_condition = std::move(condition);
    m_then = std::move(then);
    m_stepClock.start();
    m_poll->start();
}

void ScreenshotDirector::poll()
{
    if (m_done || !m_condition)
        return;
    if (m_clock.elapsed() > qint64(m_options.timeoutS) * 1000) {
        fail(QStringLiteral("timed out after %1 s waiting for %2").arg(m_options.timeoutS).arg(m_waitingFor));
        return;
    }
    if (!m_condition())
        return;
    m_poll->stop();
    m_condition = {};
    printLine(stdout, QStringLiteral("  done in %1 s").arg(double(m_stepClock.elapsed()) / 1000.0, 0, 'f', 1));
    Step then = std::move(m_then);
    then();
}

void ScreenshotDirector::shootTrain()
{
    TrainPanel *train = m_window->trainPanel();
    m_window->panelTabs()->setCurrentWidget(train);
    train->setRunsDirectory(QDir::cleanPath(QFileInfo(m_options.runsDir).absoluteFilePath()));
    QStringList finished;
    QStringList missing = m_options.select;
    for (const QString &dir : train->history()->runDirs()) {
        const RunRecord run = runhistory::readRun(dir);
        if (run.status != RunRecord::Status::Finished)
            continue;
        if (m_options.select.isEmpty() || missing.removeAll(run.name) > 0)
            finished << dir;
    }
    if (!missing.isEmpty()) {
        fail(QStringLiteral("no finished run %1 in %2").arg(missing.join(QStringLiteral(", ")), m_options.runsDir));
        return;
    }
    if (finished.isEmpty()) {
        fail(QStringLiteral("no finished run in %1").arg(m_options.runsDir));
        return;
    }
    train->history()->selectRuns(finished);
    printLine(stdout, QStringLiteral("  overlaying %1 finished runs").arg(finished.size()));
    QTimer::singleShot(kSettleMs, this, [this] {
        if (save(QStringLiteral("train-panel.png")))
            openModel();
    });
}

void ScreenshotDirector::openModel()
{
    m_window->openModel(m_options.modelPath);
    ExplainController *controller = m_window->inspectPanel()->controller();
    waitUntil(QStringLiteral("the model to load and predict the test split"),
              [controller] { return controller->isReady() && !controller->isPredicting(); },
              [this] { selectCorrectSample(); });
}

void ScreenshotDirector::selectCorrectSample()
{
    SampleNavigator *navigator = m_window->inspectPanel()->navigator();
    const NavigatorModel *model = navigator->model();
    for (int row = 0; row < model->rowCount() && m_sample < 0; ++row) {
        if (model->outcome(row) == NavigatorModel::Correct)
            m_sample = model->datasetIndex(row);
    }
    // A regression has no right or wrong: its first sample stands for the split.
    if (m_sample < 0 && model->rowCount() > 0 && model->outcome(0) == NavigatorModel::Unknown)
        m_sample = model->datasetIndex(0);
    if (m_sample < 0 || !navigator->selectSample(m_sample)) {
        fail(QStringLiteral("no correctly predicted sample in the Inspect navigator"));
        return;
    }
    SampleInspector *inspector = m_window->inspectPanel()->sampleInspector();
    waitUntil(QStringLiteral("sample %1 to be explained").arg(m_sample),
              [this, inspector] { return inspector->hasSample() && inspector->explanation().index == m_sample; },
              [this] { QTimer::singleShot(kSettleMs, this, [this] { shootInspect(); }); });
}

void ScreenshotDirector::shootInspect()
{
    if (save(QStringLiteral("inspect-panel.png")))
        analyseSplit();
}

void ScreenshotDirector::analyseSplit()
{
    InspectPanel *inspect = m_window->inspectPanel();
    auto *split = inspect->findChild<SplitViews *>(QStringLiteral("splitLevelViews"));
    if (!split) {
        fail(QStringLiteral("the Inspect panel has no split views"));
        return;
    }
    inspect->splitViewTabs()->setCurrentWidget(split);
    connect(split, &SplitViews::errorOccurred, this, [this](const QString &message, const QString &details) {
        fail(QStringLiteral("the split analysis failed: %1 %2").arg(message, details));
    });
    split->analyse(); // the run bar's defaults: the test split, no robustness curves
    if (!split->isRunning()) {
        fail(QStringLiteral("the split analysis did not start"));
        return;
    }
    waitUntil(QStringLiteral("the split analysis"),
              [split] { return !split->isRunning() && split->result() != nullptr; },
              [this] { QTimer::singleShot(kSettleMs, this, [this] { shootSplit(); }); });
}

void ScreenshotDirector::shootSplit()
{
    if (save(QStringLiteral("inspect-split.png")))
        mapEmbeddings();
}

void ScreenshotDirector::mapEmbeddings()
{
    EmbedPanel *embed = m_window->embedPanel();
    m_window->panelTabs()->setCurrentWidget(embed);
    waitUntil(QStringLiteral("the embedding map"), [embed] { return !embed->map().indices.empty() && !embed->controller()->isMapping(); },
              [this] { askAndShootEmbeddings(); });
}

void ScreenshotDirector::askAndShootEmbeddings()
{
    EmbedPanel *embed = m_window->embedPanel();
    const EmbeddingMap &map = embed->map();
    const Dataset &dataset = *embed->controller()->dataset();
    // One class's points selected, and a point of another class asking the retrieval panel.
    const QString selected = dataset.record(map.indices.front()).label;
    QVector<int> points;
    int asking = -1;
    for (std::size_t point = 0; point < map.indices.size(); ++point) {
        if (dataset.record(map.indices[point]).label == selected)
            points << int(point);
        else if (asking < 0)
            asking = int(point);
    }
    embed->selectPoints(points);
    embed->askWithPoint(asking < 0 ? 0 : asking);
    RetrievalPanel *retrieval = embed->retrievalPanel();
    waitUntil(QStringLiteral("the retrieval answer"),
              [embed, retrieval] { return !embed->controller()->isRetrieving() && !retrieval->hitRows().isEmpty(); },
              [this] {
                  QTimer::singleShot(kSettleMs, this, [this] {
                      if (save(QStringLiteral("embed-panel.png")))
                          finish();
                  });
              });
}

bool ScreenshotDirector::save(const QString &fileName)
{
    const QString path = QDir(m_options.outDir).filePath(fileName);
    if (!m_window->grab().save(path)) {
        fail(QStringLiteral("cannot write %1").arg(path));
        return false;
    }
    printLine(stdout, QStringLiteral("[%1 s] wrote %2").arg(m_clock.elapsed() / 1000).arg(path));
    return true;
}

void ScreenshotDirector::fail(const QString &message)
{
    if (m_done)
        return;
    m_done = true;
    m_poll->stop();
    printLine(stderr, QStringLiteral("fusionscope --screenshots: %1").arg(message.trimmed()));
    QCoreApplication::exit(1);
}

void ScreenshotDirector::finish()
{
    m_done = true;
    m_poll->stop();
    QCoreApplication::exit(0);
}
