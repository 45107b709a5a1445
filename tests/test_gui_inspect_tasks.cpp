// The Inspect tab for regression and multi-label models, driven like a user: the navigator's
// verdicts, one sample's predicted values or tag probabilities and the decomposition of the
// explained output, then the split views' residual scatter (click → sample) and tag table.
#include "core/explain/explainer.h"
#include "tests/testsupport.h"
#include "ui/inspect/contributionplot.h"
#include "ui/inspect/explaincontroller.h"
#include "ui/inspect/inspectpanel.h"
#include "ui/inspect/navigatormodel.h"
#include "ui/inspect/predictionview.h"
#include "ui/inspect/sampleinspector.h"
#include "ui/inspect/samplenavigator.h"
#include "ui/inspect/split/residualscatterplot.h"
#include "ui/inspect/split/splitviews.h"
#include "ui/inspect/split/tagscoretable.h"
#include "ui/train/runreportdata.h"
#include "ui/train/runreportexport.h"

#include <QtCore/QTemporaryDir>
#include <QtGui/QImage>
#include <QtTest/QSignalSpy>
#include <QtTest/QtTest>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QLabel>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QTabWidget>
#include <QtWidgets/QTableView>
#include <QtWidgets/QTableWidget>

#include <cmath>

namespace {

constexpr int kTimeoutMs = 30000;

} // namespace

class TestGuiInspectTasks final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString config = m_dir.filePath(QStringLiteral("tiny.json"));
        testsupport::writeFile(config, R"({"model":{"dim":16,"heads":2},"train":{"batch_size":32}})");
        for (const QString &kind : {QStringLiteral("position"), QStringLiteral("matches")}) {
            const QString data = m_dir.filePath(kind);
            auto made = testsupport::runFusionscope({QStringLiteral("demo-data"), QStringLiteral("--kind"), kind,
                                                     QStringLiteral("--samples"), QStringLiteral("150"), QStringLiteral("--out"), data});
            QVERIFY2(made.exitCode == 0, made.err.constData());
            auto trained = testsupport::runFusionscope({QStringLiteral("train"), data, QStringLiteral("--fusion"),
                                                        QStringLiteral("attention"), QStringLiteral("--epochs"), QStringLiteral("1"),
                                                        QStringLiteral("--config"), config, QStringLiteral("--out"),
                                                        m_dir.filePath(kind + QStringLiteral("-run"))});
            QVERIFY2(trained.exitCode == 0, trained.err.constData());
        }
    }

    void regressionSampleShowsValuesAgainstTruth()
    {
        openPanel(QStringLiteral("position"));
        if (QTest::currentTestFailed())
            return;
        SampleInspector *inspector = m_panel->sampleInspector();
        const SampleExplanation shown = firstSample();
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(shown.task, TaskKind::Regress);
        QCOMPARE(shown.classNames, (QStringList{QStringLiteral("x"), QStringLiteral("y")}));
        const SampleExplanation expected = reference(QStringLiteral("position"), shown.sampleId);
        // Two rows, the values against the truth, in the order of the targets.
        const QVector<PredictionView::Row> rows = inspector->predictionView()->rows();
        QCOMPARE(rows.size(), 2);
        for (int k = 0; k < 2; ++k) {
            QVERIFY(rows.at(k).probability < 0.0); // a value, no probability bar
            QVERIFY2(rows.at(k).valueText.startsWith(QString::number(expected.probabilities[std::size_t(k)], 'g', 4)),
                     qPrintable(rows.at(k).valueText));
            QVERIFY2(rows.at(k).valueText.contains(QStringLiteral("true %1").arg(expected.truth[std::size_t(k)], 0, 'g', 4)),
                     qPrintable(rows.at(k).valueText));
            QVERIFY2(rows.at(k).toolTip.contains(QStringLiteral("Shapley")), qPrintable(rows.at(k).toolTip));
        }
        QVERIFY2(inspector->findChild<QLabel *>(QStringLiteral("sampleTitle"))->text().contains(QStringLiteral("predicted x")),
                 qPrintable(inspector->findChild<QLabel *>(QStringLiteral("sampleTitle"))->text()));
        // The bars decompose the predicted x; the caption says so.
        expectSameContribution(inspector, expected);
        QVERIFY2(inspector->efficiencyText().contains(QStringLiteral("f = the predicted x")), qPrintable(inspector->efficiencyText()));
        // A regression has no right or wrong: the navigator marks none.
        QTableView *table = m_panel->navigator()->table();
        for (int row = 0; row < table->model()->rowCount(); ++row) {
            const QString predicted = table->model()->index(row, NavigatorModel::PredictedColumn).data().toString();
            QVERIFY2(predicted.startsWith(QStringLiteral("x ")), qPrintable(predicted));
        }
    }

    void multilabelSampleShowsEveryTagAndItsThreshold()
    {
        openPanel(QStringLiteral("matches"));
        if (QTest::currentTestFailed())
            return;
        SampleInspector *inspector = m_panel->sampleInspector();
        const SampleExplanation shown = firstSample();
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(shown.task, TaskKind::Multilabel);
        const SampleExplanation expected = reference(QStringLiteral("matches"), shown.sampleId);
        const QVector<PredictionView::Row> rows = inspector->predictionView()->rows();
        QCOMPARE(rows.size(), 9);
        QCOMPARE(rows.at(0).classIndex, expected.predicted); // the most probable tag first, and explained
        for (const PredictionView::Row &row : rows) {
            const std::size_t c = std::size_t(row.classIndex);
            QVERIFY(std::abs(row.probability - expected.probabilities[c]) < 1e-5);
            QVERIFY(std::abs(row.threshold - expected.thresholds[c]) < 1e-9);
            QCOMPARE(row.emphasised, row.probability >= row.threshold);
            QCOMPARE(row.truth, expected.truth[c] > 0.5f);
        }
        expectSameContribution(inspector, expected);
        QVERIFY2(inspector->efficiencyText().contains(QStringLiteral("the logit of tag %1").arg(expected.classNames.value(expected.predicted))),
                 qPrintable(inspector->efficiencyText()));
        // The navigator's verdict is the whole tag set's.
        QTableView *table = m_panel->navigator()->table();
        int marked = 0;
        for (int row = 0; row < table->model()->rowCount(); ++row) {
            const QString predicted = table->model()->index(row, NavigatorModel::PredictedColumn).data().toString();
            marked += predicted.startsWith(QStringLiteral("✓ ")) || predicted.startsWith(QStringLiteral("✗ ")) ? 1 : 0;
        }
        QCOMPARE(marked, table->model()->rowCount());
    }

    void regressionSplitShowsResidualsAndClickOpensTheSample()
    {
        SplitViews views;
        const std::shared_ptr<const SplitExplanation> result = analyse(&views, QStringLiteral("position"));
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(result->task, TaskKind::Regress);
        auto *tabs = views.findChild<QTabWidget *>(QStringLiteral("splitSectionTabs"));
        QVERIFY2(tabs->tabText(0).startsWith(QStringLiteral("Predicted vs true")), qPrintable(tabs->tabText(0)));
        QVERIFY(!tabs->isTabVisible(tabs->indexOf(views.findChild<QWidget *>(QStringLiteral("classifierCurves")))));
        auto *scatter = views.findChild<ResidualScatterPlot *>(QStringLiteral("residualScatter"));
        QVERIFY(scatter->isVisible());
        QCOMPARE(scatter->pointCount(), int(m_datasets.value(QStringLiteral("position"))->indices(Split::Test).size()));
        auto *subsets = views.findChild<QTableWidget *>(QStringLiteral("subsetTable"));
        QCOMPARE(subsets->horizontalHeaderItem(1)->text(), QStringLiteral("mean R²"));
        QCOMPARE(subsets->item(6, 1)->text(), QString::number(result->accuracy, 'f', 3));
        QVERIFY(views.findChild<QLabel *>(QStringLiteral("splitSummary"))->text().contains(QStringLiteral("mean R² ")));
        // Clicking a point asks for that one sample.
        QSignalSpy requested(&views, &SplitViews::samplesRequested);
        scatter->replot();
        const QPointF at = scatter->pointPosition(0);
        QTest::mouseClick(scatter, Qt::LeftButton, {}, at.toPoint());
        QCOMPARE(requested.count(), 1);
        const QVector<int> one = requested.at(0).at(0).value<QVector<int>>();
        QCOMPARE(one.size(), 1);
        QVERIFY2(requested.at(0).at(1).toString().contains(m_datasets.value(QStringLiteral("position"))->record(one.front()).id),
                 qPrintable(requested.at(0).at(1).toString()));
        // The other target, and the plot saves like the others.
        auto *target = views.findChild<QComboBox *>(QStringLiteral("residualTarget"));
        QCOMPARE(target->count(), 2);
        target->setCurrentIndex(1);
        QVERIFY(scatter->xAxis->label().contains(QStringLiteral("y")));
        const QString png = m_dir.filePath(QStringLiteral("residuals.png"));
        QVERIFY(scatter->saveTo(png));
        QVERIFY(QImage(png).width() > 100);
    }

    void multilabelSplitListsEveryTag()
    {
        SplitViews views;
        const std::shared_ptr<const SplitExplanation> result = analyse(&views, QStringLiteral("matches"));
        if (QTest::currentTestFailed())
            return;
        auto *tags = views.findChild<TagScoreTable *>(QStringLiteral("tagScoreTable"));
        QVERIFY(tags->isVisible());
        QCOMPARE(tags->rowCount(), 9);
        for (int row = 0; row < 9; ++row) {
            const TagScores &scores = result->multilabel.tags[std::size_t(row)];
            QCOMPARE(tags->item(row, TagScoreTable::TagColumn)->text(), scores.name);
            QCOMPARE(tags->item(row, TagScoreTable::ApColumn)->text(), QString::number(scores.curves.averagePrecision, 'f', 3));
            QCOMPARE(tags->item(row, TagScoreTable::ImageColumn)->text(),
                     QString::number(result->outputMeanAbsShapley[std::size_t(row)][1], 'f', 3));
        }
        auto *subsets = views.findChild<QTableWidget *>(QStringLiteral("subsetTable"));
        QCOMPARE(subsets->horizontalHeaderItem(1)->text(), QStringLiteral("mAP"));
        QCOMPARE(subsets->item(6, 1)->text(), QString::number(result->multilabel.meanAveragePrecision, 'f', 3));
        // Sorting by AP puts the best tag first.
        tags->sortItems(TagScoreTable::ApColumn, Qt::DescendingOrder);
        double best = 0.0;
        for (const TagScores &scores : result->multilabel.tags)
            best = std::max(best, scores.curves.averagePrecision);
        QCOMPARE(tags->item(0, TagScoreTable::ApColumn)->text(), QString::number(best, 'f', 3));
    }

    void htmlReportCarriesEachTasksScores()
    {
        for (const QString &kind : {QStringLiteral("position"), QStringLiteral("matches")}) {
            RunReportData run;
            QString error;
            QVERIFY2(RunReportData::load(m_dir.filePath(kind + QStringLiteral("-run")), &run, &error), qPrintable(error));
            QVERIFY(run.hasTest);
            const QString html = runreportexport::html(run);
            const bool regress = kind == QLatin1String("position");
            QCOMPARE(run.task(), regress ? TaskKind::Regress : TaskKind::Multilabel);
            // The headline is the task's score, as report.json has it; the classifier's sections are absent.
            const QString id = regress ? QStringLiteral("test-r2") : QStringLiteral("test-map");
            const double score = regress ? run.test.regression.meanR2 : run.test.multilabel.meanAveragePrecision;
            QVERIFY2(html.contains(QStringLiteral("id=\"%1\">%2<").arg(id, QString::number(score, 'f', 4))), qPrintable(id));
            QVERIFY(html.contains(regress ? QStringLiteral("id=\"per-target\"") : QStringLiteral("id=\"per-tag\"")));
            QVERIFY(html.contains(regress ? QStringLiteral("Mean R² by modality subset") : QStringLiteral("mAP by modality subset")));
            QVERIFY(!html.contains(QStringLiteral("id=\"confusion\"")));
            QVERIFY(!html.contains(QStringLiteral("id=\"per-class\"")));
            QVERIFY(html.contains(QStringLiteral("alt=\"Validation %1\"").arg(regress ? QStringLiteral("mean R²") : QStringLiteral("mAP"))));
            const QStringList columns = regress ? QStringList{QStringLiteral("x"), QStringLiteral("y")} : QStringList{QStringLiteral("cell_0"), QStringLiteral("cell_8")};
            for (const QString &name : columns)
                QVERIFY2(html.contains(QStringLiteral("<tr><th>%1</th>").arg(name)), qPrintable(name));
        }
    }

private:
    QString model(const QString &kind) const { return m_dir.filePath(kind + QStringLiteral("-run/model.pt")); }

    std::shared_ptr<const Dataset> dataset(const QString &kind)
    {
        if (!m_datasets.contains(kind)) {
            // As the Data tab reads a dataset for a model of this task.
            QString error;
            std::unique_ptr<Explainer> explainer = Explainer::open(model(kind), &error);
            if (!explainer)
                return nullptr;
            m_datasets.insert(kind, Dataset::load(m_dir.filePath(kind), explainer->datasetOptions()));
        }
        return m_datasets.value(kind);
    }

    void openPanel(const QString &kind)
    {
        const std::shared_ptr<const Dataset> data = dataset(kind);
        QVERIFY(data && data->loadError().isEmpty());
        m_panel = std::make_unique<InspectPanel>();
        m_panel->resize(1400, 900);
        m_panel->show();
        m_panel->setDataset(data);
        m_panel->openModel(model(kind));
        QTRY_VERIFY_WITH_TIMEOUT(m_panel->controller()->isReady(), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(m_panel->navigator()->model()->predictedCount() == int(data->indices(Split::Test).size()), kTimeoutMs);
    }

    SampleExplanation firstSample()
    {
        QTableView *table = m_panel->navigator()->table();
        table->setFocus();
        table->selectRow(0);
        [&] { QTRY_VERIFY_WITH_TIMEOUT(m_panel->navigator()->currentSample() >= 0, kTimeoutMs); }();
        const int index = m_panel->navigator()->currentSample();
        SampleInspector *inspector = m_panel->sampleInspector();
        [&] { QTRY_VERIFY_WITH_TIMEOUT(inspector->hasSample() && inspector->explanation().index == index, kTimeoutMs); }();
        return inspector->explanation();
    }

    /** The core Explainer's answer for the same sample, as ground truth. */
    SampleExplanation reference(const QString &kind, const QString &id)
    {
        QString error;
        std::unique_ptr<Explainer> explainer = Explainer::open(model(kind), &error);
        auto data = Dataset::load(m_dir.filePath(kind), explainer->datasetOptions());
        if (!explainer->attach(data).isEmpty())
            return {};
        return explainer->explainSample(data->indexOf(id));
    }

    static void expectSameContribution(SampleInspector *inspector, const SampleExplanation &expected)
    {
        const ModalityContribution &c = expected.contribution;
        ContributionPlot *bars = inspector->contributionPlot();
        for (int m = 0; m < 3; ++m) {
            if (!(c.players & (1U << m)))
                continue;
            QVERIFY(std::abs(bars->values(ContributionPlot::Shapley)[m] - c.shapley[std::size_t(m)]) <= 1e-4 * std::max(1.0, std::abs(c.shapley[std::size_t(m)])));
            QVERIFY(std::abs(bars->values(ContributionPlot::LeaveOneOut)[m] - c.leaveOneOut[std::size_t(m)]) <= 1e-4 * std::max(1.0, std::abs(c.leaveOneOut[std::size_t(m)])));
        }
        QCOMPARE(inspector->explanation().contribution.task, expected.task);
    }

    std::shared_ptr<const SplitExplanation> analyse(SplitViews *views, const QString &kind)
    {
        views->resize(1100, 700);
        views->show();
        views->setDataset(dataset(kind));
        views->setModelPath(model(kind));
        QTest::mouseClick(views->findChild<QPushButton *>(QStringLiteral("analyseSplitButton")), Qt::LeftButton);
        [&] { QTRY_VERIFY_WITH_TIMEOUT(!views->isRunning(), kTimeoutMs); }();
        if (!views->result())
            QTest::qFail(qPrintable(views->findChild<QLabel *>(QStringLiteral("splitStatus"))->text()), __FILE__, __LINE__);
        return views->result();
    }

    QTemporaryDir m_dir;
    QMap<QString, std::shared_ptr<const Dataset>> m_datasets;
    std::unique_ptr<InspectPanel> m_panel;
};

QTEST_MAIN(TestGuiInspectTasks)
#include "test_gui_inspect_tasks.moc"
