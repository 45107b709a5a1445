#include "core/explain/explainer.h"
#include "core/util/appidentity.h"
#include "tests/testsupport.h"
#include "ui/inspect/attentionselection.h"
#include "ui/inspect/attentiontokens.h"
#include "ui/inspect/audioattentionplot.h"
#include "ui/inspect/contributionplot.h"
#include "ui/inspect/explaincontroller.h"
#include "ui/inspect/heatmapcanvas.h"
#include "ui/inspect/heatmapview.h"
#include "ui/inspect/inspectpanel.h"
#include "ui/inspect/navigatormodel.h"
#include "ui/inspect/predictionview.h"
#include "ui/inspect/sampleinspector.h"
#include "ui/inspect/samplenavigator.h"
#include "ui/mainwindow.h"
#include "ui/widgets/errorbanner.h"

#include <QtCore/QMimeData>
#include <QtCore/QSettings>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtCore/QUrl>
#include <QtTest/QSignalSpy>
#include <QtTest/QtTest>
#include <QtWidgets/QApplication>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QLabel>
#include <QtWidgets/QMenuBar>
#include <QtWidgets/QTabWidget>
#include <QtWidgets/QTableView>

#include <algorithm>
#include <cmath>
#include <map>

namespace {

constexpr int kTimeoutMs = 20000;

QSet<int> toSet(const QVector<int> &values)
{
    return QSet<int>(values.begin(), values.end());
}

} // namespace

/**
 * The Inspect tab with a real (tiny) trained model: navigator, predictions, a sample's
 * heatmap and contribution bars against an independent Explainer, token clicks, filters,
 * showSamples, a broken model file, and the main window's wiring.
 */
class TestGuiInspect final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        setupApplicationIdentity();
        QVERIFY(m_dir.isValid());
        m_data = m_dir.filePath(QStringLiteral("shapes"));
        const auto demo = testsupport::runFusionscope({QStringLiteral("demo-data"), QStringLiteral("--samples"),
                                                        QStringLiteral("150"), QStringLiteral("--out"), m_data});
        QVERIFY2(demo.exitCode == 0, demo.err.constData());
        // Tiny and fast: one epoch of a 16-wide attention model, two threads.
        const QString config = m_dir.filePath(QStringLiteral("tiny.json"));
        testsupport::writeFile(config, "{\"model\":{\"dim\":16,\"heads\":2},\"train\":{\"batch_size\":32,\"threads\":2}}");
        const QString run = m_dir.filePath(QStringLiteral("run"));
        const auto train = testsupport::runFusionscope({QStringLiteral("train"), m_data, QStringLiteral("--fusion"),
                                                         QStringLiteral("attention"), QStringLiteral("--epochs"), QStringLiteral("1"),
                                                         QStringLiteral("--config"), config, QStringLiteral("--out"), run});
        QVERIFY2(train.exitCode == 0, train.err.constData());
        m_model = run + QStringLiteral("/model.pt");
        QVERIFY(QFileInfo::exists(m_model));

        // What the GUI's DatasetController would hand over: default options.
        m_dataset = Dataset::load(m_data);
        QVERIFY(m_dataset && m_dataset->loadError().isEmpty());
        m_test = m_dataset->indices(Split::Test);
        QVERIFY(m_test.size() >= 6);

        // The reference: core's Explainer driven directly, as `fusionscope explain` does.
        QString error;
        m_reference = Explainer::open(m_model, &error);
        QVERIFY2(m_reference, qPrintable(error));
        m_referenceData = Dataset::load(m_data, m_reference->datasetOptions());
        error = m_reference->attach(m_referenceData);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        for (int index : m_test) {
            SampleExplanation sample = m_reference->explainSample(index);
            QVERIFY2(sample.error.isEmpty(), qPrintable(sample.error));
            m_expected[index] = sample;
        }
    }

    void predictsTheTestSplit()
    {
        openPanel();
        if (QTest::currentTestFailed())
            return;
        InspectPanel &panel = *m_panel;
        const QVector<int> listed = panel.navigator()->visibleSamples();
        QCOMPARE(toSet(listed), toSet(QVector<int>(m_test.begin(), m_test.end())));
        QTableView *table = panel.navigator()->table();
        for (int row = 0; row < table->model()->rowCount(); ++row) {
            const int index = table->model()->index(row, 0).data(NavigatorModel::IndexRole).toInt();
            const SampleExplanation &expected = m_expected.at(index);
            const QString shown = table->model()->index(row, NavigatorModel::PredictedColumn).data().toString();
            QVERIFY2(shown.endsWith(expected.classNames.value(expected.predicted)), qPrintable(shown));
        }
        QVERIFY(panel.findChild<QLabel *>(QStringLiteral("modelLabel"))->text().contains(QStringLiteral("model.pt")));
    }

    void keyboardSelectionFillsHeatmapAndBars()
    {
        openPanel();
        if (QTest::currentTestFailed())
            return;
        InspectPanel &panel = *m_panel;
        QTableView *table = panel.navigator()->table();
        table->setFocus();
        QTRY_VERIFY(panel.navigator()->currentSample() >= 0);
        const int firstRow = table->currentIndex().row();
        QTest::keyClick(table, Qt::Key_Down);
        QCOMPARE(table->currentIndex().row(), firstRow + 1);
        const int index = panel.navigator()->currentSample();
        SampleInspector *inspector = panel.sampleInspector();
        QTRY_VERIFY_WITH_TIMEOUT(inspector->hasSample() && inspector->explanation().index == index, kTimeoutMs);

        const SampleExplanation &expected = m_expected.at(index);
        const SampleExplanation &shown = inspector->explanation();
        QCOMPARE(shown.sampleId, expected.sampleId);
        QCOMPARE(shown.predicted, expected.predicted);
        // Heatmap: one weight per image token, summing to 1.
        const std::vector<float> &heat = inspector->heatmapView()->canvas()->heat();
        QCOMPARE(int(heat.size()), expected.geometry.gridH * expected.geometry.gridW);
        double sum = 0.0;
        for (float w : heat)
            sum += w;
        QVERIFY(std::abs(sum - 1.0) < 1e-4);
        QVERIFY(!inspector->heatmapView()->canvas()->image().isNull());
        QVERIFY(!inspector->audioPlot()->heat().empty());
        // Top-k: the first row is the prediction with its probability.
        const PredictionView::Row top = inspector->predictionView()->rows().value(0);
        QCOMPARE(top.classIndex, expected.predicted);
        QVERIFY(std::abs(top.probability - expected.probabilities[std::size_t(expected.predicted)]) < 1e-5);

        // Contribution bars carry the explanation's numbers.
        const ModalityContribution &c = expected.contribution;
        const auto same = [](double a, double b) { return std::abs(a - b) <= 1e-4 * std::max(1.0, std::abs(b)); };
        ContributionPlot *bars = inspector->contributionPlot();
        for (int m = 0; m < 3; ++m) {
            if (!(c.players & (1U << m)))
                continue;
            QVERIFY2(same(bars->values(ContributionPlot::Shapley)[m], c.shapley[m]), qPrintable(QString::number(m)));
            QVERIFY(same(bars->values(ContributionPlot::LeaveOneOut)[m], c.leaveOneOut[m]));
            if (!std::isnan(c.gradInput[m]))
                QVERIFY(same(bars->values(ContributionPlot::GradInput)[m], c.gradInput[m]));
        }
        QCOMPARE(c.hasGates, bars->panelNote(ContributionPlot::Gates).isEmpty());
        const QString efficiency = inspector->efficiencyText();
        QVERIFY2(efficiency.contains(QStringLiteral("Σ Shapley = f(all) − f(none) ±")), qPrintable(efficiency));

        // PageDown then PageUp comes back to the top.
        QTest::keyClick(table, Qt::Key_PageDown);
        QVERIFY(table->currentIndex().row() > firstRow + 1);
        QTest::keyClick(table, Qt::Key_PageUp);
        QCOMPARE(table->currentIndex().row(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(inspector->explanation().index == panel.navigator()->currentSample(), kTimeoutMs);
    }

    void clickingAWordShowsWhereItLooks()
    {
        openPanel();
        if (QTest::currentTestFailed())
            return;
        InspectPanel &panel = *m_panel;
        SampleInspector *inspector = panel.sampleInspector();
        QTRY_VERIFY_WITH_TIMEOUT(inspector->hasSample(), kTimeoutMs);
        const SampleExplanation &expected = m_expected.at(inspector->explanation().index);
        AttentionTokens *tokens = inspector->tokens();
        QVERIFY(tokens->pieces().size() >= 2);
        QCOMPARE(tokens->weights().size(), expected.textHeat.weights.size());
        HeatmapCanvas *canvas = inspector->heatmapView()->canvas();
        const std::vector<float> before = canvas->heat();
        const std::vector<float> audioBefore = inspector->audioPlot()->heat();
        const QImage pictureBefore = canvas->grab().toImage();

        const int word = 1;
        QTest::mouseClick(tokens, Qt::LeftButton, {}, tokens->chipRect(word).center());
        QCOMPARE(tokens->selectedToken(), word);
        const std::vector<float> after = canvas->heat();
        QVERIFY(!after.empty());
        QVERIFY(after != before);
        // Exactly the clicked word's attention (independently explained sample, same selection).
        const HeatChoice choice = inspector->heatmapView()->choice();
        const std::vector<float> wanted = attentionHeat(expected, choice, Modality::Image, word).weights;
        QCOMPARE(after.size(), wanted.size());
        for (std::size_t k = 0; k < wanted.size(); ++k)
            QVERIFY(std::abs(after[k] - wanted[k]) < 1e-4);
        QVERIFY(canvas->grab().toImage() != pictureBefore);
        QVERIFY(inspector->heatmapView()->caption().contains(pieceText(expected, word)));
        if (expected.present[int(Modality::Audio)])
            QVERIFY(inspector->audioPlot()->heat() != audioBefore);

        // Clicking it again returns to the summary.
        QTest::mouseClick(tokens, Qt::LeftButton, {}, tokens->chipRect(word).center());
        QCOMPARE(tokens->selectedToken(), -1);
        QVERIFY(canvas->heat() == before);
    }

    void selectorsPickMapLayerAndHead()
    {
        openPanel();
        if (QTest::currentTestFailed())
            return;
        SampleInspector *inspector = m_panel->sampleInspector();
        QTRY_VERIFY_WITH_TIMEOUT(inspector->hasSample(), kTimeoutMs);
        const SampleExplanation &expected = m_expected.at(inspector->explanation().index);
        auto *source = m_panel->findChild<QComboBox *>(QStringLiteral("heatSource"));
        auto *head = m_panel->findChild<QComboBox *>(QStringLiteral("heatHead"));
        const int joint = source->findText(QStringLiteral("Map: all->all"));
        QVERIFY2(joint >= 0, "the attention fusion returns all->all maps");
        source->setCurrentIndex(joint);
        QVERIFY(head->isEnabled());
        QCOMPARE(head->count(), 1 + 2); // all heads, head 0, head 1
        HeatmapCanvas *canvas = inspector->heatmapView()->canvas();
        const std::vector<float> mean = canvas->heat();
        head->setCurrentIndex(head->findData(1));
        const HeatChoice choice = inspector->heatmapView()->choice();
        QCOMPARE(choice.kind, HeatChoice::Map);
        QCOMPARE(choice.head, 1);
        const std::vector<float> one = canvas->heat();
        QVERIFY(one != mean);
        const std::vector<float> wanted = mapHeat(expected, expected.maps.front(), Modality::Image, 1);
        QCOMPARE(expected.maps.front().family, QStringLiteral("all->all"));
        QCOMPARE(one.size(), wanted.size());
        for (std::size_t k = 0; k < wanted.size(); ++k)
            QVERIFY(std::abs(one[k] - wanted[k]) < 1e-4);
        QVERIFY(inspector->heatmapView()->caption().contains(QStringLiteral("head 1")));
    }

    void filtersByOutcome()
    {
        openPanel();
        if (QTest::currentTestFailed())
            return;
        InspectPanel &panel = *m_panel;
        QSet<int> incorrect;
        QSet<int> correct;
        for (int index : m_test) {
            const SampleExplanation &e = m_expected.at(index);
            (e.classNames.value(e.predicted) == e.label ? correct : incorrect).insert(index);
        }
        QVERIFY2(!incorrect.isEmpty() && !correct.isEmpty(), "the tiny model should get some right and some wrong");
        auto *outcome = panel.findChild<QComboBox *>(QStringLiteral("outcomeFilter"));
        outcome->setCurrentIndex(outcome->findText(QStringLiteral("Incorrect")));
        QCOMPARE(toSet(panel.navigator()->visibleSamples()), incorrect);
        QVERIFY(incorrect.contains(panel.navigator()->currentSample()));
        outcome->setCurrentIndex(outcome->findText(QStringLiteral("Correct")));
        QCOMPARE(toSet(panel.navigator()->visibleSamples()), correct);
        outcome->setCurrentIndex(0);
        QCOMPARE(int(panel.navigator()->visibleSamples().size()), int(m_test.size()));

        // Modalities disagree: each present modality alone predicts something else somewhere.
        QSet<int> disagree;
        for (int index : m_test) {
            const ModalityContribution &c = m_expected.at(index).contribution;
            QSet<int> says;
            for (int m = 0; m < 3; ++m) {
                if (c.players & (1U << m))
                    says.insert(c.subsetPredicted[1U << m]);
            }
            if (says.size() > 1)
                disagree.insert(index);
        }
        auto *disagreeBox = panel.findChild<QCheckBox *>(QStringLiteral("disagreeFilter"));
        disagreeBox->setChecked(true);
        QCOMPARE(toSet(panel.navigator()->visibleSamples()), disagree);
        disagreeBox->setChecked(false);

        // By class: only samples of that true class.
        auto *byClass = panel.findChild<QComboBox *>(QStringLiteral("classFilter"));
        const QString label = m_dataset->record(m_test.front()).label;
        byClass->setCurrentIndex(byClass->findData(label));
        for (int index : panel.navigator()->visibleSamples())
            QCOMPARE(m_dataset->record(index).label, label);
        QVERIFY(!panel.navigator()->visibleSamples().isEmpty());
    }

    void showSamplesListsExactlyThose()
    {
        openPanel();
        if (QTest::currentTestFailed())
            return;
        InspectPanel &panel = *m_panel;
        const QVector<int> wanted{m_test[1], m_test[3], m_test[4]};
        panel.showSamples(wanted, QStringLiteral("cell_1 → cell_2"));
        QCOMPARE(toSet(panel.navigator()->visibleSamples()), toSet(wanted));
        auto *label = panel.findChild<QLabel *>(QStringLiteral("explicitFilterLabel"));
        QVERIFY(label->isVisible());
        QVERIFY(label->text().contains(QStringLiteral("cell_1 → cell_2")));
        QVERIFY(wanted.contains(panel.navigator()->currentSample()));

        // Samples outside the listed split: the navigator widens to all splits.
        const std::vector<int> train = m_dataset->indices(Split::Train);
        const QVector<int> others{train[0], train[5], m_test[0]};
        panel.showSamples(others, QStringLiteral("mixed"));
        QCOMPARE(toSet(panel.navigator()->visibleSamples()), toSet(others));

        panel.navigator()->clearExplicitSamples();
        QVERIFY(!label->isVisible());
        QCOMPARE(panel.navigator()->visibleSamples().size(), m_dataset->size());
    }

    void brokenModelFileIsReported()
    {
        openPanel();
        if (QTest::currentTestFailed())
            return;
        InspectPanel &panel = *m_panel;
        const QString broken = m_dir.filePath(QStringLiteral("broken.pt"));
        testsupport::writeFile(broken, "PK\x03\x04 this is not a TorchScript archive");
        QSignalSpy errors(&panel, &InspectPanel::errorOccurred);
        panel.openModel(broken);
        QVERIFY(errors.wait(kTimeoutMs));
        const QString said = errors.at(0).at(0).toString() + errors.at(0).at(1).toString();
        QVERIFY2(said.contains(QStringLiteral("broken.pt")), qPrintable(said));
        // The model in use stays usable.
        QCOMPARE(panel.modelPath(), m_model);
        QVERIFY(panel.controller()->isReady());
    }

    void mainWindowHasTheInspectTabMenuAndDrop()
    {
        MainWindow window;
        window.show();
        QTabWidget *tabs = window.panelTabs();
        // Inspect, then Embeddings (the same models, seen as a map), last.
        QCOMPARE(tabs->tabText(tabs->count() - 2), QStringLiteral("&Inspect"));
        QCOMPARE(tabs->widget(tabs->count() - 2), window.inspectPanel());
        QCOMPARE(tabs->tabText(tabs->count() - 1), QStringLiteral("&Embeddings"));
        auto *action = window.findChild<QAction *>(QStringLiteral("openModelAction"));
        QVERIFY(action);
        QCOMPARE(action->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_M));

        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(m_model)});
        QDragEnterEvent enter(QPoint(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&window, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&window, &drop);
        QCOMPARE(tabs->currentWidget(), window.inspectPanel());
        QTRY_COMPARE_WITH_TIMEOUT(window.inspectPanel()->modelPath(), m_model, kTimeoutMs);

        // A broken file reaches the error banner with its name.
        const QString broken = m_dir.filePath(QStringLiteral("empty.pt"));
        testsupport::writeFile(broken, QByteArray());
        window.openModel(broken);
        auto *banner = window.findChild<ErrorBanner *>();
        QVERIFY(banner);
        QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible() && banner->message().contains(QStringLiteral("empty.pt")), kTimeoutMs);
    }

    /**
     * With FUSIONSCOPE_INSPECT_SHOT=<png> (and optionally _DATA, _MODEL, _ROW, _WORD), saves the
     * main window on the Inspect tab and the whole sample view (<png> with "-sample").
     */
    void screenshot()
    {
        const QString out = qEnvironmentVariable("FUSIONSCOPE_INSPECT_SHOT");
        if (out.isEmpty())
            QSKIP("set FUSIONSCOPE_INSPECT_SHOT to save a screenshot");
        const QString data = qEnvironmentVariable("FUSIONSCOPE_INSPECT_SHOT_DATA", m_data);
        const QString model = qEnvironmentVariable("FUSIONSCOPE_INSPECT_SHOT_MODEL", m_model);
        if (qEnvironmentVariableIsSet("FUSIONSCOPE_INSPECT_SHOT_DARK")) {
            QPalette dark;
            dark.setColor(QPalette::Window, QColor(40, 40, 44));
            dark.setColor(QPalette::WindowText, QColor(230, 230, 230));
            dark.setColor(QPalette::Base, QColor(30, 30, 33));
            dark.setColor(QPalette::AlternateBase, QColor(45, 45, 50));
            dark.setColor(QPalette::Text, QColor(230, 230, 230));
            dark.setColor(QPalette::Button, QColor(50, 50, 55));
            dark.setColor(QPalette::ButtonText, QColor(230, 230, 230));
            dark.setColor(QPalette::Highlight, QColor(42, 130, 218));
            dark.setColor(QPalette::HighlightedText, Qt::white);
            dark.setColor(QPalette::Mid, QColor(90, 90, 95));
            QApplication::setPalette(dark);
        }
        MainWindow window;
        window.resize(1440, 900);
        window.show();
        window.openDataset(data);
        InspectPanel &panel = *window.inspectPanel();
        window.openModel(model);
        QTRY_VERIFY_WITH_TIMEOUT(panel.controller()->isReady() && !panel.controller()->isPredicting(), 300000);
        const int row = qEnvironmentVariableIntValue("FUSIONSCOPE_INSPECT_SHOT_ROW");
        QTableView *table = panel.navigator()->table();
        table->setFocus();
        table->setCurrentIndex(table->model()->index(row, 0));
        QTRY_VERIFY_WITH_TIMEOUT(panel.sampleInspector()->explanation().index == panel.navigator()->currentSample(), 60000);
        const int word = qEnvironmentVariableIntValue("FUSIONSCOPE_INSPECT_SHOT_WORD") - 1;
        if (word >= 0) {
            AttentionTokens *tokens = panel.sampleInspector()->tokens();
            QTest::mouseClick(tokens, Qt::LeftButton, {}, tokens->chipRect(word).center());
        }
        QTest::qWait(300);
        QVERIFY(window.grab().save(out));
        QVERIFY(panel.sampleInspector()->grab().save(QString(out).replace(QStringLiteral(".png"), QStringLiteral("-sample.png"))));
    }

private:
    void openPanel()
    {
        m_panel = std::make_unique<InspectPanel>();
        m_panel->resize(1400, 900);
        m_panel->show();
        m_panel->setDataset(m_dataset);
        m_panel->openModel(m_model);
        QTRY_VERIFY_WITH_TIMEOUT(m_panel->controller()->isReady(), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(m_panel->navigator()->model()->predictedCount() == int(m_test.size()), kTimeoutMs);
    }

    QTemporaryDir m_dir;
    QString m_data;
    QString m_model;
    std::shared_ptr<const Dataset> m_dataset;
    std::vector<int> m_test;
    std::unique_ptr<Explainer> m_reference;
    std::shared_ptr<const Dataset> m_referenceData;
    std::map<int, SampleExplanation> m_expected;
    std::unique_ptr<InspectPanel> m_panel;
};

QTEST_MAIN(TestGuiInspect)
#include "test_gui_inspect.moc"
