#include "core/train/runconfig.h"
#include "core/util/appidentity.h"
#include "tests/testsupport.h"
#include "ui/data/datasetcontroller.h"
#include "ui/mainwindow.h"
#include "ui/model/modelfilecard.h"
#include "ui/model/modelpanel.h"
#include "ui/train/configcomparison.h"
#include "ui/train/curveplot.h"
#include "ui/train/runhistorylist.h"
#include "ui/train/traincurves.h"
#include "ui/train/trainingcontroller.h"
#include "ui/train/trainlogview.h"
#include "ui/train/trainpanel.h"
#include "ui/train/trainprogress.h"
#include "ui/widgets/errorbanner.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonObject>
#include <QtCore/QSettings>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTimer>
#include <QtTest/QtTest>
#include <QtWidgets/QApplication>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QListWidget>
#include <QtWidgets/QMessageBox>
#include <QtWidgets/QPlainTextEdit>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QSlider>
#include <QtWidgets/QSpinBox>
#include <QtWidgets/QTabWidget>
#include <QtWidgets/QToolButton>

namespace {

constexpr int kLoadTimeoutMs = 60000;
constexpr int kRunTimeoutMs = 120000;

template <typename T>
T *child(QWidget *root, const char *name)
{
    T *widget = root->findChild<T *>(QLatin1String(name));
    if (!widget)
        qFatal("no widget named %s", name);
    return widget;
}

/** The toolbar button that triggers the named action. */
QToolButton *buttonFor(QWidget *root, const QString &actionName)
{
    for (QToolButton *button : root->findChildren<QToolButton *>()) {
        if (button->defaultAction() && button->defaultAction()->objectName() == actionName)
            return button;
    }
    qFatal("no button for %s", qPrintable(actionName));
    return nullptr;
}

void selectData(QComboBox *combo, const QString &value)
{
    const int index = combo->findData(value);
    QVERIFY2(index >= 0, qPrintable(value));
    combo->setCurrentIndex(index);
}

} // namespace

/**
 * The Model and Train tabs a user drives: configure a small model with validation and a
 * live parameter count, train it with pause/resume/stop, finish a run, compare runs, resume
 * and close during a run, open a broken model file.
 */
class TestGuiTrain final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        setupApplicationIdentity();
        QVERIFY(m_dir.isValid());
        // Never touch the user's settings: this test's QSettings live in its temp folder.
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.filePath(QStringLiteral("settings")));
        QSettings().clear();
        m_demo = QDir::cleanPath(m_dir.filePath(QStringLiteral("demo")));
        const auto demo = testsupport::runFusionscope(
            {QStringLiteral("demo-data"), QStringLiteral("--samples"), QStringLiteral("120"), QStringLiteral("--out"), m_demo});
        QVERIFY2(demo.exitCode == 0, demo.err.constData());
        m_screenshots = qEnvironmentVariable("FUSIONSCOPE_TEST_SCREENSHOTS");

        m_window = std::make_unique<MainWindow>();
        m_window->resize(1440, 900);
        m_window->show();
        m_window->openDataset(m_demo);
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->datasetController()->isLoading(), kLoadTimeoutMs);
        QVERIFY2(m_window->datasetController()->dataset(), "the demo dataset did not load");
        m_model = m_window->modelPanel();
        m_train = m_window->trainPanel();
        QVERIFY(m_model && m_train);
    }

    void tabsFollowData()
    {
        QTabWidget *tabs = m_window->panelTabs();
        QCOMPARE(tabs->tabText(0), QStringLiteral("&Data"));
        QCOMPARE(tabs->tabText(1), QStringLiteral("&Model"));
        QCOMPARE(tabs->tabText(2), QStringLiteral("&Train"));
        // Runs go next to the dataset by default.
        QCOMPARE(m_train->runsDirectory(), QDir::cleanPath(m_dir.filePath(QStringLiteral("fusionscope-runs"))));
        QCOMPARE(child<QLabel>(m_train, "runsDirectoryLabel")->text(), QDir::toNativeSeparators(m_train->runsDirectory()));
    }

    void modelFormValidatesAndCountsParameters()
    {
        m_window->panelTabs()->setCurrentWidget(m_model);
        selectData(child<QComboBox>(m_model, "model_fusion"), QStringLiteral("concat"));
        selectData(child<QComboBox>(m_model, "model_text_encoder"), QStringLiteral("mean"));
        auto *dim = child<QSpinBox>(m_model, "model_dim");
        auto *heads = child<QSpinBox>(m_model, "model_heads");
        heads->setValue(2);
        dim->setValue(16);
        auto *count = child<QLabel>(m_model, "parameterCount");
        QTRY_VERIFY_WITH_TIMEOUT(m_model->parameterCount() > 0, 10000);
        const qint64 small = m_model->parameterCount();
        QVERIFY(count->text().contains(QLocale().toString(small)));
        // The summary is built for the dataset's shapes: its 9 classes, not the placeholder 2.
        QCOMPARE(m_model->modelConfig().numClasses, 9);
        QVERIFY(child<QLabel>(m_model, "summaryShapes")->text().contains(QStringLiteral("9 classes")));

        dim->setValue(32);
        QTRY_VERIFY_WITH_TIMEOUT(m_model->parameterCount() > small, 10000);
        QVERIFY(count->text().contains(QLocale().toString(m_model->parameterCount())));
        dim->setValue(16);
        QTRY_COMPARE_WITH_TIMEOUT(m_model->parameterCount(), small, 10000);

        // An invalid combination: marked inline, and Start is disabled with the reason.
        QAction *start = m_window->findChild<QAction *>(QStringLiteral("startTrainingAction"));
        QVERIFY(start && start->isEnabled());
        heads->setValue(3);
        auto *message = child<QLabel>(m_model, "modelValidationMessage");
        QVERIFY(message->isVisible());
        QVERIFY2(message->text().contains(QStringLiteral("multiple of heads")), qPrintable(message->text()));
        QVERIFY(dim->property("invalid").toBool());
        QVERIFY(!start->isEnabled());
        QVERIFY(!buttonFor(m_train, QStringLiteral("startTrainingAction"))->isEnabled());
        auto *note = child<QLabel>(m_train, "trainStartNote");
        QVERIFY2(note->text().contains(QStringLiteral("multiple of heads")), qPrintable(note->text()));
        QTRY_COMPARE(m_model->parameterCount(), qint64(-1));
        QTRY_VERIFY(child<QPlainTextEdit>(m_model, "summaryText")->toPlainText().contains(QStringLiteral("Fix the highlighted")));
        screenshot(QStringLiteral("model-invalid"));
        heads->setValue(2);
        QVERIFY(!message->isVisible());
        QVERIFY(!dim->property("invalid").toBool());
        QVERIFY(start->isEnabled());

        // A typed learning rate that is not a number.
        auto *rate = child<QLineEdit>(m_model, "train_learning_rate");
        rate->clear();
        QTest::keyClicks(rate, QStringLiteral("fast"));
        QVERIFY(!start->isEnabled());
        QVERIFY(rate->property("invalid").toBool());
        QVERIFY(message->text().contains(QStringLiteral("learning_rate")));
        rate->clear();
        QTest::keyClicks(rate, QStringLiteral("3e-3"));
        QVERIFY(start->isEnabled());
        QCOMPARE(m_model->trainConfig().learningRate, 3e-3);
        QVERIFY(!child<QSpinBox>(m_model, "model_rank")->isEnabled()); // only lowrank uses it
        QTRY_COMPARE_WITH_TIMEOUT(m_model->parameterCount(), small, 10000);
        screenshot(QStringLiteral("model"));
    }

    void pauseResumeStop()
    {
        child<QSpinBox>(m_model, "train_epochs")->setValue(40);
        child<QSpinBox>(m_model, "train_batch_size")->setValue(16);
        m_window->panelTabs()->setCurrentWidget(m_train);
        CurvePlot *loss = m_train->curves()->lossPlot();
        QSignalSpy started(m_train->controller(), &TrainingController::started);
        QTest::mouseClick(buttonFor(m_train, QStringLiteral("startTrainingAction")), Qt::LeftButton);
        QCOMPARE(started.count(), 1);
        m_stoppedRun = started.at(0).at(0).toString();
        QVERIFY(m_stoppedRun.startsWith(m_train->runsDirectory()));
        QVERIFY(m_stoppedRun.endsWith(QStringLiteral("-concat")));
        QVERIFY(m_train->isTraining());
        QVERIFY(!buttonFor(m_train, QStringLiteral("startTrainingAction"))->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(loss->livePointCount() >= 2, kRunTimeoutMs);
        QVERIFY(m_train->curves()->learningRatePlot()->livePointCount() >= 2);
        QVERIFY(m_train->progress()->text().contains(QStringLiteral("Epoch 1/40")));

        QTest::mouseClick(buttonFor(m_train, QStringLiteral("pauseTrainingAction")), Qt::LeftButton);
        QCOMPARE(m_train->controller()->state(), TrainingController::State::Paused);
        QTRY_VERIFY_WITH_TIMEOUT(m_train->log()->toPlainText().contains(QStringLiteral("paused")), 20000);
        QVERIFY(buttonFor(m_train, QStringLiteral("resumeTrainingAction"))->isEnabled());
        const int pausedAt = loss->livePointCount();
        QTest::qWait(1000);
        QCOMPARE(loss->livePointCount(), pausedAt);
        QVERIFY(m_train->progress()->text().contains(QStringLiteral("paused")));
        screenshot(QStringLiteral("train-paused"));

        QTest::mouseClick(buttonFor(m_train, QStringLiteral("resumeTrainingAction")), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(loss->livePointCount() > pausedAt, kRunTimeoutMs);

        QSignalSpy finished(m_train->controller(), &TrainingController::finished);
        QTest::mouseClick(buttonFor(m_train, QStringLiteral("stopTrainingAction")), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!m_train->isTraining(), kRunTimeoutMs);
        QCOMPARE(finished.count(), 1);
        const FinishReport report = finished.at(0).at(0).value<FinishReport>();
        QVERIFY(report.cancelled);
        QVERIFY(QFileInfo::exists(runfiles::lastCheckpointPath(m_stoppedRun)));
        QVERIFY(!QFileInfo::exists(runfiles::modelPath(m_stoppedRun)));
        QVERIFY(m_train->log()->toPlainText().contains(QStringLiteral("checkpoint written")));
        QVERIFY(m_train->log()->count(MessageLevel::Warning) >= 1); // the stop is worth noticing
        QVERIFY(m_train->history()->runDirs().contains(m_stoppedRun));
        QVERIFY(m_train->history()->list()->item(0)->text().contains(QStringLiteral("resumable")));
        QVERIFY(buttonFor(m_train, QStringLiteral("startTrainingAction"))->isEnabled());
    }

    void shortRunFinishes()
    {
        child<QSpinBox>(m_model, "train_epochs")->setValue(2);
        // The Model tab's precision choice reaches the run: its log says so and config.json records it.
        auto *precision = child<QComboBox>(m_model, "train_precision");
        QCOMPARE(precision->currentData().toString(), QStringLiteral("auto"));
        QVERIFY(precision->currentText().startsWith(QStringLiteral("auto (")));
        precision->setCurrentIndex(precision->findData(QStringLiteral("fp32")));
        QCOMPARE(m_model->trainConfig().precision, QStringLiteral("fp32"));
        QSignalSpy done(m_train, &TrainPanel::runFinished);
        QTest::mouseClick(buttonFor(m_train, QStringLiteral("startTrainingAction")), Qt::LeftButton);
        QVERIFY(m_train->isTraining());
        QVERIFY(m_train->curves()->lossPlot()->livePointCount() == 0); // a fresh run starts fresh curves
        QVERIFY(done.wait(kRunTimeoutMs));
        m_finishedRun = done.at(0).at(0).toString();
        QVERIFY(QFileInfo::exists(runfiles::modelPath(m_finishedRun)));
        QVERIFY(QFileInfo::exists(runfiles::reportPath(m_finishedRun)));
        // 96 training samples in batches of 16: 6 steps per epoch, every one plotted.
        QCOMPARE(m_train->curves()->lossPlot()->livePointCount(), 12);
        QCOMPARE(m_train->curves()->accuracyPlot()->livePointCount(), 2);
        QCOMPARE(m_train->curves()->epochLossPlot()->livePointCount(1), 2);
        QVERIFY(m_train->log()->toPlainText().contains(QStringLiteral("test accuracy")));
        QVERIFY(m_train->log()->toPlainText().contains(QStringLiteral("precision: fp32 (as configured)")));
        QFile config(runfiles::configPath(m_finishedRun));
        QVERIFY(config.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(config.readAll()).object().value(QStringLiteral("train")).toObject()
                     .value(QStringLiteral("precision")).toString(), QStringLiteral("fp32"));
        precision->setCurrentIndex(precision->findData(QStringLiteral("auto")));
        QVERIFY(m_train->progress()->text().startsWith(QStringLiteral("Finished")));
        QCOMPARE(m_train->progress()->bar()->value(), m_train->progress()->bar()->maximum());
        QCOMPARE(m_train->history()->runCount(), 2);
        QCOMPARE(m_train->history()->runDirs().first(), m_finishedRun);
        QVERIFY(m_train->history()->list()->item(0)->text().contains(QStringLiteral("finished · test")));
        screenshot(QStringLiteral("train-finished"));
    }

    void historyOverlaysAndComparesRuns()
    {
        QListWidget *list = m_train->history()->list();
        QCOMPARE(list->count(), 2);
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualItemRect(list->item(0)).center());
        QCOMPARE(m_train->curves()->lossPlot()->overlayCount(), 1);
        QCOMPARE(m_train->curves()->lossPlot()->livePointCount(), 0); // the selection takes over the plots
        QTest::mouseClick(list->viewport(), Qt::LeftButton, Qt::ControlModifier,
                          list->visualItemRect(list->item(1)).center());
        QCOMPARE(m_train->history()->selectedRuns().size(), 2);
        TrainCurves *curves = m_train->curves();
        QCOMPARE(curves->lossPlot()->overlayCount(), 2);
        QCOMPARE(curves->epochLossPlot()->overlayCount(), 2);
        QCOMPARE(curves->accuracyPlot()->overlayCount(), 2);
        QCOMPARE(curves->learningRatePlot()->overlayCount(), 2);
        QCOMPARE(curves->lossPlot()->overlayValues(0).size(), 12); // the finished run, logged every step

        // Smoothing changes the drawn overlay, not the data; 0 shows the raw values.
        curves->smoothingSlider()->setValue(0);
        const QVector<double> raw = curves->lossPlot()->overlayValues(0);
        curves->smoothingSlider()->setValue(90);
        QVERIFY(curves->lossPlot()->overlayValues(0) != raw);
        QCOMPARE(curves->lossPlot()->overlayValues(0).first(), raw.first()); // debiased: starts at the first value
        curves->logScaleBox()->setChecked(true);
        QVERIFY(curves->lossPlot()->logScale());
        QCOMPARE(curves->lossPlot()->yAxis->scaleType(), QCPAxis::stLogarithmic);

        ConfigComparison *comparison = m_train->comparison();
        QVERIFY(comparison->isVisible());
        QCOMPARE(comparison->columnCount(), 2);
        QVERIFY2(comparison->differingFields().contains(QStringLiteral("epochs")),
                 qPrintable(comparison->differingFields().join(QLatin1Char(','))));
        QVERIFY(!comparison->differingFields().contains(QStringLiteral("fusion")));
        QCOMPARE(comparison->verticalHeaderItem(0)->text(), comparison->differingFields().first());
        screenshot(QStringLiteral("train-compare"));
    }

    void openModelFiles()
    {
        QSignalSpy opened(m_model, &ModelPanel::modelFileOpened);
        QSignalSpy failed(m_model, &ModelPanel::modelFileFailed);
        const QString broken = m_dir.filePath(QStringLiteral("broken.pt"));
        testsupport::writeFile(broken, "PK\x03\x04 this is not a TorchScript archive");
        m_model->openModelFile(broken);
        QVERIFY(failed.wait(20000));
        auto *card = m_model->findChild<ModelFileCard *>();
        QVERIFY(card);
        QVERIFY2(card->errorText().contains(QStringLiteral("broken.pt")), qPrintable(card->errorText()));
        QVERIFY(child<QLabel>(m_model, "modelFileError")->isVisibleTo(m_model));
        QCOMPARE(opened.count(), 0);

        m_model->openModelFile(runfiles::modelPath(m_finishedRun));
        QVERIFY(opened.wait(20000));
        QCOMPARE(opened.at(0).at(0).toString(), runfiles::modelPath(m_finishedRun));
        QVERIFY(card->errorText().isEmpty());
        const QString info = card->infoText();
        QVERIFY2(info.contains(QStringLiteral("concat")) && info.contains(QStringLiteral("cell_0")), qPrintable(info));
        QVERIFY(info.contains(QLocale().toString(m_model->modelFileInfo().parameters)));
        QVERIFY(m_model->modelFileInfo().parameters > 0);
        m_window->panelTabs()->setCurrentWidget(m_model);
        screenshot(QStringLiteral("model-file"));
        m_window->panelTabs()->setCurrentWidget(m_train);
    }

    void resumingAFolderThatIsNoRunExplainsWhy()
    {
        const QString empty = m_dir.filePath(QStringLiteral("not-a-run"));
        QVERIFY(QDir().mkpath(empty));
        QVERIFY(!m_train->resumeRun(empty));
        QVERIFY(!m_train->isTraining());
        auto *banner = m_window->findChild<ErrorBanner *>(QStringLiteral("errorBanner"));
        QVERIFY(banner && banner->isVisible());
        QVERIFY2(banner->message().contains(QStringLiteral("not-a-run")) && banner->message().contains(QStringLiteral("config.json")),
                 qPrintable(banner->message()));
        QCOMPARE(m_train->log()->count(MessageLevel::Error), 1);
        banner->dismiss();
    }

    void regressionRunTrainsFromTheWindow()
    {
        // A regression dataset trains from the same buttons; the log, the score plot and the
        // history speak in R², never as an accuracy.
        const QString position = QDir::cleanPath(m_dir.filePath(QStringLiteral("position")));
        const auto made = testsupport::runFusionscope({QStringLiteral("demo-data"), QStringLiteral("--kind"), QStringLiteral("position"),
                                                       QStringLiteral("--samples"), QStringLiteral("120"), QStringLiteral("--out"), position});
        QVERIFY2(made.exitCode == 0, made.err.constData());
        m_window->openDataset(position);
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->datasetController()->isLoading(), kLoadTimeoutMs);
        QVERIFY(m_window->datasetController()->dataset());
        QCOMPARE(m_window->datasetController()->dataset()->task(), TaskKind::Regress);
        // The Model tab lists the targets, all checked; this run learns y alone.
        auto *targets = child<QListWidget>(m_model, "train_targets");
        QTRY_COMPARE(targets->count(), 2);
        QVERIFY(!targets->isHidden());
        QCOMPARE(targets->item(0)->text(), QStringLiteral("x"));
        QCOMPARE(targets->item(0)->checkState(), Qt::Checked);
        QVERIFY(m_model->trainConfig().targets.isEmpty()); // all of them
        QCOMPARE(m_model->modelConfig().numClasses, 2);
        targets->item(1)->setCheckState(Qt::Unchecked);
        targets->item(0)->setCheckState(Qt::Unchecked);
        QVERIFY(!buttonFor(m_train, QStringLiteral("startTrainingAction"))->isEnabled()); // nothing left to learn
        QVERIFY(targets->property("invalid").toBool());
        targets->item(1)->setCheckState(Qt::Checked);
        QCOMPARE(m_model->trainConfig().targets, QStringList{QStringLiteral("y")});
        QCOMPARE(m_model->modelConfig().numClasses, 1);
        QTRY_VERIFY(buttonFor(m_train, QStringLiteral("startTrainingAction"))->isEnabled());
        child<QSpinBox>(m_model, "train_epochs")->setValue(2);
        QSignalSpy done(m_train, &TrainPanel::runFinished);
        QTest::mouseClick(buttonFor(m_train, QStringLiteral("startTrainingAction")), Qt::LeftButton);
        QVERIFY(done.wait(kRunTimeoutMs));
        const QString run = done.at(0).at(0).toString();
        QVERIFY(QFileInfo::exists(runfiles::modelPath(run)));
        const QString log = m_train->log()->toPlainText();
        QVERIFY2(log.contains(QStringLiteral("task: regress (inferred")), qPrintable(log));
        QVERIFY2(log.contains(QStringLiteral("val mean R²")), qPrintable(log));
        QVERIFY2(log.contains(QStringLiteral("test mean R²")), qPrintable(log));
        QCOMPARE(m_train->curves()->accuracyPlot()->title(), QStringLiteral("Validation mean R²"));
        QCOMPARE(m_train->curves()->accuracyPlot()->livePointCount(), 2);
        QCOMPARE(m_train->curves()->epochLossPlot()->livePointCount(1), 2);
        QVERIFY(m_train->history()->list()->item(0)->text().contains(QStringLiteral("finished · test R²")));
        QVERIFY2(log.contains(QStringLiteral("learning y of the dataset's targets x, y")), qPrintable(log));
        QJsonObject recorded;
        QString error;
        QVERIFY(runfiles::readJsonFile(runfiles::configPath(run), &recorded, &error));
        QCOMPARE(recorded.value(QStringLiteral("task")).toObject().value(QStringLiteral("targets")).toArray(),
                 QJsonArray{QStringLiteral("y")});
        m_window->panelTabs()->setCurrentWidget(m_model);
        screenshot(QStringLiteral("model-targets"));
        m_window->panelTabs()->setCurrentWidget(m_train);
        targets->item(0)->setCheckState(Qt::Checked); // all again, for the tests that follow
        QVERIFY(m_model->trainConfig().targets.isEmpty());
        screenshot(QStringLiteral("train-regression"));
        m_window->openDataset(m_demo); // back to the classification demo for the tests that follow
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->datasetController()->isLoading(), kLoadTimeoutMs);
    }

    void multilabelRunTrainsAndTheTaskIsChosenInTheModelTab()
    {
        const QString matches = QDir::cleanPath(m_dir.filePath(QStringLiteral("matches")));
        const auto made = testsupport::runFusionscope({QStringLiteral("demo-data"), QStringLiteral("--kind"), QStringLiteral("matches"),
                                                       QStringLiteral("--samples"), QStringLiteral("120"), QStringLiteral("--out"), matches});
        QVERIFY2(made.exitCode == 0, made.err.constData());
        m_window->openDataset(matches);
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->datasetController()->isLoading(), kLoadTimeoutMs);
        QVERIFY(m_window->datasetController()->dataset());
        QCOMPARE(m_window->datasetController()->dataset()->task(), TaskKind::Multilabel);
        // The Model tab says what the labels are and what the model will output.
        auto *taskLabel = child<QLabel>(m_model, "datasetTaskLabel");
        QTRY_VERIFY(taskLabel->text().contains(QStringLiteral("multilabel (inferred: labels are lists of tags) · 9 tags: cell_0")));
        QTRY_COMPARE(child<QListWidget>(m_model, "train_targets")->count(), 9);
        m_window->panelTabs()->setCurrentWidget(m_model);
        screenshot(QStringLiteral("model-task"));
        m_window->panelTabs()->setCurrentWidget(m_train);

        // Choosing a task reads the labels again as it asks: lists are no classes, each sample says so.
        auto *task = child<QComboBox>(m_model, "train_task");
        task->setCurrentIndex(task->findData(QStringLiteral("classify")));
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->datasetController()->isLoading() && m_window->datasetController()->dataset(), kLoadTimeoutMs);
        QCOMPARE(m_window->datasetController()->dataset()->task(), TaskKind::Classify);
        QVERIFY(m_window->datasetController()->dataset()->issues().first().toString().contains(QStringLiteral("is a list of tags")));
        QTRY_VERIFY(taskLabel->text().startsWith(QStringLiteral("classify (as asked)")));
        QVERIFY(child<QListWidget>(m_model, "train_targets")->isHidden()); // classes: nothing to choose
        task->setCurrentIndex(task->findData(QStringLiteral("auto")));
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->datasetController()->isLoading() && m_window->datasetController()->dataset(), kLoadTimeoutMs);
        QCOMPARE(m_window->datasetController()->dataset()->task(), TaskKind::Multilabel);

        child<QSpinBox>(m_model, "train_epochs")->setValue(2);
        QSignalSpy done(m_train, &TrainPanel::runFinished);
        QTest::mouseClick(buttonFor(m_train, QStringLiteral("startTrainingAction")), Qt::LeftButton);
        QVERIFY(done.wait(kRunTimeoutMs));
        const QString run = done.at(0).at(0).toString();
        QVERIFY(QFileInfo::exists(runfiles::modelPath(run)));
        const QString log = m_train->log()->toPlainText();
        QVERIFY2(log.contains(QStringLiteral("9 tags, binary cross-entropy per tag")), qPrintable(log));
        QVERIFY2(log.contains(QStringLiteral("val mAP")), qPrintable(log));
        QVERIFY2(log.contains(QStringLiteral("thresholds tuned on validation")), qPrintable(log));
        QVERIFY2(log.contains(QStringLiteral("test mAP")), qPrintable(log));
        QCOMPARE(m_train->curves()->accuracyPlot()->title(), QStringLiteral("Validation mAP"));
        QCOMPARE(m_train->curves()->accuracyPlot()->livePointCount(), 2);
        QVERIFY(m_train->history()->list()->item(0)->text().contains(QStringLiteral("finished · test mAP")));
        m_window->panelTabs()->setCurrentWidget(m_train);
        screenshot(QStringLiteral("train-multilabel"));
        m_window->openDataset(m_demo);
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->datasetController()->isLoading(), kLoadTimeoutMs);
    }

    void contrastiveRunDrawsItsRecall()
    {
        // The objective is a Model-tab choice; a contrastive run's score plot is its validation R@1,
        // and the history says its test R@1, never an accuracy it does not have.
        auto *objective = child<QComboBox>(m_model, "train_objective");
        selectData(objective, QStringLiteral("contrastive"));
        QVERIFY(!m_model->trainConfig().supervised);
        QCOMPARE(m_model->modelConfig().numClasses, 0);
        QVERIFY(!child<QComboBox>(m_model, "train_class_weights")->isEnabled()); // nothing supervised to weigh
        child<QSpinBox>(m_model, "train_epochs")->setValue(2);
        QTRY_VERIFY(buttonFor(m_train, QStringLiteral("startTrainingAction"))->isEnabled());
        QSignalSpy done(m_train, &TrainPanel::runFinished);
        QTest::mouseClick(buttonFor(m_train, QStringLiteral("startTrainingAction")), Qt::LeftButton);
        QVERIFY(done.wait(kRunTimeoutMs));
        const QString run = done.at(0).at(0).toString();
        QVERIFY(QFileInfo::exists(runfiles::modelPath(run)));
        const QString whole = m_train->log()->toPlainText();
        const QString log = whole.mid(whole.lastIndexOf(QStringLiteral("started "))); // this run's lines
        QVERIFY2(log.contains(QStringLiteral("task: contrastive")), qPrintable(log));
        QVERIFY2(log.contains(QStringLiteral("val R@1")) && !log.contains(QStringLiteral("val accuracy")), qPrintable(log));
        QVERIFY2(log.contains(QStringLiteral("test retrieval")), qPrintable(log));
        QCOMPARE(m_train->curves()->accuracyPlot()->title(), QStringLiteral("Validation R@1 (cross-modal)"));
        QCOMPARE(m_train->curves()->accuracyPlot()->livePointCount(), 2);
        QVERIFY2(m_train->history()->list()->item(0)->text().contains(QStringLiteral("finished · test R@1")),
                 qPrintable(m_train->history()->list()->item(0)->text()));
        screenshot(QStringLiteral("train-contrastive"));

        // Semi-supervised: accuracy stays the score, R@1 is drawn beside it.
        selectData(objective, QStringLiteral("semi"));
        QVERIFY(m_model->trainConfig().supervised && m_model->trainConfig().contrastiveWeight > 0.0);
        QSignalSpy semiDone(m_train, &TrainPanel::runFinished);
        QTest::mouseClick(buttonFor(m_train, QStringLiteral("startTrainingAction")), Qt::LeftButton);
        QVERIFY(semiDone.wait(kRunTimeoutMs));
        QCOMPARE(m_train->curves()->accuracyPlot()->title(), QStringLiteral("Validation accuracy"));
        QCOMPARE(m_train->curves()->accuracyPlot()->livePointCount(0), 2);
        QCOMPARE(m_train->curves()->accuracyPlot()->livePointCount(1), 2);
        QVERIFY(m_train->history()->list()->item(0)->text().contains(QStringLiteral("finished · test ")));
        // Reconstruct: the other label-free objective, a config of its own the trainer accepts.
        selectData(objective, QStringLiteral("reconstruct"));
        QVERIFY(m_model->trainConfig().reconstruct && !m_model->trainConfig().supervised);
        QCOMPARE(m_model->trainConfig().contrastiveWeight, 0.0);
        QCOMPARE(m_model->trainConfig().validate(), QString());
        QCOMPARE(m_model->modelConfig().numClasses, 0);
        QVERIFY(!child<QComboBox>(m_model, "train_class_weights")->isEnabled());
        selectData(objective, QStringLiteral("supervised"));
        QCOMPARE(m_model->trainConfig().contrastiveWeight, 0.0);
        QVERIFY(!m_model->trainConfig().reconstruct);
    }

    void resumeThenCloseStopsWithCheckpoint()
    {
        const QDateTime before = QFileInfo(runfiles::lastCheckpointPath(m_stoppedRun)).lastModified();
        QVERIFY(m_train->resumeRun(m_stoppedRun));
        QVERIFY(m_train->isTraining());
        QTRY_VERIFY_WITH_TIMEOUT(m_train->log()->toPlainText().contains(QStringLiteral("resumed at step")), kRunTimeoutMs);
        const int resumedFrom = m_train->curves()->lossPlot()->livePointCount(); // the run's earlier curve
        QVERIFY(resumedFrom >= 2);
        QTRY_VERIFY_WITH_TIMEOUT(m_train->curves()->lossPlot()->livePointCount() > resumedFrom, kRunTimeoutMs);
        screenshot(QStringLiteral("train-resumed"));

        // Closing asks; "Yes" stops the run with a checkpoint before the window goes.
        bool asked = false;
        QTimer::singleShot(0, this, [&asked] {
            QTRY_VERIFY(qobject_cast<QMessageBox *>(QApplication::activeModalWidget()));
            auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
            asked = box->text().contains(QStringLiteral("training run is in progress"));
            box->button(QMessageBox::Yes)->click();
        });
        QVERIFY(m_window->close());
        QVERIFY(asked);
        QVERIFY(!m_train->isTraining());
        QVERIFY(QFileInfo(runfiles::lastCheckpointPath(m_stoppedRun)).lastModified() >= before);
        QVERIFY(m_train->log()->toPlainText().contains(QStringLiteral("cancelled at step")));
    }

    void aDistributedRunIsListedLikeAnyOther()
    {
        // Two processes trained it (rank 0 wrote the folder, config.json records the world size):
        // the history reads it as any other finished run.
        const QString run = QDir::cleanPath(QFileInfo(m_finishedRun).absolutePath() + QStringLiteral("/distributed-run"));
        const auto trained = testsupport::runFusionscope({QStringLiteral("train"), m_demo, QStringLiteral("--fusion"), QStringLiteral("concat"),
                                                          QStringLiteral("--epochs"), QStringLiteral("1"), QStringLiteral("--nproc-per-node"),
                                                          QStringLiteral("2"), QStringLiteral("--out"), run});
        QVERIFY2(trained.exitCode == 0, trained.err.constData());
        m_train->history()->refresh();
        const int row = int(m_train->history()->runDirs().indexOf(run));
        QVERIFY2(row >= 0, qPrintable(m_train->history()->runDirs().join(QLatin1Char(','))));
        const QString text = m_train->history()->list()->item(row)->text();
        QVERIFY2(text.contains(QStringLiteral("finished · test")), qPrintable(text));
    }

    void cleanupTestCase()
    {
        m_window.reset();
    }

private:
    void screenshot(const QString &name)
    {
        if (m_screenshots.isEmpty())
            return;
        QDir().mkpath(m_screenshots);
        QCoreApplication::processEvents();
        m_window->grab().save(QDir(m_screenshots).filePath(name + QStringLiteral(".png")));
    }

    QTemporaryDir m_dir;
    QString m_demo;
    QString m_screenshots;
    std::unique_ptr<MainWindow> m_window;
    ModelPanel *m_model = nullptr;
    TrainPanel *m_train = nullptr;
    QString m_stoppedRun;
    QString m_finishedRun;
};

QTEST_MAIN(TestGuiTrain)
#include "test_gui_train.moc"
