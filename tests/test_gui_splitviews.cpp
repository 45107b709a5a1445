#include "core/data/dataset.h"
#include "core/explain/explainer.h"
#include "tests/testsupport.h"
#include "ui/inspect/explaincontroller.h"
#include "ui/inspect/inspectpanel.h"
#include "ui/inspect/samplenavigator.h"
#include "ui/inspect/split/classifiercurvesview.h"
#include "ui/inspect/split/confusionmatrixview.h"
#include "ui/inspect/split/disagreementtable.h"
#include "ui/inspect/split/robustnessplot.h"
#include "ui/inspect/split/splitexplaincontroller.h"
#include "ui/inspect/split/splitviews.h"
#include "ui/plot/classifiercurvesplot.h"

#include <QtCore/QRegularExpression>
#include <QtCore/QTemporaryDir>
#include <QtGui/QImage>
#include <QtTest/QtTest>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QLabel>
#include <QtWidgets/QProgressBar>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QTabWidget>
#include <QtWidgets/QTableWidget>
#include <QtWidgets/QToolButton>
#include <algorithm>
#include <map>

namespace {

constexpr int kRunTimeoutMs = 20000;

QVector<int> sorted(QVector<int> values)
{
    std::sort(values.begin(), values.end());
    return values;
}

} // namespace

/** The Inspect panel's split-level views driven like a user: analyse, read, click, cancel. */
class TestGuiSplitViews final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_data = m_dir.filePath(QStringLiteral("demo"));
        const QString run = m_dir.filePath(QStringLiteral("run"));
        const QString config = m_dir.filePath(QStringLiteral("tiny.json"));
        testsupport::writeFile(config, R"({"model":{"dim":16,"heads":2},"train":{"batch_size":32}})");
        auto made = testsupport::runFusionscope({QStringLiteral("demo-data"), QStringLiteral("--samples"),
                                                 QStringLiteral("150"), QStringLiteral("--out"), m_data});
        QVERIFY2(made.exitCode == 0, made.err.constData());
        auto trained = testsupport::runFusionscope({QStringLiteral("train"), m_data, QStringLiteral("--fusion"),
                                                    QStringLiteral("attention"), QStringLiteral("--epochs"),
                                                    QStringLiteral("1"), QStringLiteral("--config"), config,
                                                    QStringLiteral("--out"), run});
        QVERIFY2(trained.exitCode == 0, trained.err.constData());
        m_model = run + QStringLiteral("/model.pt");
        m_dataset = Dataset::load(m_data); // as the Data panel reads it
        QVERIFY(m_dataset && m_dataset->loadError().isEmpty());

        // Ground truth from the core Explainer, one sample at a time, beside the views' batched pass.
        QString error;
        std::unique_ptr<Explainer> explainer = Explainer::open(m_model, &error);
        QVERIFY2(explainer, qPrintable(error));
        auto data = Dataset::load(m_data, explainer->datasetOptions());
        QVERIFY2(explainer->attach(data).isEmpty(), "attach failed");
        for (int index : m_dataset->indices(Split::Test)) {
            const SampleExplanation sample = explainer->explainSample(data->indexOf(m_dataset->record(index).id), false);
            QVERIFY2(sample.error.isEmpty(), qPrintable(sample.error));
            m_cells[{explainer->classNames().indexOf(sample.label), sample.predicted}] << index;
        }
        m_classNames = explainer->classNames();
    }

    void analysesTestSplitAndListsCellSamples()
    {
        SplitViews views;
        views.resize(1100, 700);
        views.show();
        auto *analyse = views.findChild<QPushButton *>(QStringLiteral("analyseSplitButton"));
        QVERIFY(!analyse->isEnabled()); // no dataset, no model
        views.setDataset(m_dataset);
        QVERIFY(!analyse->isEnabled());
        views.setModelPath(m_model);
        QVERIFY(analyse->isEnabled());
        QCOMPARE(views.findChild<QComboBox *>(QStringLiteral("splitChooser"))->currentText(), QStringLiteral("test"));

        QTest::mouseClick(analyse, Qt::LeftButton);
        QVERIFY(views.isRunning());
        QVERIFY(!analyse->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(!views.isRunning(), kRunTimeoutMs);
        QVERIFY2(views.result(), qPrintable(views.findChild<QLabel *>(QStringLiteral("splitStatus"))->text()));

        // The matrix counts every test sample once, in the cell its prediction puts it.
        auto *matrix = views.findChild<ConfusionMatrixView *>(QStringLiteral("confusionMatrix"));
        const int testSize = int(m_dataset->indices(Split::Test).size());
        QCOMPARE(matrix->classCount(), int(m_classNames.size()));
        QCOMPARE(matrix->total(), testSize);
        int correct = 0;
        for (int t = 0; t < matrix->classCount(); ++t) {
            for (int p = 0; p < matrix->classCount(); ++p)
                QCOMPARE(matrix->count(t, p), int(m_cells.count({t, p}) ? m_cells.at({t, p}).size() : 0));
            correct += matrix->count(t, t);
        }

        // The subset table has every subset; its "all" row agrees with the matrix's diagonal.
        auto *subsets = views.findChild<QTableWidget *>(QStringLiteral("subsetTable"));
        QCOMPARE(subsets->rowCount(), 7);
        QVERIFY(subsets->item(6, 0)->text().startsWith(QStringLiteral("all")));
        const QString allAccuracy = QStringLiteral("%1 %").arg(100.0 * correct / testSize, 0, 'f', 1);
        QCOMPARE(subsets->item(6, 1)->text(), allAccuracy);
        QVERIFY(views.findChild<QLabel *>(QStringLiteral("splitSummary"))->text().contains(allAccuracy));

        // The Probabilities page: top-1 is the accuracy; every view of the curves draws and saves.
        auto *tabs = views.findChild<QTabWidget *>(QStringLiteral("splitSectionTabs"));
        auto *curvesView = views.findChild<ClassifierCurvesView *>(QStringLiteral("classifierCurves"));
        QVERIFY(curvesView);
        tabs->setCurrentWidget(curvesView);
        QVERIFY2(curvesView->summaryText().startsWith(QStringLiteral("top-1 ") + allAccuracy),
                 qPrintable(curvesView->summaryText()));
        QVERIFY2(curvesView->summaryText().contains(QStringLiteral("AUC 0.")), qPrintable(curvesView->summaryText()));
        const ClassifierCurves &curves = views.result()->curves;
        QCOMPARE(curves.samples, testSize);
        int classesWithAuc = 0;
        for (const OneVsRestCurves &curve : curves.perClass)
            classesWithAuc += curve.hasAuc() ? 1 : 0;
        QVERIFY(classesWithAuc >= 2);
        auto *kind = curvesView->findChild<QComboBox *>(QStringLiteral("curveKind"));
        auto *plot = curvesView->plot();
        QCOMPARE(plot->kind(), ClassifierCurvesPlot::Kind::Roc);
        QCOMPARE(plot->seriesCount(), classesWithAuc + 1); // and the chance diagonal
        QVERIFY(plot->note().isEmpty());
        kind->setCurrentIndex(1);
        QCOMPARE(plot->kind(), ClassifierCurvesPlot::Kind::PrecisionRecall);
        QVERIFY(plot->seriesCount() >= classesWithAuc);
        kind->setCurrentIndex(2);
        QCOMPARE(plot->kind(), ClassifierCurvesPlot::Kind::Calibration);
        QCOMPARE(plot->seriesCount(), 3); // diagonal, bars, mean confidence
        const QString png = m_dir.filePath(QStringLiteral("calibration.png"));
        QVERIFY(plot->saveTo(png));
        QVERIFY(QImage(png).width() > 100);
        tabs->setCurrentIndex(0);

        // An attention model on data with target boxes gets a pointing-game score.
        const QString pointing = views.findChild<QLabel *>(QStringLiteral("pointingLabel"))->text();
        QVERIFY2(pointing.contains(QRegularExpression(QStringLiteral("\\d+\\.\\d %"))), qPrintable(pointing));
        // Robustness was not asked for: the plot says how to get it.
        auto *robustness = views.findChild<RobustnessPlot *>(QStringLiteral("robustnessPlot"));
        QCOMPARE(robustness->curveCount(), 0);
        QVERIFY(robustness->note().contains(QStringLiteral("Robustness curves (slower)")));

        // Clicking a cell asks for exactly its samples. Pick a cell that shares its row and its
        // column with other samples, so a wrong pairing cannot pass (the data and the seeded
        // training are deterministic, so such a cell exists).
        QSignalSpy requested(&views, &SplitViews::samplesRequested);
        std::map<int, int> rowTotal;
        std::map<int, int> columnTotal;
        for (const auto &[key, indices] : m_cells) {
            rowTotal[key.first] += int(indices.size());
            columnTotal[key.second] += int(indices.size());
        }
        const auto sharing = [&](const auto &c) {
            const int n = int(c.second.size());
            return (rowTotal[c.first.first] > n ? 1 : 0) + (columnTotal[c.first.second] > n ? 1 : 0);
        };
        const auto cell = std::max_element(m_cells.begin(), m_cells.end(),
                                           [&](const auto &a, const auto &b) { return sharing(a) < sharing(b); });
        QVERIFY2(sharing(*cell) == 2, "no confusion cell shares both its row and its column");
        const auto [truth, predicted] = cell->first;
        QTest::mouseClick(matrix, Qt::LeftButton, {}, matrix->cellRect(truth, predicted).center());
        QCOMPARE(requested.count(), 1);
        QCOMPARE(sorted(requested.at(0).at(0).value<QVector<int>>()), sorted(cell->second));
        const QString title = requested.at(0).at(1).toString();
        QVERIFY2(title.contains(m_classNames.at(truth)) && title.contains(m_classNames.at(predicted)), qPrintable(title));

        // The keyboard reaches the cells too: arrows move, Enter lists.
        QSignalSpy cellClicks(matrix, &ConfusionMatrixView::cellClicked);
        matrix->setFocus();
        QTest::keyClick(matrix, Qt::Key_Down);  // from the first cell to the second row
        QTest::keyClick(matrix, Qt::Key_Right);
        QTest::keyClick(matrix, Qt::Key_Return);
        QCOMPARE(cellClicks.count(), 1);
        QCOMPARE(cellClicks.at(0).at(0).toInt(), 1);
        QCOMPARE(cellClicks.at(0).at(1).toInt(), 1);

        // A disagreeing sample opens alone.
        auto *disagreements = views.findChild<DisagreementTable *>(QStringLiteral("disagreementTable"));
        tabs->setCurrentWidget(disagreements);
        QVERIFY(disagreements->rowCount() > 0);
        const QRect row = disagreements->visualItemRect(disagreements->item(0, 0));
        QTest::mouseClick(disagreements->viewport(), Qt::LeftButton, {}, row.center());
        QCOMPARE(requested.count(), 2);
        const QVector<int> one = requested.at(1).at(0).value<QVector<int>>();
        QCOMPARE(one.size(), 1);
        QCOMPARE(m_dataset->record(one.front()).id, disagreements->item(0, 0)->text());
    }

    void cancelReturnsToIdleAndRobustnessRunsAfter()
    {
        SplitViews views;
        views.resize(1100, 700);
        views.show();
        views.setDataset(m_dataset);
        views.setModelPath(m_model);
        auto *controller = views.findChild<SplitExplainController *>();
        QVERIFY(controller);
        QSignalSpy progress(controller, &SplitExplainController::progressChanged);
        QSignalSpy finished(controller, &SplitExplainController::finished);
        QSignalSpy cancelled(controller, &SplitExplainController::cancelled);
        auto *split = views.findChild<QComboBox *>(QStringLiteral("splitChooser"));
        split->setCurrentIndex(split->findText(QStringLiteral("all samples")));
        views.findChild<QCheckBox *>(QStringLiteral("robustnessCheck"))->setChecked(true);
        auto *analyse = views.findChild<QPushButton *>(QStringLiteral("analyseSplitButton"));
        auto *cancel = views.findChild<QToolButton *>(QStringLiteral("cancelSplitButton"));
        auto *bar = views.findChild<QProgressBar *>(QStringLiteral("splitProgress"));

        QTest::mouseClick(analyse, Qt::LeftButton);
        QVERIFY(cancel->isVisible());
        QVERIFY(bar->isVisible());
        QVERIFY(progress.wait(kRunTimeoutMs));
        QTest::mouseClick(cancel, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!views.isRunning(), kRunTimeoutMs);
        QCOMPARE(cancelled.count(), 1);
        QCOMPARE(finished.count(), 0);
        QVERIFY(!views.result());
        QVERIFY(analyse->isEnabled());
        QVERIFY(!cancel->isVisible());
        QVERIFY(!bar->isVisible());
        QVERIFY(split->isEnabled());
        QVERIFY(views.findChild<QLabel *>(QStringLiteral("splitStatus"))->text().startsWith(QStringLiteral("Cancelled")));

        // Changing the model mid-run drops that run at once; nothing of it lands later.
        QTest::mouseClick(analyse, Qt::LeftButton);
        QVERIFY(views.isRunning());
        views.setModelPath(m_dir.filePath(QStringLiteral("other.pt")));
        QVERIFY(!views.isRunning());
        QVERIFY(!cancel->isVisible());
        views.setModelPath(m_model);
        QCOMPARE(cancelled.count(), 2);

        // The worker is free again: the test split with robustness curves completes.
        split->setCurrentIndex(split->findText(QStringLiteral("test")));
        QTest::mouseClick(analyse, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!views.isRunning(), kRunTimeoutMs);
        QCOMPARE(finished.count(), 1);
        QVERIFY(views.result() && views.result()->hasRobustness);
        auto *robustness = views.findChild<RobustnessPlot *>(QStringLiteral("robustnessPlot"));
        QCOMPARE(robustness->curveCount(), int(views.result()->robustness.size()));
        QVERIFY(robustness->curveCount() >= 3);
        QVERIFY(robustness->note().isEmpty());
        saveShot(&views, QStringLiteral("splitviews-tiny"));
    }

    void badModelFileIsAMessageNotACrash()
    {
        SplitViews views;
        views.show();
        const QString bogus = m_dir.filePath(QStringLiteral("not-a-model.pt"));
        testsupport::writeFile(bogus, "this is not a TorchScript archive");
        views.setDataset(m_dataset);
        views.setModelPath(bogus);
        QSignalSpy errors(&views, &SplitViews::errorOccurred);
        QTest::mouseClick(views.findChild<QPushButton *>(QStringLiteral("analyseSplitButton")), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!views.isRunning(), kRunTimeoutMs);
        QCOMPARE(errors.count(), 1);
        const QString status = views.findChild<QLabel *>(QStringLiteral("splitStatus"))->text();
        QVERIFY2(status.contains(QStringLiteral("not-a-model.pt")), qPrintable(status));
        QVERIFY(!views.result());
    }

    void inspectPanelEmbedsTheViewsAndListsACellInItsNavigator()
    {
        InspectPanel panel;
        panel.resize(1400, 800);
        panel.show();
        panel.setDataset(m_dataset);
        panel.openModel(m_model);
        QTRY_VERIFY_WITH_TIMEOUT(panel.controller()->isReady(), kRunTimeoutMs);
        auto *views = panel.findChild<SplitViews *>(QStringLiteral("splitLevelViews"));
        QVERIFY(views);
        QCOMPARE(panel.splitViewTabs()->indexOf(views), 1);
        QCOMPARE(views->modelPath(), panel.modelPath());
        panel.splitViewTabs()->setCurrentWidget(views);
        auto *analyse = views->findChild<QPushButton *>(QStringLiteral("analyseSplitButton"));
        QVERIFY(analyse->isEnabled());
        QTest::mouseClick(analyse, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(views->result(), kRunTimeoutMs);

        auto *matrix = views->findChild<ConfusionMatrixView *>(QStringLiteral("confusionMatrix"));
        const auto &[cell, indices] = *m_cells.begin();
        QTest::mouseClick(matrix, Qt::LeftButton, {}, matrix->cellRect(cell.first, cell.second).center());
        QVector<int> shown = panel.navigator()->visibleSamples();
        QCOMPARE(sorted(shown), sorted(indices));
        saveShot(views, QStringLiteral("inspectpanel-split"), &panel);
    }

    /** A developer's look at a real model: FUSIONSCOPE_SCREENSHOT_{DIR,MODEL,DATA} name where and what. */
    void screenshotsOfARealModel()
    {
        const QString model = qEnvironmentVariable("FUSIONSCOPE_SCREENSHOT_MODEL");
        const QString data = qEnvironmentVariable("FUSIONSCOPE_SCREENSHOT_DATA");
        if (qEnvironmentVariableIsEmpty("FUSIONSCOPE_SCREENSHOT_DIR") || model.isEmpty() || data.isEmpty())
            QSKIP("set FUSIONSCOPE_SCREENSHOT_DIR, _MODEL and _DATA to render a real model's split views");
        SplitViews views;
        views.resize(1200, 760);
        views.show();
        views.setDataset(Dataset::load(data));
        views.setModelPath(model);
        views.findChild<QCheckBox *>(QStringLiteral("robustnessCheck"))->setChecked(true);
        views.analyse();
        QTRY_VERIFY_WITH_TIMEOUT(!views.isRunning(), 600000);
        QVERIFY2(views.result(), qPrintable(views.findChild<QLabel *>(QStringLiteral("splitStatus"))->text()));
        saveShot(&views, QStringLiteral("splitviews-real"));
    }

private:
    /** With FUSIONSCOPE_SCREENSHOT_DIR set, saves each tab of the views there for a look. */
    static void saveShot(SplitViews *views, const QString &stem, QWidget *window = nullptr)
    {
        const QString dir = qEnvironmentVariable("FUSIONSCOPE_SCREENSHOT_DIR");
        if (dir.isEmpty())
            return;
        auto *tabs = views->findChild<QTabWidget *>(QStringLiteral("splitSectionTabs"));
        for (int i = 0; i < tabs->count(); ++i) {
            tabs->setCurrentIndex(i);
            QCoreApplication::processEvents();
            (window ? window : views)->grab().save(QStringLiteral("%1/%2-%3.png").arg(dir, stem).arg(i));
        }
    }

    QTemporaryDir m_dir;
    QString m_data;
    QString m_model;
    std::shared_ptr<const Dataset> m_dataset;
    QStringList m_classNames;
    std::map<std::pair<int, int>, QVector<int>> m_cells; ///< (truth, predicted) → test sample indices
};

QTEST_MAIN(TestGuiSplitViews)
#include "test_gui_splitviews.moc"
