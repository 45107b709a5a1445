#include "core/eval/modelfileinfo.h"
#include "core/util/appidentity.h"
#include "core/util/modelfilecopy.h"
#include "tests/testsupport.h"
#include "ui/data/datasetcontroller.h"
#include "ui/inspect/explaincontroller.h"
#include "ui/inspect/inspectpanel.h"
#include "ui/inspect/navigatormodel.h"
#include "ui/inspect/overlayexportbar.h"
#include "ui/inspect/samplenavigator.h"
#include "ui/mainwindow.h"
#include "ui/train/runreportactions.h"
#include "ui/widgets/errorbanner.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtGui/QImage>
#include <QtTest/QSignalSpy>
#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>
#include <QtWidgets/QApplication>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QMenu>
#include <QtWidgets/QProgressBar>
#include <QtWidgets/QStatusBar>
#include <QtWidgets/QToolButton>

namespace {

constexpr int kTimeoutMs = 20000;
const QStringList kSuffixes{QStringLiteral("_image.png"), QStringLiteral("_audio.png"), QStringLiteral("_text.png"),
                            QStringLiteral(".json")};

template <typename T>
T *findTopLevel(const QString &objectName)
{
    for (QWidget *widget : QApplication::topLevelWidgets()) {
        if (auto *match = qobject_cast<T *>(widget); match && match->objectName() == objectName && match->isVisible())
            return match;
    }
    return nullptr;
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QStringList entries(const QString &dir)
{
    return QDir(dir).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name);
}

/** Picks `path` in the non-modal file dialog named `objectName` and accepts it. */
bool answerDialog(const QString &objectName, const QString &path)
{
    QFileDialog *dialog = nullptr;
    if (!QTest::qWaitFor([&] { return (dialog = findTopLevel<QFileDialog>(objectName)) != nullptr; }, 5000))
        return false;
    dialog->selectFile(path);
    return QMetaObject::invokeMethod(dialog, "accept");
}

/**
 * JSON documents equal but for the last bits of their numbers (|a - b| <= 1e-6 · max(1, |a|)):
 * the window's explanation and the CLI's run the same float kernels in different processes,
 * whose buffers can differ in alignment and so in a vectorised sum's last bit. *where names
 * the first difference.
 */
bool sameJson(const QJsonValue &a, const QJsonValue &b, const QString &path, QString *where)
{
    if (a.isDouble() && b.isDouble()) {
        const double x = a.toDouble();
        const double y = b.toDouble();
        if (std::abs(x - y) <= 1e-6 * std::max(1.0, std::abs(x)))
            return true;
    } else if (a.isArray() && b.isArray() && a.toArray().size() == b.toArray().size()) {
        const QJsonArray left = a.toArray();
        const QJsonArray right = b.toArray();
        for (qsizetype i = 0; i < left.size(); ++i)
            if (!sameJson(left.at(i), right.at(i), QStringLiteral("%1[%2]").arg(path).arg(i), where))
                return false;
        return true;
    } else if (a.isObject() && b.isObject() && a.toObject().keys() == b.toObject().keys()) {
        const QJsonObject left = a.toObject();
        const QJsonObject right = b.toObject();
        for (const QString &key : left.keys())
            if (!sameJson(left.value(key), right.value(key), path + QLatin1Char('.') + key, where))
                return false;
        return true;
    } else if (a == b) {
        return true;
    }
    *where = QStringLiteral("%1: %2 vs %3").arg(path, QString::fromUtf8(QJsonDocument(QJsonArray{a}).toJson(QJsonDocument::Compact)),
                                                QString::fromUtf8(QJsonDocument(QJsonArray{b}).toJson(QJsonDocument::Compact)));
    return false;
}

} // namespace

/**
 * Export from the desktop app: a run's model file (run history menu and File ▸ Export Model…)
 * and the Inspect panel's overlays for the selected or listed samples, with a tiny real model.
 */
class TestGuiModelExport final : public QObject
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
        const QString config = m_dir.filePath(QStringLiteral("tiny.json"));
        testsupport::writeFile(config, "{\"model\":{\"dim\":16,\"heads\":2},\"train\":{\"batch_size\":32,\"threads\":2}}");
        m_run = m_dir.filePath(QStringLiteral("run"));
        const auto train = testsupport::runFusionscope({QStringLiteral("train"), m_data, QStringLiteral("--fusion"),
                                                         QStringLiteral("attention"), QStringLiteral("--epochs"), QStringLiteral("1"),
                                                         QStringLiteral("--config"), config, QStringLiteral("--out"), m_run});
        QVERIFY2(train.exitCode == 0, train.err.constData());
        m_model = m_run + QStringLiteral("/model.pt");
        QVERIFY(QFileInfo::exists(m_model));
        m_blocker = m_dir.filePath(QStringLiteral("not-a-folder"));
        testsupport::writeFile(m_blocker, "a file where a folder should be");

        m_window = std::make_unique<MainWindow>();
        m_window->resize(1400, 900);
        m_window->show();
        m_banner = m_window->findChild<ErrorBanner *>();
        QVERIFY(m_banner);
        auto *exportModel = m_window->findChild<QAction *>(QStringLiteral("exportModelAction"));
        QVERIFY(exportModel);
        QVERIFY(!exportModel->isEnabled()); // nothing open yet
        m_window->openDataset(m_data);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->datasetController()->dataset() != nullptr, kTimeoutMs);
        m_window->openModel(m_model);
        m_panel = m_window->inspectPanel();
        QTRY_VERIFY_WITH_TIMEOUT(m_panel->controller()->isReady(), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(!m_panel->navigator()->visibleSamples().isEmpty(), kTimeoutMs);
        QVERIFY(exportModel->isEnabled());
    }

    void runHistoryMenuExportsTheModel()
    {
        QMenu menu(m_window.get());
        runreportactions::addActions(&menu, m_window.get(), m_run);
        auto *action = menu.findChild<QAction *>(QStringLiteral("exportRunModelAction"));
        QVERIFY(action);
        QVERIFY(action->isEnabled());
        const QString target = m_dir.filePath(QStringLiteral("exported/run-copy.pt"));
        QVERIFY(QDir().mkpath(QFileInfo(target).absolutePath()));
        action->trigger();
        QVERIFY(answerDialog(QStringLiteral("runExportDialog"), target));
        QTRY_VERIFY(QFileInfo::exists(target));
        QTRY_VERIFY(m_window->statusBar()->currentMessage().contains(QStringLiteral("run-copy.pt")));
        QCOMPARE(readAll(target), readAll(m_model));
        QCOMPARE(entries(QFileInfo(target).absolutePath()), QStringList{QStringLiteral("run-copy.pt")}); // no temp left

        // The copy opens as a model file with the same labels.
        const ModelFileInfo original = inspectModelFile(m_model);
        const ModelFileInfo copy = inspectModelFile(target);
        QVERIFY2(copy.error.isEmpty(), qPrintable(copy.error));
        QVERIFY(copy.hasMeta);
        QVERIFY(copy.contractChecked);
        QVERIFY(!copy.meta.labels.isEmpty());
        QCOMPARE(copy.meta.labels, original.meta.labels);
        QCOMPARE(copy.parameters, original.parameters);

        // A run without a model (interrupted before the end) offers no export.
        const QString bare = m_dir.filePath(QStringLiteral("bare-run"));
        QVERIFY(QDir().mkpath(bare));
        QMenu other;
        runreportactions::addActions(&other, m_window.get(), bare);
        QVERIFY(!other.findChild<QAction *>(QStringLiteral("exportRunModelAction"))->isEnabled());
    }

    void fileMenuExportsTheInspectModel()
    {
        auto *action = m_window->findChild<QAction *>(QStringLiteral("exportModelAction"));
        QVERIFY(action);
        QVERIFY(action->isEnabled());
        const QString target = m_dir.filePath(QStringLiteral("from-menu.pt"));
        action->trigger();
        QVERIFY(answerDialog(QStringLiteral("runExportDialog"), target));
        QTRY_VERIFY(QFileInfo::exists(target));
        QCOMPARE(readAll(target), readAll(m_model));
        const ModelFileInfo copy = inspectModelFile(target);
        QVERIFY2(copy.error.isEmpty(), qPrintable(copy.error));
        QCOMPARE(copy.meta.labels, inspectModelFile(m_model).meta.labels);
    }

    void modelExportFailureNamesTheFile()
    {
        m_banner->dismiss();
        const QStringList before = entries(m_dir.path());
        const QString target = m_blocker + QStringLiteral("/model.pt");
        m_window->findChild<QAction *>(QStringLiteral("exportModelAction"))->trigger();
        QVERIFY(answerDialog(QStringLiteral("runExportDialog"), target));
        QTRY_VERIFY(m_banner->isVisible());
        QVERIFY2(m_banner->message().contains(QStringLiteral("not-a-folder")), qPrintable(m_banner->message()));
        QCOMPARE(entries(m_dir.path()), before);

        // A source that vanished is named too, and the target is not created.
        QString error;
        const QString missing = m_dir.filePath(QStringLiteral("gone/model.pt"));
        const QString never = m_dir.filePath(QStringLiteral("never.pt"));
        QVERIFY(!copyModelFile(missing, never, &error));
        QVERIFY2(error.contains(QDir::toNativeSeparators(missing)), qPrintable(error));
        QVERIFY(!QFileInfo::exists(never));
        m_banner->dismiss();
    }

    void exportsOverlaysOfAllListedSamples()
    {
        // Narrow the list to three samples with all three modalities: 3 × 4 files.
        const std::shared_ptr<const Dataset> dataset = m_panel->controller()->dataset();
        QVector<int> three;
        for (int index : m_panel->navigator()->splitIndices()) {
            const auto present = dataset->presence(index);
            if (present[0] && present[1] && present[2] && three.size() < 3)
                three << index;
        }
        QCOMPARE(three.size(), 3);
        m_panel->showSamples(three, QStringLiteral("three"));
        QCOMPARE(m_panel->navigator()->visibleSamples().size(), 3);

        OverlayExportBar *bar = m_panel->overlayExportBar();
        auto *button = bar->findChild<QToolButton *>(QStringLiteral("exportOverlaysButton"));
        QVERIFY(button && button->isEnabled() && button->isVisible());
        QMenu *menu = button->menu();
        QVERIFY(menu);
        Q_EMIT menu->aboutToShow(); // what opening the menu does: the listed count in the item
        auto *listed = menu->findChild<QAction *>(QStringLiteral("exportListedOverlaysAction"));
        QVERIFY(listed && listed->isEnabled());
        QVERIFY2(listed->text().contains(QStringLiteral("3")), qPrintable(listed->text()));

        const QString folder = m_dir.filePath(QStringLiteral("overlays"));
        QVERIFY(QDir().mkpath(folder));
        QSignalSpy finished(bar, &OverlayExportBar::finished);
        listed->trigger();
        QVERIFY(answerDialog(QStringLiteral("overlayExportDialog"), folder));
        QVERIFY(finished.wait(kTimeoutMs));
        const auto result = finished.at(0).at(0).value<OverlayExportResult>();
        QVERIFY2(result.error.isEmpty(), qPrintable(result.error + QStringLiteral(": ") + result.details));
        QCOMPARE(result.samples, 3);
        QVERIFY(!bar->findChild<QProgressBar *>(QStringLiteral("overlayExportProgress"))->isVisible());
        QVERIFY(m_window->statusBar()->currentMessage().contains(QStringLiteral("12 files")));

        QStringList expected;
        for (int index : three) {
            for (const QString &suffix : kSuffixes)
                expected << dataset->record(index).id + suffix; // demo ids are already file-safe
        }
        expected.sort();
        QCOMPARE(entries(folder), expected);
        for (const QString &name : expected) {
            const QString path = QDir(folder).filePath(name);
            if (name.endsWith(QLatin1String(".png"))) {
                QVERIFY2(!QImage(path).isNull(), qPrintable(name));
                continue;
            }
            const QJsonObject json = QJsonDocument::fromJson(readAll(path)).object();
            QCOMPARE(json.value(QStringLiteral("overlays")).toArray().size(), 3);
        }

        // The same files as `fusionscope explain` writes for that sample: the images byte for byte,
        // the JSON to the last bits of its floats.
        const QString id = dataset->record(three.first()).id;
        const QString cli = m_dir.filePath(QStringLiteral("cli"));
        const auto run = testsupport::runFusionscope({QStringLiteral("explain"), m_model, m_data, QStringLiteral("--sample"),
                                                       id, QStringLiteral("--out"), cli});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        for (const QString &suffix : kSuffixes) {
            const QByteArray fromCli = readAll(QDir(cli).filePath(id + suffix));
            QVERIFY2(!fromCli.isEmpty(), qPrintable(id + suffix));
            const QByteArray fromGui = readAll(QDir(folder).filePath(id + suffix));
            if (suffix.endsWith(QLatin1String(".json"))) {
                QString where;
                QVERIFY2(sameJson(QJsonDocument::fromJson(fromGui).object(), QJsonDocument::fromJson(fromCli).object(), id + suffix, &where),
                         qPrintable(where));
                continue;
            }
            QVERIFY2(fromGui == fromCli, qPrintable(id + suffix));
        }
    }

    void exportsTheSelectedSampleAndCancels()
    {
        m_panel->navigator()->clearExplicitSamples();
        QTRY_VERIFY(m_panel->navigator()->currentSample() >= 0);
        OverlayExportBar *bar = m_panel->overlayExportBar();
        const QString one = m_dir.filePath(QStringLiteral("selected"));
        QSignalSpy finished(bar, &OverlayExportBar::finished);
        bar->exportTo(OverlayExportBar::Scope::Selected, one);
        QVERIFY(finished.wait(kTimeoutMs));
        QCOMPARE(finished.last().at(0).value<OverlayExportResult>().samples, 1);
        const QString id = m_panel->controller()->dataset()->record(m_panel->navigator()->currentSample()).id;
        QVERIFY(entries(one).contains(id + QStringLiteral(".json")));

        // Cancel right away: the export stops early, and every sample written is complete.
        const int listed = int(m_panel->navigator()->visibleSamples().size());
        QVERIFY(listed > 3);
        const QString many = m_dir.filePath(QStringLiteral("cancelled"));
        bar->exportTo(OverlayExportBar::Scope::Listed, many);
        auto *cancel = bar->findChild<QToolButton *>(QStringLiteral("cancelOverlayExportButton"));
        QVERIFY(cancel->isVisible());
        QTest::mouseClick(cancel, Qt::LeftButton);
        QVERIFY(finished.wait(kTimeoutMs));
        const auto result = finished.last().at(0).value<OverlayExportResult>();
        QVERIFY(result.cancelled);
        QVERIFY(result.samples < listed);
        QCOMPARE(int(result.files.size()), int(entries(many).size()));
        QVERIFY(!cancel->isVisible());
    }

    void unwritableOverlayFolderIsNamed()
    {
        m_banner->dismiss();
        const QStringList before = entries(m_dir.path());
        OverlayExportBar *bar = m_panel->overlayExportBar();
        QSignalSpy finished(bar, &OverlayExportBar::finished);
        bar->exportTo(OverlayExportBar::Scope::Listed, m_blocker + QStringLiteral("/overlays"));
        QVERIFY(finished.wait(kTimeoutMs));
        const auto result = finished.last().at(0).value<OverlayExportResult>();
        QVERIFY(!result.error.isEmpty());
        QVERIFY(result.files.isEmpty());
        QVERIFY(m_banner->isVisible());
        QVERIFY2(m_banner->message().contains(QStringLiteral("not-a-folder")), qPrintable(m_banner->message()));
        QCOMPARE(entries(m_dir.path()), before);
        QVERIFY(QFileInfo(m_blocker).isFile());

        if (!qEnvironmentVariableIsEmpty("FUSIONSCOPE_SCREENSHOT_DIR")) {
            m_banner->dismiss();
            m_window->panelTabs()->setCurrentWidget(m_panel);
            QTest::qWait(200);
            const QString dir = qEnvironmentVariable("FUSIONSCOPE_SCREENSHOT_DIR");
            QVERIFY(m_window->grab().save(QDir(dir).filePath(QStringLiteral("inspect-export.png"))));
            auto *button = bar->findChild<QToolButton *>(QStringLiteral("exportOverlaysButton"));
            button->menu()->popup(button->mapToGlobal(QPoint(0, button->height())));
            QTest::qWait(200);
            QVERIFY(button->menu()->grab().save(QDir(dir).filePath(QStringLiteral("inspect-export-menu.png"))));
            button->menu()->hide();
        }
    }

    void cleanupTestCase()
    {
        m_window.reset();
    }

private:
    QTemporaryDir m_dir;
    QString m_data;
    QString m_run;
    QString m_model;
    QString m_blocker;
    std::unique_ptr<MainWindow> m_window;
    ErrorBanner *m_banner = nullptr;
    InspectPanel *m_panel = nullptr;
};

QTEST_MAIN(TestGuiModelExport)
#include "test_gui_modelexport.moc"
