#include "core/data/audiodecoder.h"
#include "core/util/appidentity.h"
#include "tests/testsupport.h"
#include "ui/data/datapanel.h"
#include "ui/data/datasetcontroller.h"
#include "ui/data/recentdatasets.h"
#include "ui/data/samplepreview.h"
#include "ui/mainwindow.h"
#include "ui/plot/classdistributionplot.h"
#include "ui/plot/spectrogramplot.h"
#include "ui/plot/waveformplot.h"
#include "ui/widgets/errorbanner.h"
#include "ui/widgets/tokenchips.h"

#include <QtCore/QMimeData>
#include <QtCore/QSettings>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtCore/QUrl>
#include <QtGui/QPainter>
#include <QtTest/QtTest>
#include <QtWidgets/QApplication>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QScrollBar>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QMenu>
#include <QtWidgets/QTabWidget>
#include <QtWidgets/QTableView>
#include <cmath>

namespace {

constexpr int kLoadTimeoutMs = 30000;

void writeScene(const QString &path, const QColor &color, bool circle)
{
    QImage image(48, 48, QImage::Format_RGB888);
    image.fill(Qt::white);
    QPainter painter(&image);
    painter.setBrush(color);
    painter.setPen(Qt::NoPen);
    if (circle)
        painter.drawEllipse(8, 8, 32, 32);
    else
        painter.drawRect(8, 8, 32, 32);
    painter.end();
    QDir().mkpath(QFileInfo(path).absolutePath());
    QVERIFY(image.save(path));
}

/** The row of the proxy model whose ID column reads `id`, -1 if none. */
int rowOf(const QAbstractItemModel *model, const QString &id)
{
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, 0).data().toString() == id)
            return row;
    }
    return -1;
}

} // namespace

/** The Data panel a user sees after opening a dataset: table, issues, preview, recent list. */
class TestGuiDataset final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        setupApplicationIdentity();
        QSettings().clear();
        QVERIFY(m_dir.isValid());
        m_root = QDir::cleanPath(m_dir.filePath(QStringLiteral("shapes")));
        const QString images = m_root + QStringLiteral("/images/");
        writeScene(images + QStringLiteral("s1.png"), Qt::red, true);
        writeScene(images + QStringLiteral("s2.png"), Qt::red, false);
        writeScene(images + QStringLiteral("s3.png"), Qt::blue, false);
        writeScene(images + QStringLiteral("s4.png"), Qt::blue, true);
        writeScene(images + QStringLiteral("s5.png"), Qt::green, true);
        std::vector<float> tone(8000);
        for (std::size_t i = 0; i < tone.size(); ++i)
            tone[i] = 0.5f * float(std::sin(2.0 * M_PI * 440.0 * double(i) / 16000.0));
        QDir().mkpath(m_root + QStringLiteral("/audio"));
        QString error;
        QVERIFY2(encodeAudio(m_root + QStringLiteral("/audio/s1.wav"), tone, 16000, AudioFormat::Wav, &error),
                 qPrintable(error));

        const QByteArray manifest =
            R"({"id":"s1","text":"a red circle","image":"images/s1.png","audio":"audio/s1.wav","label":"circle","split":"train"})"
            "\n"
            R"({"id":"s2","text":"a red square","image":"images/s2.png","label":"square","split":"train"})"
            "\n"
            R"({"id":"s3","text":"a blue square","image":"images/s3.png","label":"square","split":"train"})"
            "\n"
            R"({"id":"s4","text":"a blue circle","image":"images/s4.png","label":"circle","split":"val"})"
            "\n"
            R"({"id":"s5","text":"a green circle","image":"images/s5.png","label":"circle","split":"test"})"
            "\n"
            R"({"id":"s6", "text": oops this is not json)"
            "\n"
            R"({"id":"s7","text":"a lost picture","image":"images/missing.png","label":"square","split":"train"})"
            "\n"
            R"({"id":"s1","text":"a second s1","image":"images/s1.png","label":"circle","split":"train"})"
            "\n";
        testsupport::writeFile(m_root + QStringLiteral("/manifest.jsonl"), manifest);
    }

    void opensDatasetWithTableIssuesAndPreview()
    {
        MainWindow window;
        window.show();
        window.openInitialDataset(m_root);
        DatasetController *controller = window.datasetController();
        QTRY_VERIFY_WITH_TIMEOUT(!controller->isLoading(), kLoadTimeoutMs);
        QVERIFY2(controller->dataset(), "the dataset did not finish decoding");

        // 8 lines: the bad JSON and the duplicate id are skipped, s7 keeps its text.
        auto *table = window.findChild<QTableView *>(QStringLiteral("sampleTable"));
        QVERIFY(table);
        QCOMPARE(table->model()->rowCount(), 6);
        auto *issues = window.findChild<QTableView *>(QStringLiteral("issuesTable"));
        QVERIFY(issues);
        QCOMPARE(issues->model()->rowCount(), 3);
        auto *summary = window.findChild<QLabel *>(QStringLiteral("issuesSummary"));
        QCOMPARE(summary->text(), QStringLiteral("6 samples loaded, 3 issues (2 skipped)"));
        auto *subTabs = window.findChild<QTabWidget *>(QStringLiteral("dataSubTabs"));
        QCOMPARE(subTabs->tabText(0), QStringLiteral("Data Issues (3)"));
        QStringList lines;
        for (int row = 0; row < issues->model()->rowCount(); ++row)
            lines << issues->model()->index(row, 0).data().toString();
        QCOMPARE(lines, (QStringList{QStringLiteral("6"), QStringLiteral("7"), QStringLiteral("8")}));

        // The sample that lost its image is listed without one.
        const int s7 = rowOf(table->model(), QStringLiteral("s7"));
        QVERIFY(s7 >= 0);
        QVERIFY(table->model()->index(s7, 4).data(Qt::DecorationRole).value<QPixmap>().isNull());
        // Thumbnails arrive from the background for visible rows.
        const int s2 = rowOf(table->model(), QStringLiteral("s2"));
        QTRY_VERIFY_WITH_TIMEOUT(!table->model()->index(s2, 4).data(Qt::DecorationRole).value<QPixmap>().isNull(),
                                 5000);

        // Clicking a row shows its text and its tokens.
        const int s3 = rowOf(table->model(), QStringLiteral("s3"));
        const QModelIndex s3Index = table->model()->index(s3, 0);
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(s3Index).center());
        auto *text = window.findChild<QLabel *>(QStringLiteral("previewText"));
        QTRY_COMPARE(text->text(), QStringLiteral("a blue square"));
        auto *tokens = window.findChild<TokenChips *>(QStringLiteral("previewTokens"));
        QVERIFY(!tokens->tokens().isEmpty());
        QCOMPARE(tokens->tokens().join(QString()).replace(QChar(0x2581), QLatin1Char(' ')).trimmed(),
                 QStringLiteral("a blue square"));

        // The sample with audio gets a waveform and a spectrogram.
        const int s1 = rowOf(table->model(), QStringLiteral("s1"));
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {},
                          table->visualRect(table->model()->index(s1, 0)).center());
        auto *waveform = window.findChild<WaveformPlot *>(QStringLiteral("waveformPlot"));
        auto *spectrogram = window.findChild<SpectrogramPlot *>(QStringLiteral("spectrogramPlot"));
        QTRY_VERIFY_WITH_TIMEOUT(waveform->pointCount() > 0, 5000);
        QVERIFY(std::abs(waveform->duration() - 0.5) < 0.05);
        QTRY_VERIFY(spectrogram->frames() > 0);

        // Class distribution counts every listed sample in its split.
        auto *distribution = window.findChild<ClassDistributionPlot *>(QStringLiteral("classDistributionPlot"));
        QCOMPARE(distribution->total(Split::Train), 4);
        QCOMPARE(distribution->total(Split::Val), 1);
        QCOMPARE(distribution->total(Split::Test), 1);

        // Search narrows the table.
        auto *search = window.findChild<QLineEdit *>(QStringLiteral("sampleSearch"));
        QTest::keyClicks(search, QStringLiteral("blue"));
        QTRY_COMPARE(table->model()->rowCount(), 2);
        search->clear();
        QTRY_COMPARE(table->model()->rowCount(), 6);
    }

    void regressionDatasetShowsTargetHistogram()
    {
        // Numbers that are not a handful of integers are regression targets: the distribution
        // tab becomes a histogram of the target per split, and says so in its title.
        QTemporaryDir dir;
        QByteArray manifest;
        for (int i = 0; i < 30; ++i) {
            const char *split = i < 20 ? "train" : i < 25 ? "val" : "test";
            manifest += QStringLiteral(R"({"id":"r%1","text":"sample number %1","label":%2,"split":"%3"})")
                            .arg(i).arg(0.37 * i - 2.0).arg(QLatin1String(split)).toUtf8() + '\n';
        }
        testsupport::writeFile(dir.filePath(QStringLiteral("manifest.jsonl")), manifest);
        MainWindow window;
        window.resize(1200, 800);
        window.show();
        window.openInitialDataset(dir.path());
        DatasetController *controller = window.datasetController();
        QTRY_VERIFY_WITH_TIMEOUT(!controller->isLoading(), kLoadTimeoutMs);
        QVERIFY(controller->dataset());
        QCOMPARE(controller->dataset()->task(), TaskKind::Regress);
        auto *subTabs = window.findChild<QTabWidget *>(QStringLiteral("dataSubTabs"));
        auto *distribution = window.findChild<ClassDistributionPlot *>(QStringLiteral("classDistributionPlot"));
        QCOMPARE(subTabs->tabText(subTabs->indexOf(distribution)), QStringLiteral("Target Distribution"));
        QCOMPARE(distribution->total(Split::Train), 20);
        QCOMPARE(distribution->total(Split::Val), 5);
        QCOMPARE(distribution->total(Split::Test), 5);
        QCOMPARE(distribution->xAxis->label(), QStringLiteral("label"));
        QVERIFY(distribution->note().isEmpty());
        subTabs->setCurrentWidget(distribution);
        if (const QString shots = qEnvironmentVariable("FUSIONSCOPE_SCREENSHOT_DIR"); !shots.isEmpty()) {
            QCoreApplication::processEvents();
            window.grab().save(shots + QStringLiteral("/data-regression.png"));
        }
    }

    void multilabelDatasetShowsTagFrequencies()
    {
        // Tag sets: the distribution tab counts, per split, the samples carrying each tag (a
        // sample counts once under each of its tags); an empty set is an issue, not a bar.
        QTemporaryDir dir;
        QByteArray manifest;
        for (int i = 0; i < 20; ++i) {
            const char *split = i < 16 ? "train" : "test";
            const char *tags = i % 4 == 0 ? R"(["beach", "sunset"])" : i % 4 == 1 ? R"(["beach"])" : i % 4 == 2 ? R"(["city"])" : "[]";
            manifest += QStringLiteral(R"({"id":"t%1","text":"photo %1","label":%2,"split":"%3"})")
                            .arg(i).arg(QLatin1String(tags), QLatin1String(split)).toUtf8() + '\n';
        }
        testsupport::writeFile(dir.filePath(QStringLiteral("manifest.jsonl")), manifest);
        MainWindow window;
        window.resize(1200, 800);
        window.show();
        window.openInitialDataset(dir.path());
        DatasetController *controller = window.datasetController();
        QTRY_VERIFY_WITH_TIMEOUT(!controller->isLoading(), kLoadTimeoutMs);
        QVERIFY(controller->dataset());
        QCOMPARE(controller->dataset()->task(), TaskKind::Multilabel);
        QCOMPARE(controller->dataset()->targetNames(), (QStringList{QStringLiteral("beach"), QStringLiteral("city"), QStringLiteral("sunset")}));
        QCOMPARE(controller->dataset()->issues().size(), 5); // the five empty sets, each named
        auto *subTabs = window.findChild<QTabWidget *>(QStringLiteral("dataSubTabs"));
        auto *distribution = window.findChild<ClassDistributionPlot *>(QStringLiteral("classDistributionPlot"));
        QCOMPARE(subTabs->tabText(subTabs->indexOf(distribution)), QStringLiteral("Tag Frequencies"));
        // train: 4 × (beach, sunset) + 4 × beach + 4 × city = 16 tag bars, plus 4 unlabeled samples.
        QCOMPARE(distribution->total(Split::Train), 16 + 4);
        QCOMPARE(distribution->total(Split::Test), 4 + 1);
        subTabs->setCurrentWidget(distribution);
        if (const QString shots = qEnvironmentVariable("FUSIONSCOPE_SCREENSHOT_DIR"); !shots.isEmpty()) {
            QCoreApplication::processEvents();
            window.grab().save(shots + QStringLiteral("/data-multilabel.png"));
        }
    }

    void dropOpensManifestFile()
    {
        MainWindow window;
        window.show();
        QMimeData mime;
        const QString manifest = m_root + QStringLiteral("/manifest.jsonl");
        mime.setUrls({QUrl::fromLocalFile(manifest)});
        QDragEnterEvent enter(QPoint(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&window, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&window, &drop);
        QCOMPARE(window.datasetController()->path(), manifest);
        QTRY_VERIFY_WITH_TIMEOUT(!window.datasetController()->isLoading(), kLoadTimeoutMs);
        QCOMPARE(window.findChild<QTableView *>(QStringLiteral("sampleTable"))->model()->rowCount(), 6);

        QMimeData text;
        text.setText(QStringLiteral("not a dataset"));
        QDragEnterEvent rejected(QPoint(50, 50), Qt::CopyAction, &text, Qt::LeftButton, Qt::NoModifier);
        rejected.setAccepted(false);
        QCoreApplication::sendEvent(&window, &rejected);
        QVERIFY(!rejected.isAccepted());
    }

    void missingFolderShowsBannerNotDialog()
    {
        MainWindow window;
        window.show();
        window.openDataset(m_dir.filePath(QStringLiteral("no-such-dataset")));
        QTRY_VERIFY_WITH_TIMEOUT(!window.datasetController()->isLoading(), kLoadTimeoutMs);
        auto *banner = window.findChild<ErrorBanner *>(QStringLiteral("errorBanner"));
        QVERIFY(banner->isVisible());
        QVERIFY2(banner->message().contains(QStringLiteral("no-such-dataset")), qPrintable(banner->message()));
        QVERIFY(!QApplication::activeModalWidget());
        // Opening a good dataset clears the error.
        window.openDataset(m_root);
        QVERIFY(!banner->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(!window.datasetController()->isLoading(), kLoadTimeoutMs);
    }

    void closingDuringLoadDoesNotHang()
    {
        QElapsedTimer clock;
        clock.start();
        {
            MainWindow window;
            window.openDataset(m_root);
        }
        QVERIFY2(clock.elapsed() < 10000, "the loader thread did not stop promptly");
    }

    void reopenedWindowListsRecentDatasetAndReopensIt()
    {
        // Keep only the folder this test opened at the front, as a user's last session would.
        {
            MainWindow window;
            window.show();
            window.openDataset(m_root);
            QTRY_VERIFY_WITH_TIMEOUT(!window.datasetController()->isLoading(), kLoadTimeoutMs);
            window.close();
        }
        QVERIFY(QSettings().contains(QStringLiteral("mainWindow/geometry")));
        // A recent dataset deleted since is pruned from the menu.
        const QString gone = m_dir.filePath(QStringLiteral("deleted-later"));
        QVERIFY(QDir().mkpath(gone));
        RecentDatasets::add(gone);
        RecentDatasets::add(m_root);
        QVERIFY(QDir(gone).removeRecursively());

        MainWindow window;
        window.show();
        auto *recent = window.findChild<QMenu *>(QStringLiteral("recentMenu"));
        QVERIFY(recent);
        QStringList listed;
        for (QAction *action : recent->actions())
            listed << action->data().toString();
        QVERIFY2(listed.contains(m_root), qPrintable(listed.join(QLatin1Char('\n'))));
        QCOMPARE(listed.first(), m_root);
        QVERIFY(!listed.contains(m_dir.filePath(QStringLiteral("no-such-dataset"))));
        QVERIFY(!listed.contains(gone));

        window.openInitialDataset(); // no argument: the last dataset
        QCOMPARE(window.datasetController()->path(), m_root);
        QTRY_VERIFY_WITH_TIMEOUT(!window.datasetController()->isLoading(), kLoadTimeoutMs);
        QCOMPARE(window.findChild<QTableView *>(QStringLiteral("sampleTable"))->model()->rowCount(), 6);
    }

    void hundredThousandRowsStayResponsive()
    {
        auto manifest = std::make_shared<Manifest>();
        manifest->root = m_root;
        manifest->path = m_root + QStringLiteral("/manifest.jsonl");
        manifest->labels = {QStringLiteral("circle"), QStringLiteral("square")};
        const int n = 100000;
        manifest->samples.resize(n);
        for (int i = 0; i < n; ++i) {
            SampleRecord &r = manifest->samples[std::size_t(i)];
            r.id = QStringLiteral("s%1").arg(i, 6, 10, QLatin1Char('0'));
            r.line = i + 1;
            r.text = QStringLiteral("sample %1 shows a %2").arg(n - i).arg(i % 3 ? QStringLiteral("circle") : QStringLiteral("square"));
            r.imagePath = m_root + QStringLiteral("/images/s%1.png").arg(i % 5 + 1);
            r.label = i % 3 ? QStringLiteral("circle") : QStringLiteral("square");
            r.split = Split(i % 3);
        }
        DataPanel panel;
        panel.resize(1400, 900);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        auto *table = panel.findChild<QTableView *>(QStringLiteral("sampleTable"));

        QElapsedTimer clock;
        clock.start();
        panel.setManifest(manifest);
        QCoreApplication::processEvents();
        const qint64 showMs = clock.restart();
        QCOMPARE(table->model()->rowCount(), n);

        table->horizontalHeader()->setSortIndicator(3, Qt::AscendingOrder); // sort by text
        QCoreApplication::processEvents();
        const qint64 sortMs = clock.restart();
        QCOMPARE(table->model()->index(0, 0).data().toString(), QStringLiteral("s099999")); // "sample 1 shows"

        table->verticalScrollBar()->setValue(table->verticalScrollBar()->maximum());
        table->viewport()->repaint();
        const qint64 scrollMs = clock.restart();

        auto *search = panel.findChild<QLineEdit *>(QStringLiteral("sampleSearch"));
        search->setText(QStringLiteral("square"));
        QTRY_COMPARE(table->model()->rowCount(), (n + 2) / 3);
        const qint64 filterMs = clock.restart() - 150; // minus the typing pause
        QCOMPARE(table->model()->index(0, 0).data().toString(), QStringLiteral("s099999")); // still sorted
        qInfo("100k rows: show %lld ms, sort %lld ms, scroll+paint %lld ms, filter %lld ms", showMs, sortMs,
              scrollMs, filterMs);
        // Generous bounds for a loaded 2-core machine; a per-row measurement or decode would blow them.
        QVERIFY2(showMs < 2000, qPrintable(QString::number(showMs)));
        QVERIFY2(sortMs < 3000, qPrintable(QString::number(sortMs)));
        QVERIFY2(scrollMs < 500, qPrintable(QString::number(scrollMs)));
        QVERIFY2(filterMs < 2000, qPrintable(QString::number(filterMs)));
    }

private:
    QTemporaryDir m_dir;
    QString m_root;
};

QTEST_MAIN(TestGuiDataset)
#include "test_gui_dataset.moc"
