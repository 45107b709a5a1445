#include "core/data/imagedecoder.h"
#include "core/data/jpegdecoder.h"
#include "tests/datasetfixture.h"
#include "tests/testsupport.h"

#include <QtCore/QFile>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>
#include <opencv2/imgcodecs.hpp>
#include <atomic>
#include <cstdio>
#include <functional>
#include <fcntl.h>
#include <thread>
#include <unistd.h>

using testsupport::writeFile;

namespace {

void putBe32(QByteArray *b, quint32 v)
{
    for (int s = 24; s >= 0; s -= 8)
        b->append(char((v >> s) & 0xFF));
}
void putLe(QByteArray *b, quint32 v, int bytes)
{
    for (int i = 0; i < bytes; ++i)
        b->append(char((v >> (8 * i)) & 0xFF));
}

quint32 crc32(const QByteArray &data)
{
    quint32 c = 0xFFFFFFFFu;
    for (char ch : data) {
        c ^= uchar(ch);
        for (int k = 0; k < 8; ++k)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xFFFFFFFFu;
}

QByteArray pngChunk(const char *type, const QByteArray &data)
{
    QByteArray out;
    putBe32(&out, quint32(data.size()));
    const QByteArray body = QByteArray(type, 4) + data;
    out += body;
    putBe32(&out, crc32(body));
    return out;
}

/** A PNG written by hand (stored deflate blocks), for layouts cv::imwrite cannot produce. */
QByteArray makePng(quint32 width, quint32 height, int bitDepth, int colourType, const QByteArray &rows)
{
    QByteArray ihdr;
    putBe32(&ihdr, width);
    putBe32(&ihdr, height);
    ihdr += char(bitDepth);
    ihdr += char(colourType);
    ihdr += QByteArray(3, '\0');
    QByteArray z("\x78\x01", 2);
    for (qsizetype pos = 0; pos < rows.size() || pos == 0; pos += 65535) {
        const QByteArray block = rows.mid(pos, 65535);
        z += char(pos + 65535 >= rows.size() ? 1 : 0);
        putLe(&z, quint32(block.size()), 2);
        putLe(&z, quint32(~block.size() & 0xFFFF), 2);
        z += block;
        if (rows.isEmpty())
            break;
    }
    quint32 a = 1, b = 0;
    for (char ch : rows) {
        a = (a + uchar(ch)) % 65521;
        b = (b + a) % 65521;
    }
    putBe32(&z, b << 16 | a);
    return QByteArray("\x89PNG\r\n\x1a\n", 8) + pngChunk("IHDR", ihdr) + pngChunk("IDAT", z) + pngChunk("IEND", {});
}

/** Raw scanlines with filter byte 0, each pixel given as bytes. */
QByteArray scanlines(int width, int height, const QByteArray &pixel)
{
    QByteArray rows;
    for (int y = 0; y < height; ++y) {
        rows += '\0';
        for (int x = 0; x < width; ++x)
            rows += pixel;
    }
    return rows;
}

cv::Mat solid(int width, int height, const cv::Scalar &bgr, int type = CV_8UC3)
{
    return cv::Mat(height, width, type, bgr);
}

/** Channel c of pixel (x, y) in a CHW buffer. */
int at(const DecodedImage &image, int c, int x, int y)
{
    return image.chw[std::size_t(c * image.size * image.size + y * image.size + x)];
}

/** An APP1 segment holding one EXIF tag, Orientation, in either byte order. */
QByteArray exifSegment(int orientation, bool bigEndian)
{
    const auto put = [bigEndian](QByteArray *b, quint32 v, int bytes) {
        for (int i = 0; i < bytes; ++i)
            b->append(char((v >> (8 * (bigEndian ? bytes - 1 - i : i))) & 0xFF));
    };
    QByteArray tiff = bigEndian ? QByteArray("MM\0*", 4) : QByteArray("II*\0", 4);
    put(&tiff, 8, 4);      // IFD0 right after the header
    put(&tiff, 1, 2);      // one entry:
    put(&tiff, 0x0112, 2); //   Orientation,
    put(&tiff, 3, 2);      //   SHORT,
    put(&tiff, 1, 4);      //   one value,
    put(&tiff, quint32(orientation), 2);
    put(&tiff, 0, 2);
    put(&tiff, 0, 4);      // no next IFD
    const QByteArray payload = QByteArray("Exif\0\0", 6) + tiff;
    QByteArray segment("\xFF\xE1", 2);
    putBe32(&segment, quint32(payload.size() + 2));
    segment.remove(2, 2); // a 16-bit length
    return segment + payload;
}

/** Everything `work` wrote to file descriptor 2, where libraries print their warnings. */
QByteArray capturedStderr(const QString &log, const std::function<void()> &work)
{
    std::fflush(stderr);
    const int saved = ::dup(2);
    const int sink = ::open(QFile::encodeName(log).constData(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(sink, 2);
    work();
    std::fflush(stderr);
    ::dup2(saved, 2);
    ::close(saved);
    ::close(sink);
    QFile file(log);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

/** A JPEG with the middle half of its scan data cut out, EOI kept: libjpeg decodes it,
 *  warning "Corrupt JPEG data: ..." (extraneous bytes, premature end of the segment). */
QByteArray jpegWithCutScan(const QByteArray &jpeg)
{
    const qsizetype sos = jpeg.indexOf(QByteArray("\xFF\xDA", 2));
    const qsizetype scan = sos + 2 + (uchar(jpeg[sos + 2]) << 8 | uchar(jpeg[sos + 3]));
    const qsizetype end = jpeg.size() - 2;
    qsizetype from = scan + (end - scan) / 4;
    const qsizetype to = scan + (end - scan) * 3 / 4;
    while (uchar(jpeg[from - 1]) == 0xFF) // never leave a 0xFF without its stuffed 0x00
        ++from;
    return jpeg.left(from) + jpeg.mid(to);
}

} // namespace

/** Image decoding: every format to RGB CHW at size×size, and every bad file refused clearly. */
class TestImageDecoder final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString path(const QString &name) const { return m_dir.filePath(name); }
    QString write(const QString &name, const cv::Mat &image, const std::vector<int> &params = {})
    {
        const QString p = path(name);
        if (!cv::imwrite(p.toStdString(), image, params))
            qFatal("cv::imwrite failed for %s", qPrintable(p));
        return p;
    }
    QString raw(const QString &name, const QByteArray &bytes)
    {
        writeFile(path(name), bytes);
        return path(name);
    }
    static QByteArray read(const QString &p)
    {
        QFile f(p);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

    static void expectRgb(const DecodedImage &image, int r, int g, int b, int tolerance)
    {
        QVERIFY2(image.ok(), qPrintable(image.error));
        QCOMPARE(int(image.chw.size()), 3 * image.size * image.size);
        for (int y : {0, image.size - 1}) {
            for (int x : {0, image.size / 2}) {
                const int got[3] = {at(image, 0, x, y), at(image, 1, x, y), at(image, 2, x, y)};
                const bool near = std::abs(got[0] - r) <= tolerance && std::abs(got[1] - g) <= tolerance
                                  && std::abs(got[2] - b) <= tolerance;
                QVERIFY2(near, qPrintable(QStringLiteral("pixel (%1,%2) is %3,%4,%5, expected %6,%7,%8")
                                              .arg(x).arg(y).arg(got[0]).arg(got[1]).arg(got[2]).arg(r).arg(g).arg(b)));
            }
        }
    }
    static void expectRefused(const DecodedImage &image, const QString &needle)
    {
        QVERIFY2(!image.ok(), "decoded although it should be refused");
        QVERIFY(image.chw.empty());
        QVERIFY2(image.error.contains(needle, Qt::CaseInsensitive), qPrintable(image.error));
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void redDecodesToRedInEveryFormat_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("tolerance");
        QTest::addColumn<int>("quality");
        QTest::newRow("png") << QStringLiteral("red.png") << 0 << -1;
        QTest::newRow("jpeg") << QStringLiteral("red.jpg") << 4 << int(cv::IMWRITE_JPEG_QUALITY);
        QTest::newRow("bmp") << QStringLiteral("red.bmp") << 0 << -1;
        QTest::newRow("webp-lossless") << QStringLiteral("red-lossless.webp") << 0 << int(cv::IMWRITE_WEBP_QUALITY);
        QTest::newRow("tiff") << QStringLiteral("red.tiff") << 0 << -1;
        QTest::newRow("ppm") << QStringLiteral("red.ppm") << 0 << -1;
    }
    void redDecodesToRedInEveryFormat()
    {
        QFETCH(QString, name);
        QFETCH(int, tolerance);
        QFETCH(int, quality);
        std::vector<int> params;
        if (quality >= 0)
            params = {quality, quality == cv::IMWRITE_WEBP_QUALITY ? 101 : 100};
        const QString p = write(name, solid(40, 30, cv::Scalar(0, 0, 255)), params);
        const DecodedImage shrunk = decodeImage(p, 16);
        QCOMPARE(shrunk.size, 16);
        QCOMPARE(shrunk.originalWidth, 40);
        QCOMPARE(shrunk.originalHeight, 30);
        expectRgb(shrunk, 255, 0, 0, tolerance);
        expectRgb(decodeImage(p, 64), 255, 0, 0, tolerance); // grown
    }

    void jpegVariantsPassTheStructureWalk()
    {
        // Progressive (several scans) and restart markers inside the scan data.
        const cv::Mat image = solid(48, 40, cv::Scalar(0, 0, 255));
        expectRgb(decodeImage(write(QStringLiteral("progressive.jpg"), image, {cv::IMWRITE_JPEG_PROGRESSIVE, 1}), 16), 255, 0, 0, 4);
        expectRgb(decodeImage(write(QStringLiteral("restart.jpg"), image, {cv::IMWRITE_JPEG_RST_INTERVAL, 1}), 16), 255, 0, 0, 4);
        // Trailing bytes after the end-of-image marker (e.g. a motion photo) are fine.
        const QByteArray jpeg = read(path(QStringLiteral("restart.jpg"))) + QByteArray(5000, 'v');
        expectRgb(decodeImage(raw(QStringLiteral("trailing.jpg"), jpeg), 16), 255, 0, 0, 4);
    }

    void layoutIsChannelMajorRgb()
    {
        // Left half red, right half blue, not resized: R plane lit on the left, B on the right.
        cv::Mat image = solid(16, 16, cv::Scalar(0, 0, 255));
        image(cv::Rect(8, 0, 8, 16)).setTo(cv::Scalar(255, 0, 0));
        const DecodedImage d = decodeImage(write(QStringLiteral("halves.png"), image), 16);
        QVERIFY2(d.ok(), qPrintable(d.error));
        QCOMPARE(at(d, 0, 0, 5), 255);
        QCOMPARE(at(d, 2, 0, 5), 0);
        QCOMPARE(at(d, 0, 15, 5), 0);
        QCOMPARE(at(d, 2, 15, 5), 255);
        QCOMPARE(at(d, 1, 3, 3), 0);
    }

    void grayscaleBecomesGreyRgb()
    {
        expectRgb(decodeImage(write(QStringLiteral("gray.png"), solid(12, 12, cv::Scalar(100), CV_8UC1)), 8), 100, 100, 100, 0);
        expectRgb(decodeImage(write(QStringLiteral("gray.jpg"), solid(12, 12, cv::Scalar(100), CV_8UC1)), 8), 100, 100, 100, 2);
    }

    void alphaIsCompositedOverWhite()
    {
        expectRgb(decodeImage(write(QStringLiteral("clear.png"), solid(10, 10, cv::Scalar(0, 0, 0, 0), CV_8UC4)), 8), 255, 255, 255, 0);
        expectRgb(decodeImage(write(QStringLiteral("opaque.png"), solid(10, 10, cv::Scalar(0, 0, 255, 255), CV_8UC4)), 8), 255, 0, 0, 0);
        expectRgb(decodeImage(write(QStringLiteral("half.png"), solid(10, 10, cv::Scalar(0, 0, 0, 128), CV_8UC4)), 8), 127, 127, 127, 1);
        expectRgb(decodeImage(write(QStringLiteral("alpha.webp"), solid(10, 10, cv::Scalar(255, 0, 0, 0), CV_8UC4), {cv::IMWRITE_WEBP_QUALITY, 101}), 8),
                  255, 255, 255, 0);
        // Grey + alpha (PNG colour type 4): grey 0 at alpha 0 and 255.
        expectRgb(decodeImage(raw(QStringLiteral("ga-clear.png"), makePng(6, 6, 8, 4, scanlines(6, 6, QByteArray("\x00\x00", 2)))), 8),
                  255, 255, 255, 0);
        expectRgb(decodeImage(raw(QStringLiteral("ga-black.png"), makePng(6, 6, 8, 4, scanlines(6, 6, QByteArray("\x00\xff", 2)))), 8),
                  0, 0, 0, 0);
    }

    void sixteenBitScaledToEightBit()
    {
        expectRgb(decodeImage(write(QStringLiteral("red16.png"), solid(9, 9, cv::Scalar(0, 0, 65535), CV_16UC3)), 8), 255, 0, 0, 0);
        expectRgb(decodeImage(write(QStringLiteral("gray16.tiff"), solid(9, 9, cv::Scalar(128 * 257), CV_16UC1)), 8), 128, 128, 128, 0);
        // Hand-made 16-bit grey PNG: 0x8080 → 128.
        expectRgb(decodeImage(raw(QStringLiteral("g16.png"), makePng(5, 5, 16, 0, scanlines(5, 5, QByteArray("\x80\x80", 2)))), 8),
                  128, 128, 128, 0);
    }

    void headerProbeReadsEveryFormat_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("format");
        const cv::Mat image = solid(37, 23, cv::Scalar(10, 20, 30));
        QTest::newRow("png") << write(QStringLiteral("p.png"), image) << QStringLiteral("png");
        QTest::newRow("jpeg") << write(QStringLiteral("p.jpg"), image) << QStringLiteral("jpeg");
        QTest::newRow("bmp") << write(QStringLiteral("p.bmp"), image) << QStringLiteral("bmp");
        QTest::newRow("webp-vp8") << write(QStringLiteral("p.webp"), image, {cv::IMWRITE_WEBP_QUALITY, 80}) << QStringLiteral("webp");
        QTest::newRow("webp-vp8l") << write(QStringLiteral("pl.webp"), image, {cv::IMWRITE_WEBP_QUALITY, 101}) << QStringLiteral("webp");
        QTest::newRow("tiff-le") << write(QStringLiteral("p.tiff"), image) << QStringLiteral("tiff");
        QTest::newRow("pnm") << write(QStringLiteral("p.ppm"), image) << QStringLiteral("pnm");

        QByteArray gif("GIF89a");
        putLe(&gif, 37, 2);
        putLe(&gif, 23, 2);
        gif += QByteArray("\x00\x00\x00;", 4);
        QTest::newRow("gif") << raw(QStringLiteral("p.gif"), gif) << QStringLiteral("gif");

        QByteArray vp8x("VP8X");
        putLe(&vp8x, 10, 4);
        putLe(&vp8x, 0x10, 4); // alpha flag
        putLe(&vp8x, 37 - 1, 3);
        putLe(&vp8x, 23 - 1, 3);
        QByteArray webp("RIFF");
        putLe(&webp, quint32(4 + vp8x.size()), 4);
        QTest::newRow("webp-vp8x") << raw(QStringLiteral("px.webp"), webp + "WEBP" + vp8x) << QStringLiteral("webp");

        // Big-endian TIFF: width as SHORT, length as LONG.
        QByteArray tiff("MM\0*", 4);
        putBe32(&tiff, 8);
        tiff += QByteArray("\x00\x02", 2);
        tiff += QByteArray("\x01\x00\x00\x03\x00\x00\x00\x01\x00\x25\x00\x00", 12); // 256 = 37
        tiff += QByteArray("\x01\x01\x00\x04\x00\x00\x00\x01\x00\x00\x00\x17", 12); // 257 = 23
        putBe32(&tiff, 0);
        QTest::newRow("tiff-be") << raw(QStringLiteral("pbe.tiff"), tiff) << QStringLiteral("tiff");

        // A JPEG whose frame header sits past 100 KB of APP segments (EXIF, ICC...).
        QByteArray jpeg = read(path(QStringLiteral("p.jpg")));
        QByteArray app;
        for (int i = 0; i < 2; ++i) {
            app += QByteArray("\xFF\xE1", 2);
            app += char(0xEA);
            app += char(0x60); // length 60000
            app += QByteArray(60000 - 2, 'x');
        }
        QTest::newRow("jpeg-big-exif") << raw(QStringLiteral("exif.jpg"), jpeg.left(2) + app + jpeg.mid(2)) << QStringLiteral("jpeg");
    }
    void headerProbeReadsEveryFormat()
    {
        QFETCH(QString, file);
        QFETCH(QString, format);
        ImageHeader header;
        QString error;
        QVERIFY2(readImageHeader(file, &header, &error), qPrintable(error));
        QCOMPARE(header.format, format);
        QCOMPARE(header.width, 37);
        QCOMPARE(header.height, 23);
    }

    void bigExifJpegStillDecodes()
    {
        const DecodedImage d = decodeImage(path(QStringLiteral("exif.jpg")), 8);
        QVERIFY2(d.ok(), qPrintable(d.error));
        QCOMPARE(d.originalWidth, 37);
    }

    void headerBombRefusedBeforeDecoding()
    {
        const QString bomb = raw(QStringLiteral("bomb.png"), makePng(100000, 100000, 8, 2, scanlines(1, 1, QByteArray(3, '\0'))));
        ImageHeader header;
        QString error;
        QVERIFY(readImageHeader(bomb, &header, &error));
        QCOMPARE(header.width, 100000);
        QElapsedTimer timer;
        timer.start();
        const DecodedImage d = decodeImage(bomb, 64);
        expectRefused(d, QStringLiteral("100000×100000"));
        QVERIFY2(d.error.contains(QStringLiteral("10000 MP")) && d.error.contains(QStringLiteral("40 MP")), qPrintable(d.error));
        QVERIFY(timer.elapsed() < 1000); // nothing was inflated

        // The same guard for JPEG (frame header patched) and BMP.
        QByteArray jpeg = read(write(QStringLiteral("small.jpg"), solid(8, 8, cv::Scalar(1, 2, 3))));
        const qsizetype sof = jpeg.indexOf(QByteArray("\xFF\xC0", 2));
        QVERIFY(sof > 0);
        jpeg[sof + 5] = char(0xEA), jpeg[sof + 6] = char(0x60), jpeg[sof + 7] = char(0xEA), jpeg[sof + 8] = char(0x60);
        expectRefused(decodeImage(raw(QStringLiteral("bomb.jpg"), jpeg), 64), QStringLiteral("60000×60000"));
        QByteArray bmp = read(write(QStringLiteral("small.bmp"), solid(8, 8, cv::Scalar(1, 2, 3))));
        bmp.replace(18, 8, QByteArray("\x40\x9c\x00\x00\x40\x9c\x00\x00", 8)); // 40000×40000
        expectRefused(decodeImage(raw(QStringLiteral("bomb.bmp"), bmp), 64), QStringLiteral("40000×40000"));

        // The limit is the caller's: 20×20 = 400 pixels.
        const QString small = write(QStringLiteral("twenty.png"), solid(20, 20, cv::Scalar(0, 0, 255)));
        expectRefused(decodeImage(small, 8, 399), QStringLiteral("more than the 399 pixels limit"));
        QVERIFY(decodeImage(small, 8, 400).ok());
    }

    void badFilesGiveClearErrors()
    {
        const QByteArray png = read(write(QStringLiteral("whole.png"), solid(30, 30, cv::Scalar(9, 99, 199))));
        const QByteArray jpeg = read(write(QStringLiteral("whole.jpg"), solid(30, 30, cv::Scalar(9, 99, 199))));
        const QByteArray bmp = read(write(QStringLiteral("whole.bmp"), solid(30, 30, cv::Scalar(9, 99, 199))));
        const QByteArray webp = read(write(QStringLiteral("whole.webp"), solid(30, 30, cv::Scalar(9, 99, 199))));
        const QByteArray tiff = read(write(QStringLiteral("whole.tiff"), solid(30, 30, cv::Scalar(9, 99, 199))));
        QByteArray crc = png;
        crc[png.indexOf("IDAT") + 6] = char(crc[png.indexOf("IDAT") + 6] ^ 0x55);

        // OpenCV and its codecs must not print: capture stderr while the bad files decode.
        std::fflush(stderr);
        const int saved = ::dup(2);
        const QString log = path(QStringLiteral("stderr.txt"));
        const int sink = ::open(QFile::encodeName(log).constData(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(sink, 2);
        const DecodedImage results[] = {
            decodeImage(raw(QStringLiteral("zero.png"), QByteArray()), 8),
            decodeImage(raw(QStringLiteral("cut.png"), png.left(png.size() / 2)), 8),
            decodeImage(raw(QStringLiteral("crc.png"), crc), 8),
            decodeImage(raw(QStringLiteral("cut.jpg"), jpeg.left(jpeg.size() / 2)), 8),
            decodeImage(raw(QStringLiteral("cut.bmp"), bmp.left(bmp.size() / 2)), 8),
            decodeImage(raw(QStringLiteral("cut.webp"), webp.left(webp.size() / 2)), 8),
            decodeImage(raw(QStringLiteral("text.png"), "this is not an image\n"), 8),
            decodeImage(raw(QStringLiteral("header-only.png"), png.left(20)), 8),
            decodeImage(path(QStringLiteral("no-such-file.png")), 8),
            decodeImage(raw(QStringLiteral("cut.tiff"), tiff.left(tiff.size() / 2)), 8),
            decodeImage(path(QStringLiteral("p.gif")), 8), // header only: no decoder in OpenCV 4.6 anyway
        };
        std::fflush(stderr);
        ::dup2(saved, 2);
        ::close(saved);
        ::close(sink);
        expectRefused(results[0], QStringLiteral("0 bytes"));
        expectRefused(results[1], QStringLiteral("truncated PNG"));
        expectRefused(results[2], QStringLiteral("CRC error in the IDAT chunk"));
        expectRefused(results[3], QStringLiteral("truncated JPEG"));
        expectRefused(results[4], QStringLiteral("truncated BMP"));
        expectRefused(results[5], QStringLiteral("truncated WebP"));
        expectRefused(results[6], QStringLiteral("not a recognised image"));
        expectRefused(results[7], QStringLiteral("truncated PNG"));
        expectRefused(results[8], QStringLiteral("cannot open"));
        expectRefused(results[9], QStringLiteral("TIFF"));
        expectRefused(results[10], QStringLiteral("GIF"));
        QCOMPARE(read(log), QByteArray());

        ImageHeader header;
        QString error;
        QVERIFY(!readImageHeader(path(QStringLiteral("text.png")), &header, &error));
        QVERIFY(error.contains(QStringLiteral("not a recognised image")));
        QVERIFY(!readImageHeader(path(QStringLiteral("zero.png")), &header, &error));
        QVERIFY(error.contains(QStringLiteral("0 bytes")));

        // Mislabelled but valid: a JPEG named .png decodes by its content.
        expectRgb(decodeImage(raw(QStringLiteral("really-a-jpeg.png"), jpeg), 8), 199, 99, 9, 4);
        expectRefused(decodeImage(path(QStringLiteral("whole.png")), 0), QStringLiteral("size"));
    }

    void damageThatLibrariesOnlyWarnAboutIsRefused()
    {
        // A 64×64 JPEG's data under a frame header claiming 8000×5000 (exactly 40 MP, within
        // the limit): libjpeg would fill the rest with grey and only warn on stderr.
        QByteArray jpeg = read(write(QStringLiteral("small64.jpg"), solid(64, 64, cv::Scalar(10, 120, 230))));
        const qsizetype sof = jpeg.indexOf(QByteArray("\xFF\xC0", 2));
        QVERIFY(sof > 0);
        jpeg[sof + 5] = char(0x13), jpeg[sof + 6] = char(0x88), jpeg[sof + 7] = char(0x1F), jpeg[sof + 8] = char(0x40);
        QByteArray bmp = read(write(QStringLiteral("hdr.bmp"), solid(8, 8, cv::Scalar(1, 2, 3))));
        bmp.replace(14, 4, QByteArray("\xFF\xFF\x00\x00", 4));
        // RIFF, VP8X with the animation flag and a 16×16 canvas, ANIM: what an animated WebP starts with.
        QByteArray webp = "WEBPVP8X" + QByteArray("\x0A\x00\x00\x00\x02\x00\x00\x00\x0F\x00\x00\x0F\x00\x00", 14)
                          + "ANIM" + QByteArray("\x06\x00\x00\x00\xFF\xFF\xFF\xFF\x00\x00", 10);
        QByteArray riffSize(4, 0);
        for (int i = 0; i < 4; ++i)
            riffSize[i] = char(quint32(webp.size()) >> (8 * i));
        webp = "RIFF" + riffSize + webp;

        std::fflush(stderr);
        const int saved = ::dup(2);
        const QString log = path(QStringLiteral("stderr-damage.txt"));
        const int sink = ::open(QFile::encodeName(log).constData(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(sink, 2);
        const DecodedImage results[] = {
            decodeImage(raw(QStringLiteral("claims40mp.jpg"), jpeg), 64),
            decodeImage(raw(QStringLiteral("hdrsize.bmp"), bmp), 8),
            decodeImage(raw(QStringLiteral("animated.webp"), webp), 8),
        };
        std::fflush(stderr);
        ::dup2(saved, 2);
        ::close(saved);
        ::close(sink);
        expectRefused(results[0], QStringLiteral("claims 8000×5000 pixels"));
        expectRefused(results[1], QStringLiteral("unknown info header size 65535"));
        expectRefused(results[2], QStringLiteral("unsupported WebP (animation)"));
        QCOMPARE(read(log), QByteArray());

        // One row over the limit reads as the exact figure, never "40 MP, more than the 40 MP limit".
        const QString over = raw(QStringLiteral("over.png"), makePng(8001, 5000, 8, 2, scanlines(1, 1, QByteArray(3, '\0'))));
        expectRefused(decodeImage(over, 64), QStringLiteral("(40.005 MP), more than the 40 MP limit"));
        // An ordinary JPEG still passes the data-size check.
        expectRgb(decodeImage(write(QStringLiteral("ok.jpg"), solid(64, 64, cv::Scalar(10, 120, 230))), 8), 230, 120, 10, 4);
    }

    void tiffWithUnknownCompressionOrAbsurdStripsIsNamed()
    {
        // A hand-made 2×2 grey little-endian TIFF: nine directory entries, then 4 pixel bytes.
        auto tiff = [](quint32 compression, quint32 stripBytes) {
            QByteArray b("II\x2A\x00\x08\x00\x00\x00", 8);
            putLe(&b, 9, 2);
            const quint32 entries[9][3] = {{256, 3, 2}, {257, 3, 2}, {258, 3, 8}, {259, 3, compression}, {262, 3, 1},
                                           {273, 4, 122}, {277, 3, 1}, {278, 3, 2}, {279, 4, stripBytes}};
            for (const auto &e : entries) {
                putLe(&b, e[0], 2);
                putLe(&b, e[1], 2);
                putLe(&b, 1, 4);
                putLe(&b, e[2], 4);
            }
            putLe(&b, 0, 4);
            return b + QByteArray("\x10\x40\x80\xF0", 4);
        };
        QCOMPARE(tiff(1, 4).size(), 126);
        std::fflush(stderr);
        const int saved = ::dup(2);
        const QString log = path(QStringLiteral("stderr-tiff.txt"));
        const int sink = ::open(QFile::encodeName(log).constData(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(sink, 2);
        const DecodedImage scheme = decodeImage(raw(QStringLiteral("scheme.tiff"), tiff(12345, 4)), 8);
        const DecodedImage strips = decodeImage(raw(QStringLiteral("strips.tiff"), tiff(1, 0x7FFFFFFF)), 8);
        const DecodedImage whole = decodeImage(raw(QStringLiteral("whole2x2.tiff"), tiff(1, 4)), 8);
        std::fflush(stderr);
        ::dup2(saved, 2);
        ::close(saved);
        ::close(sink);
        expectRefused(scheme, QStringLiteral("unsupported TIFF compression 12345"));
        expectRefused(strips, QStringLiteral("strip 0 claims 2147483647 bytes"));
        QVERIFY2(whole.ok(), qPrintable(whole.error));
        QCOMPARE(read(log), QByteArray());
    }

    void jpegPixelsMatchOpenCv_data()
    {
        QTest::addColumn<QString>("file");
        cv::Mat noise(30, 41, CV_8UC3);
        cv::randu(noise, 0, 256);
        cv::Mat grey(30, 41, CV_8UC1);
        cv::randu(grey, 0, 256);
        const QString base = write(QStringLiteral("m-base.jpg"), noise);
        QTest::newRow("baseline 4:2:0") << base;
        QTest::newRow("progressive") << write(QStringLiteral("m-prog.jpg"), noise, {cv::IMWRITE_JPEG_PROGRESSIVE, 1});
        QTest::newRow("restart markers") << write(QStringLiteral("m-rst.jpg"), noise, {cv::IMWRITE_JPEG_RST_INTERVAL, 2});
        QTest::newRow("greyscale") << write(QStringLiteral("m-grey.jpg"), grey);
        // Layouts OpenCV 4.6 does not write, made by ImageMagick: 4:4:4, and CMYK as print
        // workflows write it (Adobe-style, inverted).
        const QString source = write(QStringLiteral("m-src.png"), noise);
        const auto convert = [&](const QString &name, const QStringList &options) {
            const QString out = path(name);
            if (QProcess::execute(QStringLiteral("convert"), QStringList{source} + options + QStringList{out}) != 0)
                qFatal("ImageMagick's convert failed for %s", qPrintable(out));
            return out;
        };
        QTest::newRow("4:4:4") << convert(QStringLiteral("m-444.jpg"), {QStringLiteral("-sampling-factor"), QStringLiteral("4:4:4")});
        QTest::newRow("CMYK") << convert(QStringLiteral("m-cmyk.jpg"), {QStringLiteral("-colorspace"), QStringLiteral("CMYK")});
        const QByteArray jpeg = read(base);
        for (int orientation = 1; orientation <= 8; ++orientation)
            QTest::addRow("EXIF orientation %d", orientation)
                << raw(QStringLiteral("m-exif%1.jpg").arg(orientation), jpeg.left(2) + exifSegment(orientation, orientation % 2 == 0) + jpeg.mid(2));
        QTest::newRow("EXIF orientation out of range") << raw(QStringLiteral("m-exif9.jpg"), jpeg.left(2) + exifSegment(9, false) + jpeg.mid(2));
    }

    /** Our libjpeg call must give exactly OpenCV's pixels, or features (and trained models) drift. */
    void jpegPixelsMatchOpenCv()
    {
        QFETCH(QString, file);
        const QByteArray bytes = read(file);
        const JpegDecodeResult ours = decodeJpeg(bytes);
        QVERIFY2(ours.error.isEmpty(), qPrintable(ours.error));
        QVERIFY2(ours.warning.isEmpty(), qPrintable(ours.warning));
        const cv::Mat theirs = cv::imdecode(cv::Mat(1, int(bytes.size()), CV_8U, const_cast<char *>(bytes.constData())), cv::IMREAD_COLOR);
        QCOMPARE(ours.bgr.type(), theirs.type());
        QCOMPARE(ours.bgr.rows, theirs.rows);
        QCOMPARE(ours.bgr.cols, theirs.cols);
        QCOMPARE(cv::norm(ours.bgr, theirs, cv::NORM_INF), 0.0);
    }

    void damagedScanDataIsANoteNotStderr()
    {
        cv::Mat noise(64, 64, CV_8UC3);
        cv::randu(noise, 0, 256);
        const QByteArray damaged = jpegWithCutScan(read(write(QStringLiteral("d-whole.jpg"), noise, {cv::IMWRITE_JPEG_QUALITY, 95})));
        const QString file = raw(QStringLiteral("d-cut.jpg"), damaged);
        // The input really is what libjpeg only warns about: OpenCV alone prints it to stderr.
        const QByteArray opencvSays = capturedStderr(path(QStringLiteral("d-opencv.txt")), [&] {
            QVERIFY(!cv::imread(file.toStdString()).empty());
        });
        QVERIFY2(opencvSays.contains("Corrupt JPEG data"), opencvSays.constData());

        DecodedImage decoded;
        const QByteArray oursSays = capturedStderr(path(QStringLiteral("d-ours.txt")), [&] { decoded = decodeImage(file, 16); });
        QCOMPARE(oursSays, QByteArray());
        QVERIFY2(decoded.ok(), qPrintable(decoded.error));
        QVERIFY2(decoded.warning.contains(QLatin1String("damaged JPEG data (libjpeg: \"Corrupt JPEG data: ")),
                 qPrintable(decoded.warning));
        QVERIFY(decodeImage(path(QStringLiteral("d-whole.jpg")), 16).warning.isEmpty());

        // check-data names the sample, its line and file, keeps it, and leaves stderr clean;
        // the note survives the feature cache (the second run decodes nothing).
        QTemporaryDir dataset;
        datasetfixture::write(dataset.path());
        writeFile(dataset.filePath(QStringLiteral("images/s2.png")), damaged);
        for (int run = 0; run < 2; ++run) {
            const auto result = testsupport::runFusionscope({QStringLiteral("check-data"), dataset.path()});
            QCOMPARE(result.exitCode, 0);
            const QString out = QString::fromUtf8(result.out);
            QVERIFY2(out.contains(QLatin1String("12 loaded")), qPrintable(out));
            QVERIFY2(out.contains(QLatin1String("manifest.jsonl:3 [s2]: image \"images/s2.png\": warning: damaged JPEG data (libjpeg: "
                                                "\"Corrupt JPEG data: ")),
                     qPrintable(out));
            QVERIFY2(out.contains(QLatin1String("; image kept")), qPrintable(out));
            QVERIFY2(result.err.isEmpty(), result.err.constData());
        }
    }

    void threadSafe()
    {
        const QString red = write(QStringLiteral("t-red.png"), solid(50, 40, cv::Scalar(0, 0, 255)));
        const QString blue = write(QStringLiteral("t-blue.jpg"), solid(60, 20, cv::Scalar(255, 0, 0)));
        std::atomic<int> failures{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 8; ++t) {
            threads.emplace_back([&, t] {
                for (int i = 0; i < 40; ++i) {
                    const bool isRed = (t + i) % 2 == 0;
                    const DecodedImage d = decodeImage(isRed ? red : blue, 24);
                    const int r = d.ok() ? at(d, 0, 5, 5) : -1, b = d.ok() ? at(d, 2, 5, 5) : -1;
                    if (!d.ok() || (isRed ? (r != 255 || b != 0) : (r > 4 || b < 250)))
                        ++failures;
                }
            });
        }
        for (std::thread &thread : threads)
            thread.join();
        QCOMPARE(failures.load(), 0);
    }
};

QTEST_GUILESS_MAIN(TestImageDecoder)
#include "test_imagedecoder.moc"
