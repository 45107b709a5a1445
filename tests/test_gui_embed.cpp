// The Embeddings tab in the real main window, driven as a person would: the map of the test
// split draws, a lasso around it lists the samples and sends them to the Inspect navigator, a
// click on a point asks the retrieval panel and a click on a hit opens it in Inspect; a text
// query to a model without preprocessing and a model without embeddings get clear messages.
#include "core/data/dataset.h"
#include "core/data/split.h"
#include "core/util/appidentity.h"
#include "tests/datasetfixture.h"
#include "tests/guimouse.h"
#include "tests/testsupport.h"
#include "ui/data/datasetcontroller.h"
#include "ui/embed/embedcontroller.h"
#include "ui/embed/embeddingmapview.h"
#include "ui/embed/embedpanel.h"
#include "ui/embed/mapcolouring.h"
#include "ui/embed/retrievalhitrow.h"
#include "ui/embed/retrievalpanel.h"
#include "ui/inspect/inspectpanel.h"
#include "ui/inspect/navigatormodel.h"
#include "ui/inspect/sampleinspector.h"
#include "ui/inspect/samplenavigator.h"
#include "ui/mainwindow.h"
#include "ui/widgets/errorbanner.h"

#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtGui/QStandardItemModel>
#include <cmath>

#include <QtTest/QSignalSpy>
#include <QtTest/QtTest>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QTabWidget>
#include <QtWidgets/QTableView>

#include <algorithm>
#include <memory>

namespace {

constexpr int kTimeoutMs = 120000;

} // namespace

class TestGuiEmbed : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        setupApplicationIdentity();
        QVERIFY(m_dir.isValid());
        m_data = m_dir.filePath(QStringLiteral("data"));
        datasetfixture::Options options;
        options.samples = 48; // 8 in the test split (i mod 6 == 5)
        datasetfixture::write(m_data, options);
        m_model = m_dir.filePath(QStringLiteral("statistics.pt"));
        const QByteArray wrote = testsupport::writeEmbeddingModel(m_model);
        QVERIFY2(wrote.isEmpty(), wrote.constData());

        m_window = std::make_unique<MainWindow>();
        m_window->resize(1440, 900);
        m_window->show();
        m_window->openDataset(m_data);
        m_window->openModel(m_model);
        m_window->panelTabs()->setCurrentWidget(m_window->embedPanel());
        QTRY_VERIFY_WITH_TIMEOUT(!panel().map().indices.empty(), kTimeoutMs);
    }

    void theMapShowsTheTestSplit()
    {
        const std::shared_ptr<const Dataset> dataset = panel().controller()->dataset();
        std::vector<int> test = dataset->indices(Split::Test);
        std::vector<int> mapped = panel().map().indices;
        std::sort(mapped.begin(), mapped.end());
        QCOMPARE(mapped, test);
        QCOMPARE(panel().mapView()->pointCount(), 8);
        // No meta.json: a supervised reading, so the fused embedding comes first, then the joint and each modality's.
        auto *output = panel().findChild<QComboBox *>(QStringLiteral("embedOutput"));
        QStringList outputs;
        for (int i = 0; i < output->count(); ++i)
            outputs << output->itemData(i).toString();
        QCOMPARE(outputs, (QStringList{QStringLiteral("embedding"), QStringLiteral("joint"), QStringLiteral("embed/text"),
                                       QStringLiteral("embed/image"), QStringLiteral("embed/audio")}));
        QCOMPARE(panel().map().predicted.size(), std::size_t(8)); // the logits name classes a and b
        auto *colouring = panel().findChild<QComboBox *>(QStringLiteral("embedColouring"));
        const auto *choices = qobject_cast<const QStandardItemModel *>(colouring->model());
        QVERIFY(choices->item(colouring->findData(int(MapColouring::Correctness)))->isEnabled());
        colouring->setCurrentIndex(colouring->findData(int(MapColouring::Correctness)));
        QCOMPARE(panel().mapView()->pointCount(), 8); // recoloured, not re-laid out
    }

    void aLassoListsTheSamplesAndSendsThemToInspect()
    {
        EmbeddingMapView *map = panel().mapView();
        QCOMPARE(map->tool(), MapTool::Lasso);
        // A loop around every point, 14 px outside their bounding box.
        QRectF bounds;
        for (int point = 0; point < map->pointCount(); ++point)
            bounds |= QRectF(map->pointPosition(point), QSizeF(1, 1));
        bounds.adjust(-14, -14, 14, 14);
        guimouse::drag(map, {bounds.topLeft(), bounds.topRight(), bounds.bottomRight(), bounds.bottomLeft(), bounds.topLeft()});
        auto *table = panel().findChild<QTableView *>(QStringLiteral("mapSelectionTable"));
        QTRY_COMPARE(table->model()->rowCount(), 8);

        auto *send = panel().findChild<QPushButton *>(QStringLiteral("showSelectionInInspect"));
        QVERIFY(send->isEnabled());
        QTest::mouseClick(send, Qt::LeftButton);
        QCOMPARE(m_window->panelTabs()->currentWidget(), static_cast<QWidget *>(m_window->inspectPanel()));
        QVector<int> listed = m_window->inspectPanel()->navigator()->visibleSamples();
        std::sort(listed.begin(), listed.end());
        std::vector<int> test = m_window->datasetController()->dataset()->indices(Split::Test);
        QCOMPARE(std::vector<int>(listed.begin(), listed.end()), test);
        m_window->panelTabs()->setCurrentWidget(m_window->embedPanel());
    }

    void aClickedPointAsksAndAHitOpensInInspect()
    {
        EmbeddingMapView *map = panel().mapView();
        QSignalSpy answered(panel().controller(), &EmbedController::answered);
        QTest::mouseClick(map, Qt::LeftButton, Qt::NoModifier, map->pointPosition(3).toPoint());
        QCOMPARE(map->highlighted(), 3);
        QVERIFY(answered.wait(kTimeoutMs));
        RetrievalPanel *retrieval = panel().retrievalPanel();
        const QList<RetrievalHitRow *> rows = retrieval->hitRows();
        // The sample asks with its audio (the default); text and image answer, best first, one per distinct file.
        QVERIFY2(!rows.isEmpty(), qPrintable(retrieval->findChild<QLabel *>(QStringLiteral("retrievalStatus"))->text()));
        double previous = 2.0;
        int previousTarget = -1;
        for (RetrievalHitRow *row : rows) {
            QVERIFY(row->targetModality() != 2);
            QVERIFY(row->hit().score <= previous + 1e-9 || row->targetModality() != previousTarget);
            previous = row->hit().score;
            previousTarget = row->targetModality();
            QVERIFY(row->hit().datasetIndex >= 0);
        }
        RetrievalHitRow *hit = rows.last();
        QTest::mouseClick(hit, Qt::LeftButton, Qt::NoModifier, QPoint(8, 8));
        QCOMPARE(m_window->panelTabs()->currentWidget(), static_cast<QWidget *>(m_window->inspectPanel()));
        const QString id = panel().controller()->dataset()->record(hit->hit().datasetIndex).id;
        const int current = m_window->inspectPanel()->navigator()->currentSample();
        QVERIFY(current >= 0);
        QCOMPARE(m_window->datasetController()->dataset()->record(current).id, id);
        m_window->panelTabs()->setCurrentWidget(m_window->embedPanel());
    }

    void aTextQueryNeedsTheModelsPreprocessing()
    {
        RetrievalPanel *retrieval = panel().retrievalPanel();
        QSignalSpy answered(panel().controller(), &EmbedController::answered);
        auto *text = retrieval->findChild<QLineEdit *>(QStringLiteral("retrievalText"));
        text->setText(QStringLiteral("the red one"));
        QTest::mouseClick(retrieval->findChild<QPushButton *>(QStringLiteral("retrievalSearch")), Qt::LeftButton);
        QVERIFY(answered.wait(kTimeoutMs));
        const QString status = retrieval->findChild<QLabel *>(QStringLiteral("retrievalStatus"))->text();
        QVERIFY2(status.contains(QStringLiteral("records no preprocessing")), qPrintable(status));
        QVERIFY(retrieval->hitRows().isEmpty());
    }

    void anotherEmbeddingIsMappedAgain()
    {
        auto *output = panel().findChild<QComboBox *>(QStringLiteral("embedOutput"));
        QSignalSpy shown(&panel(), &EmbedPanel::mapShown);
        output->setCurrentIndex(output->findData(QStringLiteral("embed/image")));
        QVERIFY(shown.wait(kTimeoutMs));
        QCOMPARE(panel().map().output, QStringLiteral("embed/image"));
        QCOMPARE(panel().mapView()->pointCount(), 8);
    }

    void aModelWithoutEmbeddingsIsNamed()
    {
        const QString logitsOnly = m_dir.filePath(QStringLiteral("logits.pt"));
        const QByteArray wrote = testsupport::writeLogitsOnlyModel(logitsOnly);
        QVERIFY2(wrote.isEmpty(), wrote.constData());
        QSignalSpy failed(panel().controller(), &EmbedController::failed);
        panel().openModel(logitsOnly);
        QVERIFY(failed.wait(kTimeoutMs));
        const QString details = failed.first().at(1).toString();
        QVERIFY2(details.contains(QStringLiteral("returns no embedding")) && details.contains(QStringLiteral("logits")),
                 qPrintable(details));
        QCOMPARE(panel().mapView()->pointCount(), 0);
    }

    void inspectExplainsAModelTrainedWithoutLabels()
    {
        // A contrastive model (one epoch is enough to have one) opened in the window: Inspect explains
        // it through its embedding — no prediction, the modalities' agreement, the heat of that agreement.
        const QString run = m_dir.filePath(QStringLiteral("contrastive"));
        const auto trained = testsupport::trainColourCaptions(m_data, QStringLiteral("concat"), QStringLiteral("contrastive"), 1, run);
        QVERIFY2(trained.exitCode == 0, trained.err.constData());
        m_window->openModel(run + QStringLiteral("/model.pt"));
        InspectPanel *inspect = m_window->inspectPanel();
        QTRY_COMPARE_WITH_TIMEOUT(inspect->modelPath(), run + QStringLiteral("/model.pt"), kTimeoutMs);
        m_window->panelTabs()->setCurrentWidget(inspect);
        SampleInspector *inspector = inspect->sampleInspector();
        QTRY_VERIFY_WITH_TIMEOUT(inspect->navigator()->currentSample() >= 0, kTimeoutMs);
        const int current = inspect->navigator()->currentSample();
        QTRY_VERIFY_WITH_TIMEOUT(inspector->hasSample() && inspector->explanation().index == current
                                     && !inspector->explanation().contribution.representation.isEmpty(), kTimeoutMs);
        const SampleExplanation &explained = inspector->explanation();
        QVERIFY2(explained.error.isEmpty(), qPrintable(explained.error));
        QCOMPARE(explained.contribution.representation, QStringLiteral("joint"));
        QVERIFY(explained.contribution.efficiencyError() < 1e-6);
        int pairs = 0;
        for (double cosine : explained.agreement)
            pairs += std::isfinite(cosine) ? 1 : 0;
        QVERIFY(pairs >= 1);
        QVERIFY(explained.imageHeat() && explained.imageHeat()->source.startsWith(QLatin1String("gradient x input of image~others")));
        QVERIFY2(inspector->findChild<QLabel *>(QStringLiteral("sampleTitle"))->text().contains(QStringLiteral("no prediction (learnt without labels)")),
                 qPrintable(inspector->findChild<QLabel *>(QStringLiteral("sampleTitle"))->text()));
        // The navigator does not wait for predictions that never come: no Predicted or per-modality
        // columns, no outcome filters (disabled, saying why), no "· 0 predicted" in its count.
        SampleNavigator *navigator = inspect->navigator();
        for (int column : {int(NavigatorModel::PredictedColumn), int(NavigatorModel::TextColumn), int(NavigatorModel::AudioColumn)})
            QVERIFY(navigator->table()->isColumnHidden(column));
        QVERIFY(!navigator->table()->isColumnHidden(NavigatorModel::LabelColumn));
        auto *outcome = navigator->findChild<QComboBox *>(QStringLiteral("outcomeFilter"));
        QVERIFY(!outcome->isEnabled() && outcome->toolTip().contains(QLatin1String("learnt without labels")));
        const QString count = navigator->findChild<QLabel *>(QStringLiteral("navigatorCount"))->text();
        QVERIFY2(!count.contains(QLatin1String("predicted")), qPrintable(count));
    }

    void cleanupTestCase()
    {
        m_window.reset();
    }

private:
    EmbedPanel &panel() const { return *m_window->embedPanel(); }

    QTemporaryDir m_dir;
    QString m_data;
    QString m_model;
    std::unique_ptr<MainWindow> m_window;
};

QTEST_MAIN(TestGuiEmbed)
#include "test_gui_embed.moc"
