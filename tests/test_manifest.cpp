#include "core/data/columnmap.h"
#include "core/data/manifest.h"
#include "core/data/textcheck.h"
#include "tests/testsupport.h"

#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

using testsupport::writeFile;

/** The manifest parser: every bad input becomes an issue on its line and the load goes on. */
class TestManifest final : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir; // a fresh folder per test function

    QString path(const QString &relative) const { return m_dir->filePath(relative); }
    void media(const QString &relative) { writeFile(path(relative), "not empty"); }
    Manifest jsonl(const QByteArray &lines, const ColumnMap &columns = {}, TaskRequest task = TaskRequest::Auto)
    {
        writeFile(path(QStringLiteral("manifest.jsonl")), lines);
        return readManifest(m_dir->path(), columns, task);
    }

    static const SampleRecord *sample(const Manifest &m, const QString &id)
    {
        for (const SampleRecord &s : m.samples) {
            if (s.id == id)
                return &s;
        }
        return nullptr;
    }
    /** The issues reported for one manifest line. */
    static DataIssues issuesAt(const Manifest &m, int line)
    {
        DataIssues found;
        for (const DataIssue &i : m.issues) {
            if (i.line == line)
                found << i;
        }
        return found;
    }
    static QString dump(const Manifest &m)
    {
        QStringList lines;
        for (const DataIssue &i : m.issues)
            lines << i.toString();
        return lines.join(QLatin1Char('\n'));
    }
    /** Exactly one issue on `line`, for `id`, whose reason mentions `needle`. */
    static void expectIssue(const Manifest &m, int line, const QString &id, const QString &needle)
    {
        const DataIssues at = issuesAt(m, line);
        QVERIFY2(at.size() == 1, qPrintable(dump(m)));
        QCOMPARE(at.first().sampleId, id);
        QVERIFY2(at.first().reason.contains(needle, Qt::CaseInsensitive), qPrintable(at.first().reason));
    }

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }

    void jsonlFieldsPresenceAndMeta()
    {
        media(QStringLiteral("images/a.png"));
        media(QStringLiteral("audio/a.wav"));
        const Manifest m = jsonl(
            "{\"id\":\"a\",\"text\":\"where is the circle?\",\"image\":\"images/a.png\",\"audio\":\"audio/a.wav\",\"label\":\"cell_10\",\"split\":\"val\",\"meta\":{\"target_box\":[21,0,42,21]}}"
            "\n"
            "{\"id\":\"b\",\"text\":\"only text\",\"label\":\"cell_2\",\"split\":\"test\"}"
            "\n"
            "{\"id\":\"c\",\"image\":\"images/a.png\",\"label\":\"cell_1\",\"split\":\"train\"}"
            "\n");
        QVERIFY2(m.issues.isEmpty(), qPrintable(dump(m)));
        QCOMPARE(int(m.samples.size()), 3);
        QCOMPARE(m.root, QFileInfo(m_dir->path()).canonicalFilePath());
        const SampleRecord *a = sample(m, QStringLiteral("a"));
        QVERIFY(a);
        QCOMPARE(a->line, 1);
        QCOMPARE(a->text, QStringLiteral("where is the circle?"));
        QCOMPARE(a->imagePath, m.root + QStringLiteral("/images/a.png"));
        QCOMPARE(a->audioPath, m.root + QStringLiteral("/audio/a.wav"));
        QVERIFY(a->hasText() && a->hasImage() && a->hasAudio());
        QCOMPARE(a->split, Split::Val);
        QVERIFY(!a->splitFromHash);
        QCOMPARE(a->meta.value(QStringLiteral("target_box")).toArray(), (QJsonArray{21, 0, 42, 21}));
        const SampleRecord *b = sample(m, QStringLiteral("b"));
        QVERIFY(b->hasText() && !b->hasImage() && !b->hasAudio());
        QCOMPARE(b->split, Split::Test);
        const SampleRecord *c = sample(m, QStringLiteral("c"));
        QVERIFY(!c->hasText() && c->hasImage() && !c->hasAudio());
        // Natural order: cell_2 before cell_10.
        QCOMPARE(m.labels, (QStringList{QStringLiteral("cell_1"), QStringLiteral("cell_2"), QStringLiteral("cell_10")}));
        QCOMPARE(m.labelIndex(QStringLiteral("cell_10")), 2);
        QCOMPARE(m.labelIndex(QStringLiteral("cell_3")), -1);
    }

    void nullModalityIsAbsentWithoutIssue()
    {
        const Manifest m = jsonl("{\"id\":\"a\",\"text\":\"hi\",\"image\":null,\"audio\":null,\"label\":null,\"split\":null,\"meta\":null}" "\n");
        QVERIFY2(m.issues.isEmpty(), qPrintable(dump(m)));
        QCOMPARE(int(m.samples.size()), 1);
        QVERIFY(!m.samples[0].hasImage() && !m.samples[0].hasAudio());
        QVERIFY(m.samples[0].label.isEmpty());
        QVERIFY(m.labels.isEmpty());
    }

    void missingIdDerivesLineNumber()
    {
        const Manifest m = jsonl("{\"id\":\"a\",\"text\":\"x\"}" "\n" "{\"text\":\"y\"}" "\n" "{\"id\":\"\",\"text\":\"z\"}" "\n");
        QVERIFY2(m.issues.isEmpty(), qPrintable(dump(m)));
        QVERIFY(sample(m, QStringLiteral("line-2")));
        QVERIFY(sample(m, QStringLiteral("line-3")));
    }

    void numericLabelBecomesItsString()
    {
        // As classes (--task classify): 2.5 alone would make the labels regression targets (test_task).
        const Manifest m = jsonl("{\"id\":\"a\",\"text\":\"x\",\"label\":3}" "\n" "{\"id\":\"b\",\"text\":\"y\",\"label\":12}" "\n"
                                 "{\"id\":7,\"text\":\"z\",\"label\":2.50}" "\n", {}, TaskRequest::Classify);
        QVERIFY2(m.issues.isEmpty(), qPrintable(dump(m)));
        QCOMPARE(sample(m, QStringLiteral("a"))->label, QStringLiteral("3"));
        // A JSON number gets one spelling: 2.50 and 2.5 are one class.
        QCOMPARE(sample(m, QStringLiteral("7"))->label, QStringLiteral("2.5"));
        QCOMPARE(m.labels, (QStringList{QStringLiteral("2.5"), QStringLiteral("3"), QStringLiteral("12")}));
    }

    void hashSplitWhenAbsent()
    {
        const Manifest m = jsonl("{\"id\":\"s0001\",\"text\":\"x\"}" "\n" "{\"id\":\"s0002\",\"text\":\"x\",\"split\":\"\"}" "\n");
        QVERIFY2(m.issues.isEmpty(), qPrintable(dump(m)));
        for (const SampleRecord &s : m.samples) {
            QVERIFY(s.splitFromHash);
            QCOMPARE(s.split, splitFromId(s.id));
        }
    }

    void unknownSplitUsesHashSplit()
    {
        const Manifest m = jsonl("{\"id\":\"a\",\"text\":\"x\",\"split\":\"train\"}" "\n" "{\"id\":\"b\",\"text\":\"x\",\"split\":\"holdout\"}" "\n"
                                 "{\"id\":\"c\",\"text\":\"x\",\"split\":\"validation\"}" "\n");
        expectIssue(m, 2, QStringLiteral("b"), QStringLiteral("holdout"));
        QCOMPARE(int(m.samples.size()), 3);
        const SampleRecord *b = sample(m, QStringLiteral("b"));
        QCOMPARE(b->split, splitFromId(QStringLiteral("b")));
        QVERIFY(b->splitFromHash);
        QCOMPARE(sample(m, QStringLiteral("c"))->split, Split::Val);
    }

    void malformedJsonLinesAreSkipped()
    {
        const Manifest m = jsonl("{\"id\":\"a\",\"text\":\"x\"}" "\n"
                                 "{\"id\":\"b\",\"text\":" "\n"
                                 "[1,2,3]\n"
                                 "\"just a string\"\n"
                                 "{\"id\":\"c\",\"text\":\"x\"} trailing" "\n"
                                 "{\"id\":\"d\",\"text\":\"ok\"}" "\n");
        for (int line = 2; line <= 5; ++line) {
            expectIssue(m, line, QString(), QStringLiteral("malformed JSON"));
            QVERIFY(issuesAt(m, line).first().file.endsWith(QStringLiteral("manifest.jsonl")));
        }
        QCOMPARE(int(m.samples.size()), 2);
        QVERIFY(sample(m, QStringLiteral("d")));
    }

    void invalidUtf8LineIsSkipped()
    {
        const Manifest m = jsonl(QByteArray("{\"id\":\"a\",\"text\":\"caf") + "\xe9" + "\"}" "\n"
                                 + QByteArray("{\"id\":\"b\",\"text\":\"ok \\u4e2d ") + "\xe4\xb8\xad" + "\"}" "\n");
        expectIssue(m, 1, QStringLiteral("a"), QStringLiteral("UTF-8")); // the id is read around the bad byte
        QCOMPARE(int(m.samples.size()), 1);
        QCOMPARE(m.samples[0].text, QString::fromUtf8("ok \xe4\xb8\xad \xe4\xb8\xad"));
    }

    void unknownColumnReportedOnceAtFirstLine()
    {
        const Manifest m = jsonl("{\"id\":\"a\",\"text\":\"x\",\"speaker\":\"bob\"}" "\n"
                                 "{\"id\":\"b\",\"text\":\"x\",\"speaker\":\"amy\"}" "\n"
                                 "{\"id\":\"c\",\"text\":\"x\",\"mood\":\"calm\",\"speaker\":\"amy\"}" "\n");
        QCOMPARE(m.issues.size(), 2);
        expectIssue(m, 1, QStringLiteral("a"), QStringLiteral("\"speaker\""));
        expectIssue(m, 3, QStringLiteral("c"), QStringLiteral("\"mood\""));
        QCOMPARE(int(m.samples.size()), 3);
    }

    void duplicateIdSkipsTheLaterOne()
    {
        const Manifest m = jsonl("{\"id\":\"a\",\"text\":\"first\"}" "\n" "{\"id\":\"b\",\"text\":\"x\"}" "\n"
                                 "{\"id\":\"a\",\"text\":\"second\"}" "\n" "{\"id\":\"c\",\"text\":\"x\"}" "\n");
        expectIssue(m, 3, QStringLiteral("a"), QStringLiteral("line 1"));
        QCOMPARE(int(m.samples.size()), 3);
        QCOMPARE(sample(m, QStringLiteral("a"))->text, QStringLiteral("first"));
    }

    void missingFileDropsThatModality()
    {
        media(QStringLiteral("audio/b.wav"));
        const Manifest m = jsonl("{\"id\":\"a\",\"text\":\"x\",\"image\":\"images/none.png\"}" "\n"
                                 "{\"id\":\"b\",\"image\":\"gone/b.png\",\"audio\":\"audio/b.wav\"}" "\n"
                                 "{\"id\":\"c\",\"image\":\"images/none.png\"}" "\n"
                                 "{\"id\":\"d\",\"text\":\"still loads\"}" "\n");
        expectIssue(m, 1, QStringLiteral("a"), QStringLiteral("not found"));
        expectIssue(m, 2, QStringLiteral("b"), QStringLiteral("not found"));
        QVERIFY(sample(m, QStringLiteral("a"))->hasText() && !sample(m, QStringLiteral("a"))->hasImage());
        QVERIFY(sample(m, QStringLiteral("b"))->hasAudio() && !sample(m, QStringLiteral("b"))->hasImage());
        // Nothing left: the file issue, then the skip.
        const DataIssues c = issuesAt(m, 3);
        QCOMPARE(c.size(), 2);
        QCOMPARE(c[0].field, QStringLiteral("image"));
        QCOMPARE(c[0].path, QStringLiteral("images/none.png"));
        QVERIFY(c[1].reason.contains(QStringLiteral("no usable modality")));
        QVERIFY(!sample(m, QStringLiteral("c")));
        QVERIFY(sample(m, QStringLiteral("d")));
    }

    void pathsMayNotLeaveTheFolder()
    {
        QTemporaryDir outside;
        writeFile(outside.filePath(QStringLiteral("secret.png")), "secret");
        media(QStringLiteral("images/in.png"));
        QVERIFY(QFile::link(outside.filePath(QStringLiteral("secret.png")), path(QStringLiteral("images/link.png"))));
        QVERIFY(QFile::link(outside.path(), path(QStringLiteral("outdir"))));
        QVERIFY(QFile::link(path(QStringLiteral("images/in.png")), path(QStringLiteral("images/inlink.png"))));
        const QString absoluteInside = QFileInfo(path(QStringLiteral("images/in.png"))).absoluteFilePath();
        const QByteArray lines = QByteArray("{\"id\":\"a\",\"text\":\"x\",\"image\":\"../../etc/passwd\"}" "\n")
                                 + "{\"id\":\"b\",\"text\":\"x\",\"image\":\"/etc/passwd\"}" "\n"
                                 + "{\"id\":\"c\",\"text\":\"x\",\"image\":\"images/link.png\"}" "\n"
                                 + "{\"id\":\"d\",\"text\":\"x\",\"audio\":\"outdir/secret.png\"}" "\n"
                                 + "{\"id\":\"e\",\"text\":\"x\",\"image\":\"images/../../x.png\"}" "\n"
                                 + "{\"id\":\"f\",\"image\":\"images/../images/in.png\"}" "\n"
                                 + "{\"id\":\"g\",\"image\":\"" + absoluteInside.toUtf8() + "\"}" "\n"
                                 + "{\"id\":\"h\",\"image\":\"images/inlink.png\"}" "\n";
        const Manifest m = jsonl(lines);
        const char *ids[] = {"a", "b", "c", "d", "e"};
        for (int line = 1; line <= 5; ++line) {
            expectIssue(m, line, QLatin1String(ids[line - 1]), QStringLiteral("leaves the dataset folder"));
            const SampleRecord *s = sample(m, QLatin1String(ids[line - 1]));
            QVERIFY(s && s->hasText() && !s->hasImage() && !s->hasAudio());
        }
        QCOMPARE(m.issues.size(), 5);
        QCOMPARE(sample(m, QStringLiteral("f"))->imagePath, m.root + QStringLiteral("/images/in.png"));
        QVERIFY(sample(m, QStringLiteral("g"))->hasImage());
        QVERIFY(sample(m, QStringLiteral("h"))->hasImage()); // a link that stays inside is fine
    }

    void zeroByteMediaDropped()
    {
        writeFile(path(QStringLiteral("images/empty.png")), QByteArray());
        writeFile(path(QStringLiteral("audio/empty.wav")), QByteArray());
        const Manifest m = jsonl("{\"id\":\"a\",\"text\":\"x\",\"image\":\"images/empty.png\"}" "\n"
                                 "{\"id\":\"b\",\"text\":\"x\",\"audio\":\"audio/empty.wav\"}" "\n");
        expectIssue(m, 1, QStringLiteral("a"), QStringLiteral("0 bytes"));
        expectIssue(m, 2, QStringLiteral("b"), QStringLiteral("0 bytes"));
        QCOMPARE(int(m.samples.size()), 2);
        QVERIFY(!m.samples[0].hasImage() && !m.samples[1].hasAudio());
    }

    void textFileReadAsUtf8()
    {
        writeFile(path(QStringLiteral("texts/a.txt")), "\xEF\xBB\xBF\xe5\x9c\x86\xe5\x9c\xa8\xe5\x93\xaa\xe9\x87\x8c\xef\xbc\x9f\n");
        writeFile(path(QStringLiteral("texts/bad.txt")), "caf\xe9");
        writeFile(path(QStringLiteral("texts/empty.txt")), " \n");
        media(QStringLiteral("images/x.png"));
        const Manifest m = jsonl("{\"id\":\"a\",\"text_file\":\"texts/a.txt\"}" "\n"
                                 "{\"id\":\"b\",\"text_file\":\"texts/none.txt\",\"image\":\"images/x.png\"}" "\n"
                                 "{\"id\":\"c\",\"text_file\":\"texts/bad.txt\",\"image\":\"images/x.png\"}" "\n"
                                 "{\"id\":\"d\",\"text_file\":\"texts/empty.txt\",\"image\":\"images/x.png\"}" "\n"
                                 "{\"id\":\"e\",\"text_file\":\"texts/none.txt\"}" "\n");
        QCOMPARE(sample(m, QStringLiteral("a"))->text, QString::fromUtf8("\xe5\x9c\x86\xe5\x9c\xa8\xe5\x93\xaa\xe9\x87\x8c\xef\xbc\x9f"));
        QCOMPARE(sample(m, QStringLiteral("a"))->textFile, m.root + QStringLiteral("/texts/a.txt"));
        expectIssue(m, 2, QStringLiteral("b"), QStringLiteral("not found"));
        expectIssue(m, 3, QStringLiteral("c"), QStringLiteral("UTF-8"));
        expectIssue(m, 4, QStringLiteral("d"), QStringLiteral("empty text"));
        for (const char *id : {"b", "c", "d"}) {
            QVERIFY(sample(m, QLatin1String(id)));
            QVERIFY(!sample(m, QLatin1String(id))->hasText());
        }
        QCOMPARE(issuesAt(m, 5).size(), 2); // not found, then no modality
        QVERIFY(!sample(m, QStringLiteral("e")));
    }

    void emptyTextIsNoText()
    {
        media(QStringLiteral("images/x.png"));
        const Manifest m = jsonl("{\"id\":\"a\",\"text\":\"\",\"image\":\"images/x.png\"}" "\n"
                                 "{\"id\":\"b\",\"text\":\"   \"}" "\n"
                                 "{\"id\":\"c\",\"text\":\"fine\"}" "\n");
        expectIssue(m, 1, QStringLiteral("a"), QStringLiteral("empty text"));
        QVERIFY(!sample(m, QStringLiteral("a"))->hasText() && sample(m, QStringLiteral("a"))->hasImage());
        QCOMPARE(issuesAt(m, 2).size(), 2);
        QVERIFY(issuesAt(m, 2)[0].reason.contains(QStringLiteral("empty text")));
        QVERIFY(!sample(m, QStringLiteral("b")));
        QVERIFY(sample(m, QStringLiteral("c")));
    }

    void sampleWithoutModalitySkipped()
    {
        const Manifest m = jsonl("{\"id\":\"a\",\"label\":\"cat\",\"split\":\"train\"}" "\n" "{\"id\":\"b\",\"text\":\"x\",\"label\":\"dog\"}" "\n");
        expectIssue(m, 1, QStringLiteral("a"), QStringLiteral("no usable modality"));
        QCOMPARE(int(m.samples.size()), 1);
        QCOMPARE(m.labels, QStringList{QStringLiteral("dog")}); // labels of loaded samples only
    }

    void nonObjectMetaIgnored()
    {
        const Manifest m = jsonl("{\"id\":\"a\",\"text\":\"x\",\"meta\":[1,2]}" "\n" "{\"id\":\"b\",\"text\":\"x\",\"meta\":\"note\"}" "\n"
                                 "{\"id\":\"c\",\"text\":\"x\",\"meta\":{\"k\":{\"deep\":[true,null,\"s\",1.5]}}}" "\n");
        expectIssue(m, 1, QStringLiteral("a"), QStringLiteral("JSON object"));
        expectIssue(m, 2, QStringLiteral("b"), QStringLiteral("JSON object"));
        QCOMPARE(issuesAt(m, 1).first().field, QStringLiteral("meta"));
        QCOMPARE(int(m.samples.size()), 3);
        QVERIFY(sample(m, QStringLiteral("a"))->meta.isEmpty());
        const QJsonArray deep = sample(m, QStringLiteral("c"))->meta.value(QStringLiteral("k")).toObject().value(QStringLiteral("deep")).toArray();
        QCOMPARE(deep, (QJsonArray{true, QJsonValue::Null, QStringLiteral("s"), 1.5}));
    }

    void blankLinesSkippedSilently()
    {
        const Manifest m = jsonl("\n   \n" "{\"id\":\"a\",\"text\":\"x\"}" "\r\n\n" "{\"text\":\"y\"}");
        QVERIFY2(m.issues.isEmpty(), qPrintable(dump(m)));
        QCOMPARE(sample(m, QStringLiteral("a"))->line, 3);
        QVERIFY(sample(m, QStringLiteral("line-5")));
    }

    void noManifestGivesOneIssue()
    {
        Manifest m = readManifest(m_dir->path());
        QVERIFY(m.samples.empty());
        QCOMPARE(m.issues.size(), 1);
        QVERIFY(m.issues[0].reason.contains(QStringLiteral("no manifest")));
        QVERIFY(findManifest(m_dir->path()).isEmpty());

        m = readManifest(path(QStringLiteral("does/not/exist")));
        QVERIFY(m.samples.empty());
        QCOMPARE(m.issues.size(), 1);

        // A manifest named directly, whatever its name.
        writeFile(path(QStringLiteral("sub/list.jsonl")), "{\"id\":\"a\",\"text\":\"x\"}" "\n");
        m = readManifest(path(QStringLiteral("sub/list.jsonl")));
        QVERIFY2(m.issues.isEmpty(), qPrintable(dump(m)));
        QCOMPARE(int(m.samples.size()), 1);
        QCOMPARE(m.path, QFileInfo(path(QStringLiteral("sub/list.jsonl"))).absoluteFilePath());

        if (::geteuid() != 0) { // root reads anything
            writeFile(path(QStringLiteral("locked/manifest.jsonl")), "{\"id\":\"a\",\"text\":\"x\"}" "\n");
            QFile::setPermissions(path(QStringLiteral("locked/manifest.jsonl")), QFileDevice::Permissions());
            m = readManifest(path(QStringLiteral("locked")));
            QVERIFY(m.samples.empty());
            QCOMPARE(m.issues.size(), 1);
            QVERIFY(m.issues[0].reason.contains(QStringLiteral("cannot read")));
        }
    }

    void csvQuotedFieldsAndLines()
    {
        media(QStringLiteral("images/a.png"));
        const QByteArray csv = "id,text,image,label,split,meta,extra\r\n"
                               "a,\"hello, \"\"world\"\"\",images/a.png,cell_1,train,\"{\"\"target_box\"\":[1,2,3,4]}\",x\r\n"
                               "b,\"two\nlines\",,cell_2,,,\r\n"
                               "c,third,images/missing.png,cell_3,bogus,[1],\r\n"
                               "d,too,few\r\n"
                               "\r\n"
                               "e,\"last\",,cell_10,test,,\r\n";
        writeFile(path(QStringLiteral("manifest.csv")), csv);
        const Manifest m = readManifest(m_dir->path());
        expectIssue(m, 1, QString(), QStringLiteral("\"extra\""));
        const SampleRecord *a = sample(m, QStringLiteral("a"));
        QVERIFY(a);
        QCOMPARE(a->text, QStringLiteral("hello, \"world\""));
        QVERIFY(a->hasImage());
        QCOMPARE(a->meta.value(QStringLiteral("target_box")).toArray(), (QJsonArray{1, 2, 3, 4}));
        const SampleRecord *b = sample(m, QStringLiteral("b"));
        QCOMPARE(b->text, QStringLiteral("two\nlines"));
        QCOMPARE(b->line, 3);
        QVERIFY(!b->hasImage());
        QVERIFY(b->splitFromHash); // empty cell: no split given, no issue
        // Row "c" starts on line 5 because b's text spans two.
        const DataIssues c = issuesAt(m, 5);
        QCOMPARE(c.size(), 3); // missing image, unknown split, bad meta
        for (const DataIssue &i : c)
            QCOMPARE(i.sampleId, QStringLiteral("c"));
        QVERIFY(sample(m, QStringLiteral("c"))->hasText());
        expectIssue(m, 6, QString(), QStringLiteral("3 fields"));
        QCOMPARE(sample(m, QStringLiteral("e"))->line, 8);
        QCOMPARE(sample(m, QStringLiteral("e"))->split, Split::Test);
        QCOMPARE(int(m.samples.size()), 4);
        QCOMPARE(m.labels.last(), QStringLiteral("cell_10"));
    }

    void csvInvalidUtf8AndUnterminatedQuote()
    {
        writeFile(path(QStringLiteral("manifest.csv")), "id,text\na,ok\nb,caf\xe9\nc,fine\nd,\"never closed\ne,x\n");
        const Manifest m = readManifest(m_dir->path());
        expectIssue(m, 3, QStringLiteral("b"), QStringLiteral("UTF-8 at byte 5 of the row")); // the id is still readable
        expectIssue(m, 5, QString(), QStringLiteral("unterminated"));
        QCOMPARE(int(m.samples.size()), 2);

        // Without readable column names nothing can be read: one issue, not a row per line.
        writeFile(path(QStringLiteral("manifest.csv")), "id,t\xe9xt\na,ok\nb,ok\n");
        const Manifest header = readManifest(m_dir->path());
        QVERIFY(header.samples.empty());
        expectIssue(header, 1, QString(), QStringLiteral("header"));
        QCOMPARE(header.issues.size(), 1);
    }

    void csvWithOtherColumnNamesMapped()
    {
        media(QStringLiteral("pics/1.jpg"));
        writeFile(path(QStringLiteral("manifest.csv")), "key,caption,picture,class\n1,a red square,pics/1.jpg,3\n");
        ColumnMap columns;
        QString error;
        QVERIFY(columns.parse(QStringLiteral("id=key, text=caption,image=picture,label=class"), &error));
        const Manifest m = readManifest(m_dir->path(), columns);
        QVERIFY2(m.issues.isEmpty(), qPrintable(dump(m)));
        QCOMPARE(int(m.samples.size()), 1);
        QCOMPARE(m.samples[0].id, QStringLiteral("1"));
        QCOMPARE(m.samples[0].text, QStringLiteral("a red square"));
        QVERIFY(m.samples[0].hasImage());
        QCOMPARE(m.samples[0].label, QStringLiteral("3"));

        // Unmapped, the same file has only unknown columns and no usable sample.
        const Manifest raw = readManifest(m_dir->path());
        QVERIFY(raw.samples.empty());
        QCOMPARE(issuesAt(raw, 1).size(), 4);
    }

    void huggingFaceMetadataJsonl()
    {
        media(QStringLiteral("train/0001.png"));
        media(QStringLiteral("train/0002.png"));
        media(QStringLiteral("clips/0003.flac"));
        writeFile(path(QStringLiteral("metadata.jsonl")),
                  "{\"file_name\":\"train/0001.png\",\"caption\":\"a cat\",\"label\":\"cat\"}" "\n"
                  "{\"file_name\":\"train/0002.png\",\"caption\":\"a dog\",\"label\":\"dog\"}" "\n"
                  "{\"file_name\":\"clips/0003.flac\",\"caption\":\"a bark\",\"label\":\"dog\"}" "\n");
        QCOMPARE(findManifest(m_dir->path()), QFileInfo(path(QStringLiteral("metadata.jsonl"))).absoluteFilePath());
        ColumnMap columns;
        QVERIFY(columns.parse(QStringLiteral("text=caption"), nullptr));
        Manifest m = readManifest(m_dir->path(), columns);
        QVERIFY2(m.issues.isEmpty(), qPrintable(dump(m)));
        QCOMPARE(int(m.samples.size()), 3);
        QCOMPARE(m.samples[0].id, QStringLiteral("line-1"));
        QCOMPARE(m.samples[0].text, QStringLiteral("a cat"));
        QVERIFY(m.samples[0].hasImage() && !m.samples[0].hasAudio());
        QVERIFY(m.samples[2].hasAudio() && !m.samples[2].hasImage()); // by extension
        QCOMPARE(m.labels, (QStringList{QStringLiteral("cat"), QStringLiteral("dog")}));

        // Explicit mapping works the same, and a manifest.* takes precedence.
        QVERIFY(columns.parse(QStringLiteral("text=caption,image=file_name"), nullptr));
        m = readManifest(path(QStringLiteral("metadata.jsonl")), columns);
        QVERIFY2(m.issues.isEmpty(), qPrintable(dump(m)));
        QVERIFY(m.samples[1].hasImage());
        writeFile(path(QStringLiteral("manifest.jsonl")), "{\"id\":\"x\",\"text\":\"y\"}" "\n");
        QCOMPARE(findManifest(m_dir->path()), QFileInfo(path(QStringLiteral("manifest.jsonl"))).absoluteFilePath());
    }

    void columnMapParsing()
    {
        ColumnMap map;
        QString error;
        QVERIFY(map.isEmpty());
        QVERIFY(map.parse(QStringLiteral("text=caption,image=file_name"), &error));
        QCOMPARE(map.column(QStringLiteral("text")), QStringLiteral("caption"));
        QCOMPARE(map.column(QStringLiteral("label")), QStringLiteral("label"));
        QCOMPARE(map.toString(), QStringLiteral("text=caption,image=file_name"));
        QVERIFY(!map.parse(QStringLiteral("text=caption,colour=hue"), &error));
        QVERIFY2(error.contains(QStringLiteral("colour=hue")), qPrintable(error));
        QCOMPARE(map.column(QStringLiteral("text")), QStringLiteral("caption")); // unchanged on error
        QVERIFY(!map.parse(QStringLiteral("image"), &error));
        QVERIFY2(error.contains(QStringLiteral("\"image\"")), qPrintable(error));
        QVERIFY(!map.parse(QStringLiteral("text="), &error));
        QVERIFY2(error.contains(QStringLiteral("\"text=\"")), qPrintable(error));
        QVERIFY(!map.parse(QStringLiteral("text=a,text=b"), &error));
        QVERIFY2(error.contains(QStringLiteral("text=b")), qPrintable(error));
        QVERIFY(map.parse(QString(), &error));
        QVERIFY(map.isEmpty());
    }

    void everyIssuePrintsManifestLineIdFieldAndPath()
    {
        // Read as "line 1 of the manifest, sample a, its image", never "line 1 of the image".
        const Manifest m = jsonl("{\"id\":\"a\",\"text\":\"x\",\"image\":\"images/none.png\"}" "\n"
                                 "{\"id\":\"b\",\"text\":\"x\",\"label\":true}" "\n");
        QCOMPARE(issuesAt(m, 1).first().toString(),
                 QStringLiteral("manifest.jsonl:1 [a]: image \"images/none.png\": file not found; image dropped"));
        QCOMPARE(issuesAt(m, 2).first().toString(),
                 QStringLiteral("manifest.jsonl:2 [b]: label: must be a string, a number, an object of numbers or a list of tags, not a boolean; sample kept unlabeled"));
        // A line that names no field keeps the short form.
        const DataIssue whole{QStringLiteral("c"), path(QStringLiteral("manifest.jsonl")), 3, QStringLiteral("duplicate id")};
        QCOMPARE(whole.toString(), QStringLiteral("manifest.jsonl:3 [c]: duplicate id"));
    }

    void invalidUtf8NamesByteOffsetAndId()
    {
        const QByteArray first = "{\"id\":\"a\",\"text\":\"ok\"}\n";
        const QByteArray bad = QByteArray("{\"id\":\"s0002\",\"text\":\"caf") + "\xe9" + "\"}\n";
        const Manifest m = jsonl(first + bad + "{\"te\xff\":1}\n");
        const DataIssues at = issuesAt(m, 2);
        QCOMPARE(at.size(), 1);
        QCOMPARE(at.first().sampleId, QStringLiteral("s0002")); // still readable around the bad byte
        const int inLine = int(bad.indexOf('\xe9'));
        QVERIFY2(at.first().reason.contains(QStringLiteral("at byte %1 of the line (byte %2 of the file)")
                                                .arg(inLine).arg(first.size() + inLine)),
                 qPrintable(at.first().reason));
        QVERIFY(issuesAt(m, 3).first().sampleId.isEmpty()); // no id to read
        QCOMPARE(int(m.samples.size()), 1);
    }

    void pathWithNulByteIsAnIssueNotATruncation()
    {
        media(QStringLiteral("images/a.png"));
        const Manifest m = jsonl("{\"id\":\"a\",\"text\":\"x\",\"image\":\"images/a.png\\u0000.txt\"}" "\n");
        expectIssue(m, 1, QStringLiteral("a"), QStringLiteral("NUL byte"));
        QVERIFY(!sample(m, QStringLiteral("a"))->hasImage()); // not images/a.png
        QVERIFY2(issuesAt(m, 1).first().toString().contains(QStringLiteral("images/a.png\\u0000.txt")),
                 qPrintable(dump(m)));

        QVERIFY(QFile::remove(path(QStringLiteral("manifest.jsonl")))); // the CSV is read alone
        writeFile(path(QStringLiteral("manifest.csv")), QByteArray("id,text,image\nb,x,images/a.png\0.txt\n", 36));
        const Manifest csv = readManifest(m_dir->path());
        expectIssue(csv, 2, QStringLiteral("b"), QStringLiteral("NUL byte"));
        QVERIFY(!sample(csv, QStringLiteral("b"))->hasImage());
    }

    void blankAndNumericLabels()
    {
        const Manifest m = jsonl("{\"id\":\"a\",\"text\":\"x\",\"label\":\"\"}" "\n"
                                 "{\"id\":\"b\",\"text\":\"x\",\"label\":\"  \"}" "\n"
                                 "{\"id\":\"c\",\"text\":\"x\",\"label\":5}" "\n"
                                 "{\"id\":\"d\",\"text\":\"x\",\"label\":5.0}" "\n"
                                 "{\"id\":\"e\",\"text\":\"x\",\"label\":\"5.00\"}" "\n"
                                 "{\"id\":\"f\",\"text\":\"x\",\"label\":\"007\"}" "\n"
                                 "{\"id\":\"g\",\"text\":\"x\",\"label\":2.5}" "\n", {}, TaskRequest::Classify);
        expectIssue(m, 1, QStringLiteral("a"), QStringLiteral("empty label"));
        expectIssue(m, 2, QStringLiteral("b"), QStringLiteral("whitespace"));
        QCOMPARE(issuesAt(m, 1).first().field, QStringLiteral("label"));
        QVERIFY(sample(m, QStringLiteral("a"))->label.isEmpty());
        // 5, 5.0 and "5.00" are one class; "007" is a name, kept as written.
        QCOMPARE(m.labels, (QStringList{QStringLiteral("2.5"), QStringLiteral("5"), QStringLiteral("007")}));
        QCOMPARE(m.issues.size(), 2);
    }

    void bothManifestsPresentSaysWhichIsRead()
    {
        writeFile(path(QStringLiteral("manifest.csv")), "id,text\nz,x\n");
        const Manifest m = jsonl("{\"id\":\"a\",\"text\":\"x\"}" "\n");
        QCOMPARE(m.issues.size(), 1);
        QVERIFY2(m.issues[0].reason.contains(QStringLiteral("manifest.csv is also present and ignored"))
                     && m.issues[0].reason.contains(QStringLiteral("manifest.jsonl is the manifest read")),
                 qPrintable(dump(m)));
        QVERIFY(sample(m, QStringLiteral("a")) && !sample(m, QStringLiteral("z")));
    }

    void wrongTypedTextFileBesideTextIsAnIssue()
    {
        const Manifest m = jsonl("{\"id\":\"a\",\"text\":\"inline\",\"text_file\":42}" "\n");
        expectIssue(m, 1, QStringLiteral("a"), QStringLiteral("not a number"));
        QCOMPARE(issuesAt(m, 1).first().field, QStringLiteral("text_file"));
        QCOMPARE(sample(m, QStringLiteral("a"))->text, QStringLiteral("inline"));
    }

    void unterminatedCsvQuoteSaysHowManyRowsWereLost()
    {
        writeFile(path(QStringLiteral("manifest.csv")), "id,text\na,ok\nb,\"never closed\nc,x\n\nd,y\ne,z\n");
        const Manifest m = readManifest(m_dir->path());
        const DataIssues at = issuesAt(m, 3);
        QCOMPARE(at.size(), 1);
        // Rows c, d and e (lines 4 to 7, one blank) went into b's quoted field.
        QVERIFY2(at.first().reason.contains(QStringLiteral("3 row(s) after it (through line 7) are lost")), qPrintable(dump(m)));
        QCOMPARE(int(m.samples.size()), 1);
    }

    void manifestThatIsNoFileSaysWhatItIs()
    {
        QVERIFY(QDir().mkpath(path(QStringLiteral("dir/manifest.jsonl"))));
        Manifest m = readManifest(path(QStringLiteral("dir")));
        QCOMPARE(m.issues.size(), 1);
        QVERIFY2(m.issues[0].reason.contains(QStringLiteral("manifest.jsonl is a directory")), qPrintable(dump(m)));

        QVERIFY(QDir().mkpath(path(QStringLiteral("fifo"))));
        QCOMPARE(::mkfifo(QFile::encodeName(path(QStringLiteral("fifo/manifest.jsonl"))).constData(), 0644), 0);
        QElapsedTimer timer;
        timer.start();
        m = readManifest(path(QStringLiteral("fifo")));
        QVERIFY2(m.issues.value(0).reason.contains(QStringLiteral("a FIFO")), qPrintable(dump(m)));
        m = readManifest(path(QStringLiteral("fifo/manifest.jsonl"))); // named directly: never opened
        QVERIFY2(m.issues.value(0).reason.contains(QStringLiteral("a FIFO")), qPrintable(dump(m)));
        QVERIFY(timer.elapsed() < 5000);

        QVERIFY(QDir().mkpath(path(QStringLiteral("dangling"))));
        QVERIFY(QFile::link(path(QStringLiteral("nowhere.jsonl")), path(QStringLiteral("dangling/manifest.jsonl"))));
        m = readManifest(path(QStringLiteral("dangling")));
        QVERIFY2(m.issues.value(0).reason.contains(QStringLiteral("dangling link")), qPrintable(dump(m)));
        m = readManifest(path(QStringLiteral("dangling/manifest.jsonl")));
        QVERIFY2(m.issues.value(0).reason.contains(QStringLiteral("dangling link")), qPrintable(dump(m)));
        QVERIFY(whyNoManifest(path(QStringLiteral("dangling"))).contains(QStringLiteral("dangling link")));
    }

    void fifoDirectoryAndOutsideLinkAsMediaAreRefusedWithoutBlocking()
    {
        QTemporaryDir outside;
        writeFile(outside.filePath(QStringLiteral("story.txt")), "secret words");
        QCOMPARE(::mkfifo(QFile::encodeName(path(QStringLiteral("pipe.wav"))).constData(), 0644), 0);
        QCOMPARE(::mkfifo(QFile::encodeName(path(QStringLiteral("pipe.txt"))).constData(), 0644), 0);
        QVERIFY(QDir().mkpath(path(QStringLiteral("folder.png"))));
        QVERIFY(QFile::link(outside.filePath(QStringLiteral("story.txt")), path(QStringLiteral("story.txt"))));
        QElapsedTimer timer;
        timer.start();
        const Manifest m = jsonl("{\"id\":\"a\",\"text\":\"x\",\"audio\":\"pipe.wav\"}" "\n"
                                 "{\"id\":\"b\",\"text\":\"x\",\"image\":\"folder.png\"}" "\n"
                                 "{\"id\":\"c\",\"text_file\":\"pipe.txt\",\"image\":\"folder.png\"}" "\n"
                                 "{\"id\":\"d\",\"text_file\":\"story.txt\"}" "\n");
        QVERIFY(timer.elapsed() < 5000);
        expectIssue(m, 1, QStringLiteral("a"), QStringLiteral("a FIFO"));
        expectIssue(m, 2, QStringLiteral("b"), QStringLiteral("a directory"));
        QVERIFY2(issuesAt(m, 3).first().reason.contains(QStringLiteral("a FIFO")), qPrintable(dump(m)));
        QVERIFY2(issuesAt(m, 4).first().reason.contains(QStringLiteral("leaves the dataset folder")), qPrintable(dump(m)));
        QCOMPARE(issuesAt(m, 4).first().field, QStringLiteral("text_file"));
        QVERIFY(!sample(m, QStringLiteral("d"))); // no text of its own left
    }

    void longTextIsCappedInLinearTime()
    {
        // 5 000 000 characters without a space: parsed once, kept up to the cap, with an issue.
        QByteArray line = "{\"id\":\"long\",\"text\":\"";
        line += QByteArray(5000000, 'a');
        line += "\"}\n{\"id\":\"short\",\"text\":\"fine\"}\n";
        QElapsedTimer timer;
        timer.start();
        const Manifest m = jsonl(line);
        const qint64 ms = timer.elapsed();
        QCOMPARE(int(m.samples.size()), 2);
        QCOMPARE(sample(m, QStringLiteral("long"))->text.size(), qsizetype(kMaxTextChars));
        expectIssue(m, 1, QStringLiteral("long"), QStringLiteral("5000000 characters; only the first 65536 are kept"));
        QVERIFY2(ms < 10000, qPrintable(QString::number(ms)));
        qInfo("readManifest: a 5 000 000-character text in %lld ms", ms);
    }

    void longTextFileIsReadOnlyAsFarAsKept()
    {
        // A 12 MB Chinese document (3 bytes a character, no spaces): a bounded prefix is read,
        // cut at a character boundary.
        const QByteArray zhong("\xe4\xb8\xad");
        QByteArray doc;
        doc.reserve(12 * 1024 * 1024);
        while (doc.size() < 12 * 1024 * 1024)
            doc += zhong;
        doc += "\xff"; // invalid, but past what is read
        writeFile(path(QStringLiteral("texts/article.txt")), doc);
        QElapsedTimer timer;
        timer.start();
        const Manifest m = jsonl("{\"id\":\"a\",\"text_file\":\"texts/article.txt\"}" "\n");
        QVERIFY(timer.elapsed() < 5000);
        const SampleRecord *a = sample(m, QStringLiteral("a"));
        QVERIFY2(a, qPrintable(dump(m)));
        QCOMPARE(a->text.size(), qsizetype(kMaxTextChars));
        QVERIFY(a->text.startsWith(QString::fromUtf8(zhong)) && a->text.endsWith(QString::fromUtf8(zhong)));
        expectIssue(m, 1, QStringLiteral("a"), QStringLiteral("only the first 65536 characters are read"));
        QCOMPARE(issuesAt(m, 1).first().path, QStringLiteral("texts/article.txt"));
    }

    void parses100kLinesQuickly()
    {
        // 1000 distinct files referenced 100 times each: every line still costs its stats.
        for (int i = 0; i < 1000; ++i) {
            media(QStringLiteral("images/%1.png").arg(i));
            media(QStringLiteral("audio/%1.flac").arg(i));
        }
        QByteArray lines;
        lines.reserve(100000 * 190);
        for (int i = 0; i < 100000; ++i) {
            const QByteArray n = QByteArray::number(i), f = QByteArray::number(i % 1000);
            lines += "{\"id\":\"s" + n + "\",\"text\":\"where is the circle?\",\"image\":\"images/" + f
                     + ".png\",\"audio\":\"audio/" + f + ".flac\",\"label\":\"cell_" + QByteArray::number(i % 9)
                     + "\",\"meta\":{\"target_box\":[21,0,42,21]}}" "\n";
        }
        writeFile(path(QStringLiteral("manifest.jsonl")), lines);
        // Printed, not asserted: timings on a shared machine are too noisy to gate on.
        for (const char *run : {"first", "second"}) {
            QElapsedTimer timer;
            timer.start();
            const Manifest m = readManifest(m_dir->path());
            const qint64 ms = timer.elapsed();
            QCOMPARE(int(m.samples.size()), 100000);
            QVERIFY(m.issues.isEmpty());
            QCOMPARE(m.labels.size(), 9);
            qInfo("readManifest, %s run: 100000 JSONL lines (200000 file checks) in %lld ms", run, ms);
        }
    }
};

QTEST_GUILESS_MAIN(TestManifest)
#include "test_manifest.moc"
