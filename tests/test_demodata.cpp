#include "core/commands/commands.h"
#include "core/data/audiodecoder.h"
#include "core/demo/objectscene.h"
#include "core/demo/shapesavscene.h"
#include "core/util/terminalprogress.h"
#include "tests/testsupport.h"

#include <QtCore/QCryptographicHash>
#include <QtCore/QDirIterator>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>
#include <opencv2/imgcodecs.hpp>
#include <pty.h>
#include <set>
#include <unistd.h>

namespace {

constexpr int kSamples = 60;

QMap<QString, QByteArray> hashTree(const QString &root)
{
    QMap<QString, QByteArray> hashes;
    QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile file(path);
        file.open(QIODevice::ReadOnly);
        hashes.insert(QDir(root).relativeFilePath(path), QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256));
    }
    return hashes;
}

QList<QJsonObject> readManifest(const QString &root)
{
    QFile file(QDir(root).filePath(QStringLiteral("manifest.jsonl")));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QList<QJsonObject> lines;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (!line.isEmpty())
            lines << QJsonDocument::fromJson(line).object();
    }
    return lines;
}

int paletteIndex(const QString &name)
{
    for (int i = 0; i < kShapesAvColours; ++i) {
        if (shapesAvColourName(i) == name)
            return i;
    }
    return -1;
}

int shapeIndex(const QString &name)
{
    for (int i = 0; i < kShapesAvShapes; ++i) {
        if (shapesAvShapeName(i) == name)
            return i;
    }
    return -1;
}

/** Pixels of the cell within a small distance of the palette colour. */
int pixelsOfColour(const cv::Mat &bgr, const std::array<int, 4> &box, int colour)
{
    const std::array<std::uint8_t, 3> rgb = shapesAvColourRgb(colour);
    int count = 0;
    for (int y = box[1]; y < box[3]; ++y) {
        for (int x = box[0]; x < box[2]; ++x) {
            const cv::Vec3b p = bgr.at<cv::Vec3b>(y, x);
            if (std::abs(p[2] - rgb[0]) + std::abs(p[1] - rgb[1]) + std::abs(p[0] - rgb[2]) < 30)
                ++count;
        }
    }
    return count;
}

/**
 * Runs the command in this process with stdout and stderr captured: a process start costs
 * more than a 60-sample dataset, so only the behaviour of the binary itself uses one.
 */
testsupport::ProcessResult runInProcess(const QStringList &arguments)
{
    testsupport::ProcessResult result;
    std::fflush(stdout);
    std::fflush(stderr);
    FILE *outFile = std::tmpfile();
    FILE *errFile = std::tmpfile();
    const int savedOut = dup(STDOUT_FILENO);
    const int savedErr = dup(STDERR_FILENO);
    dup2(fileno(outFile), STDOUT_FILENO);
    dup2(fileno(errFile), STDERR_FILENO);
    result.exitCode = runDemoDataCommand(arguments);
    std::fflush(stdout);
    std::fflush(stderr);
    dup2(savedOut, STDOUT_FILENO);
    dup2(savedErr, STDERR_FILENO);
    ::close(savedOut);
    ::close(savedErr);
    for (auto [file, bytes] : {std::pair{outFile, &result.out}, std::pair{errFile, &result.err}}) {
        std::rewind(file);
        char buffer[4096];
        for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, file)) > 0;)
            bytes->append(buffer, qsizetype(n));
        std::fclose(file);
    }
    return result;
}

} // namespace

/** `fusionscope demo-data`: the Shapes-AV files, their consistency, determinism and refusals. */
class TestDemoData final : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_tmp;
    QString m_first, m_again, m_otherSeed;
    testsupport::ProcessResult m_firstRun;

    QString path(const QString &name) const { return m_tmp.filePath(name); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_first = path(QStringLiteral("first"));
        m_again = path(QStringLiteral("again"));
        m_otherSeed = path(QStringLiteral("other"));
        // Progress enabled: on a pipe it must still print nothing.
        qunsetenv("FUSIONSCOPE_NO_PROGRESS");
        m_firstRun = testsupport::runFusionscope({QStringLiteral("demo-data"), QStringLiteral("--out"), m_first,
                                                  QStringLiteral("--samples"), QString::number(kSamples), QStringLiteral("--seed"), QStringLiteral("7")});
        qputenv("FUSIONSCOPE_NO_PROGRESS", "1");
        QVERIFY2(m_firstRun.exitCode == 0, m_firstRun.err.constData());
        const auto again = runInProcess({QStringLiteral("--out"), m_again,
                                         QStringLiteral("--samples"), QString::number(kSamples), QStringLiteral("--seed"), QStringLiteral("7"),
                                         QStringLiteral("--threads"), QStringLiteral("1")});
        QVERIFY2(again.exitCode == 0, again.err.constData());
        const auto other = runInProcess({QStringLiteral("--out"), m_otherSeed,
                                         QStringLiteral("--samples"), QString::number(kSamples), QStringLiteral("--seed"), QStringLiteral("8")});
        QVERIFY2(other.exitCode == 0, other.err.constData());
    }

    void pipeGetsOnlyTheSummary()
    {
        QVERIFY2(m_firstRun.err.isEmpty(), m_firstRun.err.constData());
        const QList<QByteArray> lines = m_firstRun.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 1);
        QVERIFY2(lines[0].contains("60 samples") && lines[0].contains("48 train"), lines[0].constData());
    }

    void writesFilesAndManifestFields()
    {
        QFile readme(QDir(m_first).filePath(QStringLiteral("README.txt")));
        QVERIFY(readme.open(QIODevice::ReadOnly));
        QVERIFY(readme.readAll().contains("image + text"));
        QFile raw(QDir(m_first).filePath(QStringLiteral("manifest.jsonl")));
        QVERIFY(raw.open(QIODevice::ReadOnly));
        // Key order as in DESIGN.md's example.
        QVERIFY(raw.readLine().startsWith("{\"id\":\"s00001\",\"text\":\""));

        const QList<QJsonObject> lines = readManifest(m_first);
        QCOMPARE(lines.size(), kSamples);
        QMap<QString, int> splits;
        for (int i = 0; i < lines.size(); ++i) {
            const QJsonObject &o = lines[i];
            const QString id = QStringLiteral("s%1").arg(i + 1, 5, 10, QLatin1Char('0'));
            QCOMPARE(o.value(QStringLiteral("id")).toString(), id);
            QCOMPARE(o.value(QStringLiteral("image")).toString(), QStringLiteral("images/%1.png").arg(id));
            QCOMPARE(o.value(QStringLiteral("audio")).toString(), QStringLiteral("audio/%1.ogg").arg(id));
            QVERIFY(QFileInfo(QDir(m_first).filePath(o.value(QStringLiteral("image")).toString())).size() > 0);
            QVERIFY(QFileInfo(QDir(m_first).filePath(o.value(QStringLiteral("audio")).toString())).size() > 0);
            QVERIFY(!o.value(QStringLiteral("text")).toString().isEmpty());
            ++splits[o.value(QStringLiteral("split")).toString()];
            const QJsonObject meta = o.value(QStringLiteral("meta")).toObject();
            for (const char *key : {"target_box", "shape", "colour", "voice", "language", "objects"})
                QVERIFY2(meta.contains(QLatin1String(key)), key);
        }
        QCOMPARE(splits.value(QStringLiteral("train")), 48);
        QCOMPARE(splits.value(QStringLiteral("val")), 6);
        QCOMPARE(splits.value(QStringLiteral("test")), 6);
        QCOMPARE(QDir(QDir(m_first).filePath(QStringLiteral("images"))).entryList(QDir::Files).size(), kSamples);
        QCOMPARE(QDir(QDir(m_first).filePath(QStringLiteral("audio"))).entryList(QDir::Files).size(), kSamples);
    }

    void labelNamesTheCellOfSpokenColourAndNamedShape()
    {
        int chinese = 0, extras = 0;
        for (const QJsonObject &o : readManifest(m_first)) {
            const QString id = o.value(QStringLiteral("id")).toString();
            const QJsonObject meta = o.value(QStringLiteral("meta")).toObject();
            const QString shape = meta.value(QStringLiteral("shape")).toString();
            const QString colour = meta.value(QStringLiteral("colour")).toString();
            const QJsonArray objects = meta.value(QStringLiteral("objects")).toArray();
            QVERIFY2(objects.size() == 4 || objects.size() == 5, qPrintable(id));
            std::set<int> cells;
            std::set<QString> pairShapes, pairColours, combos;
            int matches = 0, targetCell = -1;
            for (int k = 0; k < objects.size(); ++k) {
                const QJsonObject object = objects[k].toObject();
                const int cell = object.value(QStringLiteral("cell")).toInt(-1);
                QVERIFY(cell >= 0 && cell < 9);
                cells.insert(cell);
                const QString s = object.value(QStringLiteral("shape")).toString();
                const QString c = object.value(QStringLiteral("colour")).toString();
                if (k < 4) {
                    pairShapes.insert(s);
                    pairColours.insert(c);
                    combos.insert(s + QLatin1Char('/') + c);
                } else {
                    ++extras;
                    QVERIFY2(!pairShapes.count(s) && !pairColours.count(c), qPrintable(id + QStringLiteral(": extra object matches the pair")));
                }
                if (s == shape && c == colour) {
                    ++matches;
                    targetCell = cell;
                }
            }
            QCOMPARE(int(cells.size()), int(objects.size()));
            QCOMPARE(int(pairShapes.size()), 2);
            QCOMPARE(int(pairColours.size()), 2);
            QCOMPARE(int(combos.size()), 4);
            QVERIFY2(matches == 1, qPrintable(id));
            QCOMPARE(o.value(QStringLiteral("label")).toString(), QStringLiteral("cell_%1").arg(targetCell));

            int shapeIndex = 0;
            while (shapeIndex < kShapesAvShapes && shapesAvShapeName(shapeIndex) != shape)
                ++shapeIndex;
            QVERIFY(shapeIndex < kShapesAvShapes);
            const QString text = o.value(QStringLiteral("text")).toString();
            if (meta.value(QStringLiteral("language")).toString() == QLatin1String("zh")) {
                ++chinese;
                QVERIFY2(text.contains(shapesAvShapeNameZh(shapeIndex)), qPrintable(text));
            } else {
                QVERIFY2(text.contains(shape), qPrintable(text));
            }

            const QJsonArray box = meta.value(QStringLiteral("target_box")).toArray();
            QCOMPARE(box.size(), 4);
            QVERIFY(box[0].toInt() >= 0 && box[1].toInt() >= 0 && box[2].toInt() <= 64 && box[3].toInt() <= 64);
            QVERIFY(box[0].toInt() < box[2].toInt() && box[1].toInt() < box[3].toInt());
            const std::array<int, 4> expected = shapesAvCellBox(targetCell, 64);
            QCOMPARE(box[0].toInt(), expected[0]);
            QCOMPARE(box[3].toInt(), expected[3]);
        }
        QVERIFY2(chinese > 5 && chinese < 30, qPrintable(QString::number(chinese)));
        QVERIFY2(extras > 15 && extras < 45, qPrintable(QString::number(extras)));
    }

    void imagesShowTheRecordedObjects()
    {
        for (const QJsonObject &o : readManifest(m_first)) {
            const QString image = QDir(m_first).filePath(o.value(QStringLiteral("image")).toString());
            const cv::Mat bgr = cv::imread(image.toStdString(), cv::IMREAD_COLOR);
            QCOMPARE(bgr.cols, 64);
            QCOMPARE(bgr.rows, 64);
            std::map<int, int> colourOfCell;
            for (const QJsonValue &value : o.value(QStringLiteral("meta")).toObject().value(QStringLiteral("objects")).toArray()) {
                const QJsonObject object = value.toObject();
                colourOfCell[object.value(QStringLiteral("cell")).toInt()] = paletteIndex(object.value(QStringLiteral("colour")).toString());
            }
            for (int cell = 0; cell < 9; ++cell) {
                const std::array<int, 4> box = shapesAvCellBox(cell, 64);
                for (int colour = 0; colour < kShapesAvColours; ++colour) {
                    const int pixels = pixelsOfColour(bgr, box, colour);
                    const bool expected = colourOfCell.count(cell) && colourOfCell[cell] == colour;
                    QVERIFY2(expected ? pixels > 40 : pixels == 0,
                             qPrintable(QStringLiteral("%1 cell %2 colour %3: %4 px").arg(image).arg(cell).arg(shapesAvColourName(colour)).arg(pixels)));
                }
            }
        }
    }

    void audioIsShortSpeechAt16k()
    {
        const QList<QJsonObject> lines = readManifest(m_first);
        for (int i = 0; i < 6; ++i) {
            const DecodedAudio audio = decodeAudio(QDir(m_first).filePath(lines[i].value(QStringLiteral("audio")).toString()));
            QVERIFY2(audio.ok(), qPrintable(audio.error));
            QVERIFY2(audio.seconds() > 0.3 && audio.seconds() < 2.5, qPrintable(QString::number(audio.seconds())));
            float peak = 0.0f;
            for (float v : audio.samples)
                peak = std::max(peak, std::fabs(v));
            QVERIFY(peak > 0.1f);
        }
    }

    void sameSeedSameBytesOtherSeedOtherBytes()
    {
        const QMap<QString, QByteArray> first = hashTree(m_first);
        QCOMPARE(first.size(), 2 * kSamples + 2);
        QCOMPARE(hashTree(m_again), first); // one thread vs all cores too
        const QMap<QString, QByteArray> other = hashTree(m_otherSeed);
        int differing = 0;
        for (auto it = first.cbegin(); it != first.cend(); ++it)
            differing += other.value(it.key()) != it.value();
        QVERIFY2(differing > kSamples, qPrintable(QString::number(differing)));
    }

    void objectsKindDescribesOneObjectThreeWays()
    {
        // Objects-AV: the caption, the image and the voice all name the same object; some
        // samples lack one modality, none lacks two; the same arguments write the same bytes.
        const int samples = 200;
        const QString first = path(QStringLiteral("objects"));
        const QString again = path(QStringLiteral("objects-again"));
        // Two processes, as users run it: espeak-ng keeps state between syntheses in one process.
        auto result = testsupport::runFusionscope({QStringLiteral("demo-data"), QStringLiteral("--out"), first, QStringLiteral("--kind"),
                                                   QStringLiteral("objects"), QStringLiteral("--samples"), QString::number(samples)});
        QVERIFY2(result.exitCode == 0, result.err.constData());
        result = testsupport::runFusionscope({QStringLiteral("demo-data"), QStringLiteral("--out"), again, QStringLiteral("--kind"),
                                              QStringLiteral("objects"), QStringLiteral("--samples"), QString::number(samples),
                                              QStringLiteral("--threads"), QStringLiteral("1")});
        QVERIFY2(result.exitCode == 0, result.err.constData());
        const QMap<QString, QByteArray> firstHashes = hashTree(first);
        const QMap<QString, QByteArray> againHashes = hashTree(again);
        QStringList differing;
        for (auto it = firstHashes.cbegin(); it != firstHashes.cend(); ++it)
            if (againHashes.value(it.key()) != it.value())
                differing << it.key();
        QVERIFY2(differing.isEmpty() && againHashes.size() == firstHashes.size(), qPrintable(differing.join(QStringLiteral(", "))));

        const QList<QJsonObject> lines = readManifest(first);
        QCOMPARE(lines.size(), samples);
        int noText = 0, noImage = 0, noAudio = 0, chinese = 0;
        std::set<QString> labels;
        for (const QJsonObject &o : lines) {
            const QString id = o.value(QStringLiteral("id")).toString();
            const QJsonObject meta = o.value(QStringLiteral("meta")).toObject();
            const QString shape = meta.value(QStringLiteral("shape")).toString();
            const QString colour = meta.value(QStringLiteral("colour")).toString();
            QCOMPARE(o.value(QStringLiteral("label")).toString(), colour + QLatin1Char(' ') + shape);
            labels.insert(o.value(QStringLiteral("label")).toString());
            const bool text = o.value(QStringLiteral("text")).isString();
            const bool image = o.value(QStringLiteral("image")).isString();
            const bool audio = o.value(QStringLiteral("audio")).isString();
            QVERIFY2(int(text) + int(image) + int(audio) >= 2, qPrintable(id));
            noText += text ? 0 : 1;
            noImage += image ? 0 : 1;
            noAudio += audio ? 0 : 1;
            if (text && meta.value(QStringLiteral("language")).toString() == QLatin1String("zh")) {
                ++chinese;
                const QString caption = o.value(QStringLiteral("text")).toString();
                QVERIFY2(caption.contains(shapesAvShapeNameZh(shapeIndex(shape)))
                             && caption.contains(objectColourNameZh(paletteIndex(colour))), qPrintable(id + QStringLiteral(": ") + caption));
            } else if (text) {
                const QString caption = o.value(QStringLiteral("text")).toString();
                QVERIFY2(caption.contains(colour) && caption.contains(shape), qPrintable(id + QStringLiteral(": ") + caption));
            }
            if (image) {
                // The named object covers its box in its colour (clutter is small and drawn below it).
                const cv::Mat bgr = cv::imread(QDir(first).filePath(o.value(QStringLiteral("image")).toString()).toStdString(), cv::IMREAD_COLOR);
                QCOMPARE(bgr.cols, 64);
                const QJsonArray box = meta.value(QStringLiteral("target_box")).toArray();
                const std::array<int, 4> pixels{box[0].toInt(), box[1].toInt(), box[2].toInt(), box[3].toInt()};
                const int area = (pixels[2] - pixels[0]) * (pixels[3] - pixels[1]);
                QVERIFY2(pixelsOfColour(bgr, pixels, paletteIndex(colour)) > area / 8, qPrintable(id)); // a thin star still fills a quarter
            }
            if (audio && noAudio + noText + noImage < 3) { // decode a few
                const DecodedAudio clip = decodeAudio(QDir(first).filePath(o.value(QStringLiteral("audio")).toString()));
                QVERIFY2(clip.ok(), qPrintable(clip.error));
                QVERIFY2(clip.seconds() > 0.5 && clip.seconds() < 3.5, qPrintable(QString::number(clip.seconds())));
            }
        }
        // 25 %, 8 %, 12 % of 200 samples, give or take what chance gives (more than 4 sigma either way).
        QVERIFY2(noText >= 25 && noText <= 75 && noImage >= 4 && noImage <= 35 && noAudio >= 8 && noAudio <= 45,
                 qPrintable(QStringLiteral("%1 %2 %3").arg(noText).arg(noImage).arg(noAudio)));
        QVERIFY2(chinese > 20, qPrintable(QString::number(chinese)));
        QVERIFY2(labels.size() > 25, qPrintable(QString::number(labels.size()))); // of 36
        QFile readme(QDir(first).filePath(QStringLiteral("README.txt")));
        QVERIFY(readme.open(QIODevice::ReadOnly));
        const QByteArray readmeText = readme.readAll();
        QVERIFY(readmeText.startsWith("Shapes-AV demo dataset") && readmeText.contains("OBJECTS-AV (--kind objects)"));
    }

    void refusesForeignAndExistingFolders()
    {
        const QString foreign = path(QStringLiteral("foreign"));
        testsupport::writeFile(QDir(foreign).filePath(QStringLiteral("notes.txt")), "mine");
        auto result = testsupport::runFusionscope({QStringLiteral("demo-data"), QStringLiteral("--out"), foreign, QStringLiteral("--samples"), QStringLiteral("5")});
        QVERIFY(result.exitCode != 0);
        QVERIFY2(result.err.contains("not empty"), result.err.constData());
        QCOMPARE(QDir(foreign).entryList(QDir::NoDotAndDotDot | QDir::AllEntries), QStringList{QStringLiteral("notes.txt")});

        result = runInProcess({QStringLiteral("--out"), m_again, QStringLiteral("--samples"), QStringLiteral("5")});
        QVERIFY(result.exitCode != 0);
        QVERIFY2(result.err.contains("--force"), result.err.constData());
        QCOMPARE(readManifest(m_again).size(), kSamples);

        // --force replaces it entirely: no stale files from the larger dataset remain.
        result = runInProcess({QStringLiteral("--out"), m_again, QStringLiteral("--samples"), QStringLiteral("5"), QStringLiteral("--force")});
        QVERIFY2(result.exitCode == 0, result.err.constData());
        QCOMPARE(readManifest(m_again).size(), 5);
        QCOMPARE(hashTree(m_again).size(), 2 * 5 + 2);
    }

    void badArgumentsGiveAClearMessage_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QByteArray>("message");
        QTest::newRow("samples abc") << QStringList{QStringLiteral("--samples"), QStringLiteral("abc")} << QByteArray("--samples must be a whole number");
        QTest::newRow("samples 0") << QStringList{QStringLiteral("--samples"), QStringLiteral("0")} << QByteArray("got '0'");
        QTest::newRow("image size") << QStringList{QStringLiteral("--image-size"), QStringLiteral("5")} << QByteArray("--image-size");
        QTest::newRow("seed") << QStringList{QStringLiteral("--seed"), QStringLiteral("-3")} << QByteArray("--seed");
        QTest::newRow("unknown") << QStringList{QStringLiteral("--bogus")} << QByteArray("bogus");
    }

    void badArgumentsGiveAClearMessage()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QByteArray, message);
        const QString out = path(QStringLiteral("bad"));
        auto result = runInProcess(QStringList{QStringLiteral("--out"), out} + arguments);
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.err.contains(message), result.err.constData());
        QVERIFY(!QFileInfo::exists(out));
    }

    void binaryRejectsANonNumber()
    {
        const auto result = testsupport::runFusionscope({QStringLiteral("demo-data"), QStringLiteral("--out"), path(QStringLiteral("abc")),
                                                         QStringLiteral("--samples"), QStringLiteral("abc")});
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.err.contains("--samples must be a whole number from 1 to 1000000, got 'abc'"), result.err.constData());
        QVERIFY(result.out.isEmpty());
    }

    void missingOutIsRefused()
    {
        const auto result = runInProcess({QStringLiteral("--samples"), QStringLiteral("3")});
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.err.contains("--out"), result.err.constData());
    }

    void missingEspeakDataIsReported()
    {
        // espeak-ng reads ESPEAK_DATA_PATH/espeak-ng-data; an empty one has no voices.
        QVERIFY(QDir().mkpath(path(QStringLiteral("nodata/espeak-ng-data"))));
        qputenv("ESPEAK_DATA_PATH", path(QStringLiteral("nodata")).toUtf8());
        const auto result = testsupport::runFusionscope({QStringLiteral("demo-data"), QStringLiteral("--out"), path(QStringLiteral("nospeech")),
                                                         QStringLiteral("--samples"), QStringLiteral("3")});
        qunsetenv("ESPEAK_DATA_PATH");
        QVERIFY(result.exitCode != 0);
        QVERIFY2(result.err.contains("espeak-ng"), result.err.constData());
    }

    void progressDrawsOnATerminalOnly()
    {
        int master = -1, slave = -1;
        QVERIFY(openpty(&master, &slave, nullptr, nullptr, nullptr) == 0);
        const int savedStderr = dup(STDERR_FILENO);
        dup2(slave, STDERR_FILENO);
        qunsetenv("FUSIONSCOPE_NO_PROGRESS");
        {
            TerminalProgress bar(QStringLiteral("demo"));
            bar.update(Progress{QStringLiteral("samples"), 1, 10, QStringLiteral("busy")});
            QTest::qWait(150);
            bar.update(Progress{QStringLiteral("samples"), 3, 10, QStringLiteral("busy")});
            for (int i = 0; i < 500; ++i)
                bar.update(Progress{QStringLiteral("samples"), 4, 10, QStringLiteral("busy")});
            bar.finish(QStringLiteral("done"));
        }
        qputenv("FUSIONSCOPE_NO_PROGRESS", "1");
        {
            TerminalProgress quiet(QStringLiteral("quiet"));
            quiet.update(Progress{QStringLiteral("samples"), 5, 10, {}});
            quiet.finish(QStringLiteral("silent"));
        }
        dup2(savedStderr, STDERR_FILENO);
        ::close(savedStderr);
        ::close(slave);
        QByteArray text;
        char buffer[4096];
        for (;;) {
            fd_set set;
            FD_ZERO(&set);
            FD_SET(master, &set);
            timeval timeout{0, 100000};
            if (select(master + 1, &set, nullptr, nullptr, &timeout) <= 0)
                break;
            const ssize_t n = read(master, buffer, sizeof buffer);
            if (n <= 0)
                break;
            text.append(buffer, n);
        }
        ::close(master);
        // 500 updates within a few ms: throttled to very few redraws.
        QVERIFY2(text.count("demo (samples)") <= 3, text.constData());
        QVERIFY2(text.contains("3/10 30%") && text.contains("/s ETA 0:0") && text.contains("busy"), text.constData());
        QVERIFY2(text.contains("demo: done"), text.constData());
        QVERIFY2(!text.contains("quiet") && !text.contains("silent"), text.constData());
    }
};

QTEST_GUILESS_MAIN(TestDemoData)
#include "test_demodata.moc"
