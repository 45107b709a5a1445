// The window's setup notes: a dataset with CJK text on a machine without a CJK font says so
// (instead of drawing boxes), once; the font probe is swapped because a test cannot uninstall fonts.
#include "core/data/manifest.h"
#include "tests/testsupport.h"
#include "ui/data/datasetcontroller.h"
#include "ui/mainwindow.h"
#include "ui/widgets/cjkfontcheck.h"
#include "ui/widgets/noticebar.h"

#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

namespace {

constexpr int kLoadTimeoutMs = 60000;

SampleRecord sample(const QString &id, const QString &text)
{
    SampleRecord record;
    record.id = id;
    record.text = text;
    return record;
}

} // namespace

class TestGuiNotices final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void detectsCjkText();
    void noteOnlyWithCjkTextAndNoFont();
    void thisMachineHasACjkFont();
    void noticeBarShowsEachNoteOnce();
    void windowWarnsOnceWhenTheFontIsMissing();
    void windowStaysQuietWithAFont();

private:
    QTemporaryDir m_dir;
    QString m_cjk;
};

void TestGuiNotices::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    m_cjk = m_dir.filePath(QStringLiteral("cjk"));
    testsupport::writeFile(m_cjk + QStringLiteral("/manifest.jsonl"),
                           QStringLiteral("{\"id\":\"en1\",\"text\":\"where is the circle?\",\"label\":\"a\",\"split\":\"train\"}\n"
                                          "{\"id\":\"zh1\",\"text\":\"圆在哪里？\",\"label\":\"b\",\"split\":\"train\"}\n"
                                          "{\"id\":\"en2\",\"text\":\"where is the square?\",\"label\":\"a\",\"split\":\"val\"}\n")
                               .toUtf8());
}

void TestGuiNotices::cleanup()
{
    cjkfontcheck::setFontProbe({});
}

void TestGuiNotices::detectsCjkText()
{
    QVERIFY(!cjkfontcheck::containsCjk(QStringLiteral("where is the circle?")));
    QVERIFY(!cjkfontcheck::containsCjk(QStringLiteral("Ünïcödé – ½ «»")));
    QVERIFY(cjkfontcheck::containsCjk(QStringLiteral("where is the 圆")));
    QVERIFY(cjkfontcheck::containsCjk(QStringLiteral("ひらがな")));
    QVERIFY(cjkfontcheck::containsCjk(QStringLiteral("한국어")));
    QVERIFY(cjkfontcheck::containsCjk(QString::fromUcs4(U"\U00020000"))); // Extension B, a surrogate pair
}

void TestGuiNotices::noteOnlyWithCjkTextAndNoFont()
{
    Manifest manifest;
    manifest.samples = {sample(QStringLiteral("s1"), QStringLiteral("red")), sample(QStringLiteral("s2"), QStringLiteral("红色"))};
    cjkfontcheck::setFontProbe([] { return false; });
    const QString note = cjkfontcheck::noteFor(manifest);
    QVERIFY2(note.contains(QLatin1String("no CJK font")) && note.contains(QLatin1String("s2"))
                 && note.contains(QLatin1String("fonts-wqy-microhei")),
             qPrintable(note));
    cjkfontcheck::setFontProbe([] { return true; });
    QVERIFY(cjkfontcheck::noteFor(manifest).isEmpty());
    cjkfontcheck::setFontProbe([] { return false; });
    manifest.samples.pop_back();
    QVERIFY(cjkfontcheck::noteFor(manifest).isEmpty()); // no CJK text, nothing to warn about
}

void TestGuiNotices::thisMachineHasACjkFont()
{
    // packaging/install-deps.sh installs fonts-wqy-microhei; the real probe must find it.
    QVERIFY(cjkfontcheck::systemHasCjkFont());
}

void TestGuiNotices::noticeBarShowsEachNoteOnce()
{
    NoticeBar bar;
    QVERIFY(bar.text().isEmpty());
    bar.addNotice(QStringLiteral("a"), QStringLiteral("first"));
    bar.addNotice(QStringLiteral("b"), QStringLiteral("second"));
    QCOMPARE(bar.text(), QStringLiteral("first\nsecond"));
    bar.dismiss();
    QVERIFY(bar.text().isEmpty());
    bar.addNotice(QStringLiteral("a"), QStringLiteral("first"));
    QVERIFY(bar.text().isEmpty());
    bar.addNotice(QStringLiteral("c"), QString()); // an empty note never shows the bar
    QVERIFY(bar.isHidden());
}

void TestGuiNotices::windowWarnsOnceWhenTheFontIsMissing()
{
    cjkfontcheck::setFontProbe([] { return false; });
    MainWindow window;
    window.show();
    window.openDataset(m_cjk);
    QTRY_VERIFY_WITH_TIMEOUT(window.noticeBar()->text().contains(QLatin1String("no CJK font")), kLoadTimeoutMs);
    QVERIFY2(window.noticeBar()->text().contains(QLatin1String("zh1")), qPrintable(window.noticeBar()->text()));
    QTRY_VERIFY_WITH_TIMEOUT(!window.datasetController()->isLoading(), kLoadTimeoutMs);

    // Dismissed, then the same dataset again: the note does not come back.
    window.noticeBar()->dismiss();
    window.openDataset(m_cjk);
    QTRY_VERIFY_WITH_TIMEOUT(!window.datasetController()->isLoading(), kLoadTimeoutMs);
    QVERIFY(window.noticeBar()->text().isEmpty());
}

void TestGuiNotices::windowStaysQuietWithAFont()
{
    cjkfontcheck::setFontProbe([] { return true; });
    MainWindow window;
    window.show();
    window.openDataset(m_cjk);
    QTRY_VERIFY_WITH_TIMEOUT(!window.datasetController()->isLoading(), kLoadTimeoutMs);
    QVERIFY2(!window.noticeBar()->text().contains(QLatin1String("CJK")), qPrintable(window.noticeBar()->text()));
}

QTEST_MAIN(TestGuiNotices)
#include "test_gui_notices.moc"
