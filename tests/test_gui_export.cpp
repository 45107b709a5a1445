#include "core/util/appidentity.h"
#include "tests/testsupport.h"
#include "ui/plot/plotexport.h"
#include "ui/plot/runreportplot.h"
#include "ui/train/runreportactions.h"
#include "ui/train/runreportdata.h"
#include "ui/train/runreportexport.h"
#include "ui/widgets/errorbanner.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QPointer>
#include <QtCore/QRegularExpression>
#include <QtCore/QSet>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtCore/QXmlStreamReader>
#include <QtGui/QClipboard>
#include <QtGui/QContextMenuEvent>
#include <QtTest/QtTest>
#include <QtWidgets/QApplication>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QMainWindow>
#include <QtWidgets/QMenu>
#include <QtWidgets/QStatusBar>
#include <QtWidgets/QVBoxLayout>
#include <sys/stat.h>

namespace {

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

ino_t inode(const QString &path)
{
    struct stat info {};
    return ::stat(QFile::encodeName(path).constData(), &info) == 0 ? info.st_ino : 0;
}

int distinctColours(const QImage &image)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 3) {
        for (int x = 0; x < image.width(); x += 3)
            colours.insert(image.pixel(x, y));
    }
    return int(colours.size());
}

template<typename T>
T *findTopLevel(const QString &objectName)
{
    for (QWidget *widget : QApplication::topLevelWidgets()) {
        if (auto *match = qobject_cast<T *>(widget); match && match->objectName() == objectName && match->isVisible())
            return match;
    }
    return nullptr;
}

} // namespace

/** Exporting what a user sees: plots from their context menu, a run as HTML report and CSV. */
class TestGuiExport final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        setupApplicationIdentity();
        QVERIFY(m_dir.isValid());
        if (qEnvironmentVariableIsSet("FUSIONSCOPE_KEEP_TEST_DIRS")) { // to look at the exported files
            m_dir.setAutoRemove(false);
            qInfo("exports kept in %s", qPrintable(m_dir.path()));
        }
        const QString data = m_dir.filePath(QStringLiteral("demo"));
        m_run = m_dir.filePath(QStringLiteral("run"));
        const auto demo = testsupport::runFusionscope(
            {QStringLiteral("demo-data"), QStringLiteral("--samples"), QStringLiteral("120"), QStringLiteral("--out"), data});
        QVERIFY2(demo.exitCode == 0, demo.err.constData());
        const QString config = m_dir.filePath(QStringLiteral("tiny.json"));
        testsupport::writeFile(config, "{\"model\":{\"dim\":16,\"heads\":2,\"text_encoder\":\"mean\"},"
                                       "\"train\":{\"epochs\":2,\"batch_size\":16,\"log_every_steps\":2}}");
        const auto train = testsupport::runFusionscope({QStringLiteral("train"), data, QStringLiteral("--fusion"),
                                                        QStringLiteral("concat"), QStringLiteral("--config"), config,
                                                        QStringLiteral("--threads"), QStringLiteral("1"),
                                                        QStringLiteral("--out"), m_run});
        QVERIFY2(train.exitCode == 0, train.err.constData());
        m_report = QJsonDocument::fromJson(readAll(m_run + QStringLiteral("/report.json"))).object();
        QVERIFY(m_report.value(QStringLiteral("test")).isObject());
        for (const QByteArray &line : readAll(m_run + QStringLiteral("/metrics.jsonl")).split('\n')) {
            if (line.trimmed().isEmpty())
                continue;
            const QString type = QJsonDocument::fromJson(line).object().value(QStringLiteral("type")).toString();
            ++m_records[type];
            ++m_records[QStringLiteral("all")];
        }
        QVERIFY(m_records.value(QStringLiteral("step")) > 0);
        QCOMPARE(m_records.value(QStringLiteral("epoch")), 2);
    }

    void metricsCsvHasOneRowPerRecord()
    {
        const QString path = m_dir.filePath(QStringLiteral("metrics.csv"));
        QString error;
        QVERIFY2(runreportexport::writeMetricsCsv(m_run, path, &error), qPrintable(error));
        QList<QByteArray> lines = readAll(path).split('\n');
        QVERIFY(lines.last().isEmpty());
        lines.removeLast();
        QVERIFY(lines.first().startsWith("type,epoch,step,loss,mean_loss,lr,"));
        QCOMPARE(lines.size() - 1, m_records.value(QStringLiteral("all")));
        const QList<QByteArray> header = lines.first().split(',');
        int steps = 0;
        int epochs = 0;
        for (int i = 1; i < lines.size(); ++i) {
            const QList<QByteArray> fields = lines.at(i).split(',');
            QCOMPARE(fields.size(), header.size());
            steps += fields.first() == "step";
            epochs += fields.first() == "epoch";
            if (fields.first() == "epoch") // epoch rows fill the validation columns, leave the step loss empty
                QVERIFY(!fields.at(header.indexOf("val_accuracy")).isEmpty() && fields.at(header.indexOf("loss")).isEmpty());
        }
        QCOMPARE(steps, m_records.value(QStringLiteral("step")));
        QCOMPARE(epochs, m_records.value(QStringLiteral("epoch")));
    }

    void htmlReportIsSelfContained()
    {
        const QString path = m_dir.filePath(QStringLiteral("report.html"));
        QString error;
        QVERIFY2(runreportexport::writeHtml(m_run, path, &error), qPrintable(error));
        const QString html = QString::fromUtf8(readAll(path));
        const QJsonObject test = m_report.value(QStringLiteral("test")).toObject();
        const QString accuracy = QString::number(test.value(QStringLiteral("accuracy")).toDouble() * 100.0, 'f', 2);
        QVERIFY2(html.contains(QStringLiteral("<td id=\"test-accuracy\">%1 %</td>").arg(accuracy)), qPrintable(accuracy));
        const QString macroF1 = QString::number(test.value(QStringLiteral("macro_f1")).toDouble(), 'f', 4);
        QVERIFY(html.contains(QStringLiteral("<td id=\"test-macro-f1\">%1</td>").arg(macroF1)));
        for (const QString &section : {QStringLiteral("per-class"), QStringLiteral("confusion"), QStringLiteral("probabilities"),
                                       QStringLiteral("subsets"), QStringLiteral("config")})
            QVERIFY2(html.contains(QStringLiteral("<section id=\"%1\">").arg(section)), qPrintable(section));
        QVERIFY(html.contains(QStringLiteral("<th>text+image+audio</th>")));
        // The probability figures are report.json's, as written by the run.
        const QJsonObject curves = test.value(QStringLiteral("curves")).toObject();
        const double topOne = curves.value(QStringLiteral("top_k_accuracy")).toArray().first().toDouble(-1);
        QCOMPARE(topOne, test.value(QStringLiteral("accuracy")).toDouble());
        QVERIFY2(html.contains(QStringLiteral("<td id=\"top-1\">%1 %</td>").arg(accuracy)), "top-1 is the accuracy");
        const QString ece = QString::number(curves.value(QStringLiteral("expected_calibration_error")).toDouble() * 100.0, 'f', 2);
        QVERIFY2(html.contains(QStringLiteral("<td id=\"ece\">%1 %</td>").arg(ece)), qPrintable(ece));
        QVERIFY(html.contains(QStringLiteral("<th>AUC</th><th>AP</th>")));
        QVERIFY(html.contains(QStringLiteral("<th>fusion</th><td>concat</td>")));
        QVERIFY(!html.contains(QStringLiteral("src=\"file:")) && !html.contains(QStringLiteral("src=\"http")));

        // Every plot (two training curves, ROC, precision-recall, calibration) is an inlined PNG
        // that decodes and shows more than a blank background.
        static const QRegularExpression image(QStringLiteral("<img src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\""));
        int images = 0;
        for (auto it = image.globalMatch(html); it.hasNext(); ++images) {
            const QImage decoded = QImage::fromData(QByteArray::fromBase64(it.next().captured(1).toLatin1()), "PNG");
            QVERIFY(!decoded.isNull());
            QCOMPARE(decoded.size(), QSize(1440, 600));
            QVERIFY(distinctColours(decoded) > 8);
        }
        QCOMPARE(images, 5);
    }

    void plotSavesFromItsContextMenu()
    {
        RunReportPlot *plot = showPlot();
        const QString png = m_dir.filePath(QStringLiteral("menu/loss.png"));
        QDir().mkpath(QFileInfo(png).absolutePath());

        triggerMenuAction(plot, QStringLiteral("savePngAction"));
        QFileDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = findTopLevel<QFileDialog>(QStringLiteral("plotExportDialog"))) != nullptr);
        QSignalSpy exported(plot, &ThemedPlot::exported);
        dialog->selectFile(png);
        QVERIFY(QMetaObject::invokeMethod(dialog, "accept")); // what the dialog's Save button does
        QTRY_COMPARE(exported.size(), 1);
        QCOMPARE(exported.first().first().toString(), png);
        const QImage image(png);
        QVERIFY(!image.isNull());
        QCOMPARE(image.size(), plot->size());
        QVERIFY(distinctColours(image) > 8);
        QVERIFY(m_window->statusBar()->currentMessage().contains(QStringLiteral("loss.png")));
    }

    void plotExportsPdfAndSvg()
    {
        RunReportPlot *plot = showPlot();
        const QString pdf = m_dir.filePath(QStringLiteral("plot.PDF"));
        const QString svg = m_dir.filePath(QStringLiteral("plot.svg"));
        // An older file at the target is replaced by a rename, never rewritten in place: a reader
        // (or a crash) sees the old file or the new one, not a mix.
        testsupport::writeFile(svg, "stale");
        const ino_t staleInode = inode(svg);
        QString error;
        QVERIFY2(plotexport::exportPlot(plot, pdf, &error), qPrintable(error));
        QVERIFY2(plotexport::exportPlot(plot, svg, &error), qPrintable(error));
        QVERIFY(inode(svg) != staleInode);
        QVERIFY(readAll(pdf).startsWith("%PDF"));

        QXmlStreamReader xml(readAll(svg));
        QString root;
        int texts = 0;
        while (!xml.atEnd()) {
            if (xml.readNext() == QXmlStreamReader::StartElement) {
                if (root.isEmpty())
                    root = xml.name().toString();
                texts += xml.name() == QLatin1String("text");
            }
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QCOMPARE(root, QStringLiteral("svg"));
        QVERIFY(texts > 3); // tick labels and the legend stay text, not pixels
    }

    void copyImagePutsThePlotOnTheClipboard()
    {
        RunReportPlot *plot = showPlot();
        QGuiApplication::clipboard()->clear();
        triggerMenuAction(plot, QStringLiteral("copyImageAction"));
        QTRY_VERIFY(!QGuiApplication::clipboard()->image().isNull());
        QCOMPARE(QGuiApplication::clipboard()->image().size(), plot->size());
    }

    void unwritablePathsFailCleanly()
    {
        RunReportPlot *plot = showPlot();
        const QString blocker = m_dir.filePath(QStringLiteral("not-a-folder"));
        testsupport::writeFile(blocker, "x");
        const QString folder = m_dir.path();
        const QStringList before = QDir(folder).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);

        for (const QString &suffix : {QStringLiteral("png"), QStringLiteral("pdf"), QStringLiteral("svg")}) {
            const QString path = blocker + QStringLiteral("/plot.") + suffix;
            QString error;
            QVERIFY(!plotexport::exportPlot(plot, path, &error));
            QVERIFY2(error.contains(QDir::toNativeSeparators(path)), qPrintable(error));
        }
        QString error;
        QVERIFY(!plotexport::exportPlot(plot, m_dir.filePath(QStringLiteral("plot.bmp")), &error));
        QVERIFY2(error.contains(QStringLiteral(".png, .pdf or .svg")), qPrintable(error));
        QVERIFY(!runreportexport::writeHtml(m_run, blocker + QStringLiteral("/report.html"), &error));
        QVERIFY2(error.contains(QStringLiteral("report.html")), qPrintable(error));
        QVERIFY(!runreportexport::writeMetricsCsv(m_run, blocker + QStringLiteral("/m.csv"), &error));
        QVERIFY(!runreportexport::writeHtml(m_dir.filePath(QStringLiteral("no-such-run")),
                                            m_dir.filePath(QStringLiteral("r.html")), &error));
        QVERIFY2(error.contains(QStringLiteral("no-such-run")), qPrintable(error));
        QCOMPARE(QDir(folder).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot), before);

        // Through the menu path the user sees the reason in the window's error banner.
        QSignalSpy failed(plot, &ThemedPlot::exportFailed);
        QVERIFY(!plot->saveTo(blocker + QStringLiteral("/plot.png")));
        QCOMPARE(failed.size(), 1);
        QVERIFY(m_banner->isVisible());
        QVERIFY(m_banner->message().contains(QStringLiteral("not-a-folder")));
    }

    void runExportsFromAMenu()
    {
        showPlot();
        QMenu menu(m_window);
        runreportactions::addActions(&menu, m_plot, m_run);
        const auto exportVia = [&](const char *actionName, const QString &path) {
            auto *action = menu.findChild<QAction *>(QLatin1String(actionName));
            QVERIFY(action);
            action->trigger();
            QFileDialog *dialog = nullptr;
            QTRY_VERIFY((dialog = findTopLevel<QFileDialog>(QStringLiteral("runExportDialog"))) != nullptr);
            dialog->selectFile(path);
            QVERIFY(QMetaObject::invokeMethod(dialog, "accept"));
        };
        const QString html = m_dir.filePath(QStringLiteral("via-menu.html"));
        exportVia("exportRunReportAction", html);
        QTRY_VERIFY(QFileInfo::exists(html));
        QVERIFY(readAll(html).contains("<section id=\"confusion\">"));
        QTRY_VERIFY(m_window->statusBar()->currentMessage().contains(QStringLiteral("via-menu.html")));

        const QString csv = m_dir.filePath(QStringLiteral("via-menu.csv"));
        exportVia("exportRunMetricsAction", csv);
        QTRY_VERIFY(QFileInfo::exists(csv));
        QCOMPARE(readAll(csv).count('\n'), m_records.value(QStringLiteral("all")) + 1);

        // A folder that vanished between listing and export: the banner says which and why.
        m_banner->dismiss();
        menu.clear();
        runreportactions::addActions(&menu, m_plot, m_dir.filePath(QStringLiteral("deleted-run")));
        exportVia("exportRunReportAction", m_dir.filePath(QStringLiteral("never.html")));
        QTRY_VERIFY(m_banner->isVisible());
        QVERIFY2(m_banner->message().contains(QStringLiteral("deleted-run")), qPrintable(m_banner->message()));
        QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("never.html"))));
    }

    void cleanupTestCase()
    {
        delete m_window;
    }

private:
    /** A window like the app's (banner above a plot of the trained run), shown once. */
    RunReportPlot *showPlot()
    {
        if (!m_window) {
            m_window = new QMainWindow;
            auto *central = new QWidget;
            auto *layout = new QVBoxLayout(central);
            m_banner = new ErrorBanner;
            m_banner->hide();
            layout->addWidget(m_banner);
            m_plot = new RunReportPlot(RunReportPlot::Kind::Loss);
            layout->addWidget(m_plot);
            m_window->setCentralWidget(central);
            m_window->resize(520, 360);
            RunReportData run;
            QString error;
            if (!RunReportData::load(m_run, &run, &error))
                qFatal("%s", qPrintable(error));
            m_plot->setRun(run);
            m_window->show();
            if (!QTest::qWaitForWindowExposed(m_window))
                qFatal("window not exposed");
        }
        return m_plot;
    }

    void triggerMenuAction(ThemedPlot *plot, const QString &name)
    {
        const QPoint at = plot->rect().center();
        QContextMenuEvent event(QContextMenuEvent::Mouse, at, plot->mapToGlobal(at));
        QApplication::sendEvent(plot, &event);
        QPointer<QMenu> menu;
        QTRY_VERIFY((menu = findTopLevel<QMenu>(QStringLiteral("plotContextMenu"))) != nullptr);
        if (!m_dir.autoRemove()) // FUSIONSCOPE_KEEP_TEST_DIRS: keep a picture of the menu too
            menu->grab().save(m_dir.filePath(QStringLiteral("context-menu.png")));
        auto *action = menu->findChild<QAction *>(name);
        QVERIFY2(action, qPrintable(name));
        QVERIFY(action->isEnabled());
        menu->setActiveAction(action);
        QTest::keyClick(menu, Qt::Key_Return);
        QTRY_VERIFY(!menu || !menu->isVisible()); // the menu deletes itself once closed
    }

    QTemporaryDir m_dir;
    QString m_run;
    QJsonObject m_report;
    QHash<QString, int> m_records;
    QMainWindow *m_window = nullptr;
    ErrorBanner *m_banner = nullptr;
    RunReportPlot *m_plot = nullptr;
};

QTEST_MAIN(TestGuiExport)
#include "test_gui_export.moc"
