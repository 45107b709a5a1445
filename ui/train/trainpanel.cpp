#include "ui/train/trainpanel.h"

#include "core/train/runconfig.h"
#include "ui/data/datasetcontroller.h"
#include "ui/model/modelpanel.h"
#include "ui/train/configcomparison.h"
#include "ui/train/runfolders.h"
#include "ui/train/runhistory.h"
#include "ui/train/runhistorylist.h"
#include "ui/train/trainactions.h"
#include "ui/train/traincurves.h"
#include "ui/train/trainlogview.h"
#include "ui/train/trainprogress.h"
#include "ui/widgets/notelabel.h"

#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QSettings>
#include <QtGui/QAction>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QGroupBox>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QSplitter>
#include <QtWidgets/QToolButton>
#include <QtWidgets/QVBoxLayout>
#include <cmath>

namespace {

QString percentText(double fraction)
{
    return std::isfinite(fraction) ? QStringLiteral("%1 %").arg(fraction * 100.0, 0, 'f', 1) : QStringLiteral("—");
}

QString lossText(double loss)
{
    return std::isfinite(loss) ? QString::number(loss, 'f', 4) : QStringLiteral("—");
}

QToolButton *actionButton(QAction *action, QWidget *parent)
{
    auto *button = new QToolButton(parent);
    button->setDefaultAction(action);
    button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    return button;
}

} // namespace

TrainPanel::TrainPanel(DatasetController *datasets, ModelPanel *model, QWidget *parent)
    : QWidget(parent), m_datasets(datasets), m_model(model), m_controller(new TrainingController(this))
{
    createActions();
    m_note = new QLabel(this);
    m_note->setObjectName(QStringLiteral("trainStartNote"));
    m_note->setWordWrap(true);
    m_note->setTextFormat(Qt::RichText);
    m_runsDir = new QLabel(this);
    m_runsDir->setObjectName(QStringLiteral("runsDirectoryLabel"));
    m_runsDir->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *changeRuns = new QToolButton(this);
    changeRuns->setText(tr("Change…"));
    changeRuns->setToolTip(tr("Choose the folder that holds the runs (the default is fusionscope-runs next to the dataset)"));

    auto *toolbar = new QHBoxLayout;
    for (QAction *action : {m_actions->start(), m_actions->pause(), m_actions->resume(), m_actions->stop()})
        toolbar->addWidget(actionButton(action, this));
    toolbar->addSpacing(16);
    toolbar->addWidget(actionButton(m_actions->resumeRun(), this));
    toolbar->addStretch(1);
    toolbar->addWidget(new QLabel(tr("Runs folder:"), this));
    toolbar->addWidget(m_runsDir);
    toolbar->addWidget(changeRuns);

    m_progress = new TrainProgress(this);
    m_curves = new TrainCurves(this);
    m_history = new RunHistoryList(this);
    m_comparison = new ConfigComparison(this);
    m_comparisonNote = new NoteLabel(this);
    m_comparisonNote->setText(tr("Select runs above to overlay their curves and compare their configurations."));
    m_comparisonNote->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_log = new TrainLogView(this);

    auto *historyBox = new QGroupBox(tr("Run history"), this);
    auto *historyLayout = new QVBoxLayout(historyBox);
    historyLayout->addWidget(m_history);
    auto *compareBox = new QGroupBox(tr("Configurations"), this);
    auto *compareLayout = new QVBoxLayout(compareBox);
    compareLayout->addWidget(m_comparisonNote);
    compareLayout->addWidget(m_comparison, 1);
    auto *side = new QSplitter(Qt::Vertical, this);
    side->addWidget(historyBox);
    side->addWidget(compareBox);
    side->setStretchFactor(0, 2);
    side->setStretchFactor(1, 3);

    auto *upper = new QSplitter(Qt::Horizontal, this);
    upper->setObjectName(QStringLiteral("trainUpperSplitter"));
    upper->addWidget(m_curves);
    upper->addWidget(side);
    upper->setStretchFactor(0, 5);
    upper->setStretchFactor(1, 2);
    side->setMinimumWidth(340);
    upper->setChildrenCollapsible(false);
    auto *main = new QSplitter(Qt::Vertical, this);
    main->setObjectName(QStringLiteral("trainMainSplitter"));
    main->addWidget(upper);
    main->addWidget(m_log);
    main->setStretchFactor(0, 5);
    main->setStretchFactor(1, 1);
    main->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(toolbar);
    layout->addWidget(m_note);
    layout->addWidget(m_progress);
    layout->addWidget(main, 1);

    connect(changeRuns, &QToolButton::clicked, this, &TrainPanel::chooseRunsDirectory);
    connect(m_note, &QLabel::linkActivated, this, &TrainPanel::modelTabRequested);
    connect(m_controller, &TrainingController::started, this, &TrainPanel::onStarted);
    connect(m_controller, &TrainingController::stateChanged, this, &TrainPanel::onStateChanged);
    connect(m_controller, &TrainingController::stepsReported, this, &TrainPanel::onSteps);
    connect(m_controller, &TrainingController::epochFinished, this, &TrainPanel::onEpoch);
    connect(m_controller, &TrainingController::messageLogged, m_log, &TrainLogView::appendMessage);
    connect(m_controller, &TrainingController::progressChanged, m_progress, &TrainProgress::setStage);
    connect(m_controller, &TrainingController::finished, this, &TrainPanel::onFinished);
    connect(m_history, &RunHistoryList::selectionChanged, this, &TrainPanel::onHistorySelection);
    connect(m_history, &RunHistoryList::resumeRequested, this, &TrainPanel::resumeRun);
    connect(m_history, &RunHistoryList::openModelRequested, this, &TrainPanel::openModelRequested);
    connect(m_model, &ModelPanel::validityChanged, this, &TrainPanel::updateActions);
    connect(m_datasets, &DatasetController::loadStarted, this, &TrainPanel::updateActions);
    connect(m_datasets, &DatasetController::loadFinished, this, &TrainPanel::updateActions);
    connect(m_datasets, &DatasetController::manifestReady, this, &TrainPanel::updateRunsDirectory);

    updateRunsDirectory();
    updateActions();
    onHistorySelection();
}

void TrainPanel::createActions()
{
    m_actions = new TrainActions(this);
    connect(m_actions->start(), &QAction::triggered, this, &TrainPanel::startTraining);
    connect(m_actions->pause(), &QAction::triggered, m_controller, &TrainingController::pause);
    connect(m_actions->resume(), &QAction::triggered, m_controller, &TrainingController::resume);
    connect(m_actions->stop(), &QAction::triggered, m_controller, &TrainingController::stop);
    connect(m_actions->resumeRun(), &QAction::triggered, this, &TrainPanel::chooseRunToResume);
}

QList<QAction *> TrainPanel::trainActions() const
{
    return m_actions->all();
}

void TrainPanel::updateActions()
{
    const TrainingController::State state = m_controller->state();
    const bool idle = state == TrainingController::State::Idle;
    const bool haveData = m_datasets->dataset() != nullptr;
    QString note;
    if (idle && !haveData) {
        note = m_datasets->isLoading() ? tr("Waiting for the dataset to finish loading…")
                                       : tr("Open a dataset in the Data tab to train on it.");
    } else if (idle && !m_model->isValid()) {
        note = tr("Cannot start: %1 — fix it in the <a href=\"model\">Model tab</a>.")
                   .arg(m_model->validationError().toHtmlEscaped());
    }
    m_note->setText(note);
    m_note->setVisible(!note.isEmpty());
    const QString plain = QString(note).remove(QStringLiteral("<a href=\"model\">")).remove(QStringLiteral("</a>"));
    m_actions->update(state, haveData && m_model->isValid(), plain);
}

QString TrainPanel::runsDirectory() const
{
    const auto manifest = m_datasets->manifest();
    return runfolders::runsDirectory(manifest ? manifest->root : QString());
}

void TrainPanel::setRunsDirectory(const QString &dir)
{
    QSettings settings;
    if (dir.isEmpty())
        settings.remove(runfolders::settingsKey());
    else
        settings.setValue(runfolders::settingsKey(), QDir::cleanPath(dir));
    updateRunsDirectory();
}

void TrainPanel::updateRunsDirectory()
{
    const QString dir = runsDirectory();
    m_runsDir->setText(QDir::toNativeSeparators(dir));
    m_runsDir->setToolTip(tr("New runs go to %1").arg(QDir::toNativeSeparators(dir)));
    m_history->setRunsDirectory(dir);
}

void TrainPanel::chooseRunsDirectory()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Choose the Runs Folder"), runsDirectory());
    if (!dir.isEmpty())
        setRunsDirectory(dir);
}

bool TrainPanel::startTraining()
{
    const std::shared_ptr<const Dataset> dataset = m_datasets->dataset();
    if (!dataset || !m_model->isValid() || isTraining()) {
        updateActions();
        return false;
    }
    const ModelConfig model = m_model->modelConfig();
    TrainConfig train = m_model->trainConfig();
    train.logEverySteps = runfolders::logInterval(*dataset, train);
    const QString runsDir = runsDirectory();
    if (!QDir().mkpath(runsDir)) {
        fail(tr("Cannot create the runs folder %1.").arg(QDir::toNativeSeparators(runsDir)),
             tr("Choose another folder with Change… next to the runs folder."));
        return false;
    }
    updateRunsDirectory();
    QString error;
    if (!m_controller->start(dataset, model, train, runfolders::newRunDir(runsDir, model.fusion), &error)) {
        fail(tr("Training could not start: %1").arg(error));
        return false;
    }
    return true;
}

void TrainPanel::chooseRunToResume()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Resume Run"), runsDirectory());
    if (!dir.isEmpty())
        resumeRun(dir);
}

bool TrainPanel::resumeRun(const QString &runDir)
{
    if (isTraining())
        return false;
    if (!QFileInfo::exists(runfiles::configPath(runDir))) {
        fail(tr("%1 is not a run folder: it holds no config.json.").arg(QDir::toNativeSeparators(runDir)),
             tr("Choose a folder inside the runs folder whose run was stopped or interrupted."));
        return false;
    }
    // Read before the job starts: on resume it trims metrics.jsonl back to its checkpoint.
    m_resumedCurves = runhistory::readCurves(runDir);
    QString error;
    if (!m_controller->resumeRun(QDir::cleanPath(runDir), m_datasets->dataset(), &error)) {
        fail(tr("Cannot resume %1: %2").arg(QDir::toNativeSeparators(runDir), error));
        return false;
    }
    return true;
}

void TrainPanel::fail(const QString &message, const QString &details)
{
    m_log->appendMessage(MessageLevel::Error, message);
    Q_EMIT errorOccurred(message, details);
}

void TrainPanel::onStarted(const QString &runDir, bool resumed)
{
    m_historyRefreshed = false;
    m_curves->clearLive();
    const TrainConfig &train = m_controller->trainConfig();
    if (resumed)
        m_curves->addLiveRun(m_resumedCurves); // the curves so far: the plots read as one run
    const std::shared_ptr<const Dataset> dataset = m_datasets->dataset();
    const int epochs = train.epochs > 0 || !dataset ? train.epochs : runfolders::plannedEpochs(*dataset, train);
    m_progress->start(resumed ? tr("Resuming…") : tr("Preparing the run…"), epochs);
    m_log->appendMessage(MessageLevel::Info, resumed ? tr("resuming %1").arg(QDir::toNativeSeparators(runDir))
                                                     : tr("started %1: %2 fusion, %3 epochs, batch %4")
                                                           .arg(QDir::toNativeSeparators(runDir), m_controller->modelConfig().fusion)
                                                           .arg(epochs)
                                                           .arg(train.batchSize));
    onHistorySelection();
    Q_EMIT trainingActiveChanged(true);
}

void TrainPanel::onStateChanged(TrainingController::State state)
{
    m_progress->setPaused(state == TrainingController::State::Paused);
    if (state == TrainingController::State::Stopping)
        m_log->appendMessage(MessageLevel::Info, tr("stopping after the current batch…"));
    updateActions();
}

void TrainPanel::onSteps(const QList<StepReport> &steps)
{
    m_curves->addSteps(steps);
    m_progress->addSteps(steps);
    if (!m_historyRefreshed) {
        m_historyRefreshed = true; // config.json exists once steps arrive
        m_history->setActiveRun(m_controller->runDir());
        m_history->refresh();
    }
}

QString TrainPanel::scoreText(const EpochReport &report)
{
    const QString recall = std::isfinite(report.valRecallAt1) ? tr("val R@1 %1").arg(percentText(report.valRecallAt1)) : QString();
    if (!std::isfinite(report.valAccuracy) && !recall.isEmpty())
        return recall; // a contrastive run has no task score
    const QString score = report.task == TaskKind::Classify
                              ? tr("val accuracy %1").arg(percentText(report.valAccuracy))
                              : tr("val %1 %2").arg(taskScoreName(report.task)).arg(report.valAccuracy, 0, 'f', 3);
    return recall.isEmpty() ? score : score + QStringLiteral(", ") + recall;
}

void TrainPanel::onEpoch(const EpochReport &report)
{
    m_curves->addEpoch(report);
    m_progress->addEpoch(report);
    m_log->appendMessage(MessageLevel::Info,
                         tr("epoch %1/%2: train loss %3, val loss %4, %5 (%6); checkpoint written")
                             .arg(report.epoch + 1)
                             .arg(report.epochs)
                             .arg(lossText(report.trainLoss), lossText(report.valLoss), scoreText(report),
                                  TrainProgress::duration(report.seconds)));
}

void TrainPanel::onFinished(const FinishReport &report)
{
    const QString dir = QDir::toNativeSeparators(report.runDir);
    if (report.ok) {
        const RunRecord run = runhistory::readRun(report.runDir);
        const QString test = run.testText();
        m_log->appendMessage(MessageLevel::Info, tr("finished: %1; %2; model written to %3")
                                                     .arg(report.reason, test,
                                                          QDir::toNativeSeparators(runfiles::modelPath(report.runDir))));
        m_progress->finish(tr("Finished: %1, %2.").arg(report.reason, test), true);
    } else if (report.cancelled) {
        m_log->appendMessage(MessageLevel::Warning, tr("stopped: %1. Resume it with Resume Run… (%2)").arg(report.reason, dir));
        m_progress->finish(tr("Stopped: %1.").arg(report.reason), false);
    } else {
        // The job already logged the reason as an error (NaN loss, bad data, …); the banner makes it seen.
        m_progress->finish(tr("Failed: %1").arg(report.reason), false);
        Q_EMIT errorOccurred(tr("Training failed: %1").arg(report.reason),
                             tr("Run folder: %1\nThe last good checkpoint, if any, is in checkpoints/last.pt.").arg(dir));
    }
    m_history->setActiveRun({});
    m_history->refresh();
    updateActions();
    Q_EMIT trainingActiveChanged(false);
    if (report.ok)
        Q_EMIT runFinished(report.runDir);
}

void TrainPanel::onHistorySelection()
{
    const QList<RunRecord> runs = m_history->selectedRuns();
    const QString live = isTraining() ? m_controller->runDir() : QString();
    QList<RunCurves> overlays;
    for (const RunRecord &run : runs) {
        if (run.dir != live)
            overlays << runhistory::readCurves(run.dir);
    }
    // Idle, the selection is what the plots are about; the last run's live curve makes way.
    if (!isTraining() && !runs.isEmpty())
        m_curves->clearLive();
    m_curves->setOverlays(overlays);
    m_comparison->setRuns(runs);
    m_comparison->setVisible(!runs.isEmpty());
    m_comparisonNote->setVisible(runs.isEmpty());
}
