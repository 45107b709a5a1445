// The Ogg/Vorbis fast path of decodeAudio (OggVorbisStream) against libavformat, which it
// stands in for: same codec headers, same declared length, same decoded samples.
#include "core/data/audiodecoder.h"
#include "core/data/oggvorbis.h"
#include "tests/testsupport.h"

#include <QtCore/QFile>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>

extern "C" {
#include <libavformat/avformat.h>
}

namespace {

constexpr double kPi = 3.14159265358979323846;

/** A 16 kHz clip with some life in it: a gliding tone and a little noise. */
std::vector<float> clip(double seconds)
{
    std::vector<float> s(std::size_t(std::llround(seconds * 16000)));
    std::uint32_t noise = 12345;
    for (std::size_t i = 0; i < s.size(); ++i) {
        noise = noise * 1664525u + 1013904223u;
        const double t = double(i) / 16000;
        s[i] = float(0.4 * std::sin(2 * kPi * (300 + 200 * t) * t) + 0.05 * (double(noise >> 8) / (1 << 24) - 0.5));
    }
    return s;
}

QByteArray bytesOf(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestOggVorbis final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString encoded(const QString &name, double seconds)
    {
        const QString path = m_dir.filePath(name);
        QString error;
        if (!encodeAudio(path, clip(seconds), 16000, AudioFormat::Ogg, &error))
            qFatal("cannot encode %s: %s", qPrintable(path), qPrintable(error));
        return path;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void readsWhatLibavformatReads_data()
    {
        QTest::addColumn<double>("seconds");
        QTest::newRow("one audio page") << 0.2; // the last page is also the first
        QTest::newRow("one second") << 1.0;
        QTest::newRow("several pages") << 3.7;
    }
    void readsWhatLibavformatReads()
    {
        QFETCH(double, seconds);
        const QString path = encoded(QStringLiteral("clip-%1.ogg").arg(seconds), seconds);
        OggVorbisStream ogg;
        QVERIFY(ogg.parse(bytesOf(path)));
        QCOMPARE(ogg.sampleRate(), 16000);
        QCOMPARE(ogg.channels(), 1);
        QVERIFY(!ogg.packets().empty());

        AVFormatContext *format = nullptr;
        QVERIFY(avformat_open_input(&format, QFile::encodeName(path).constData(), nullptr, nullptr) >= 0);
        const AVStream *stream = format->streams[0];
        const QByteArray theirs(reinterpret_cast<const char *>(stream->codecpar->extradata),
                                stream->codecpar->extradata_size);
        const std::int64_t duration = stream->duration;
        avformat_close_input(&format);
        const QByteArray ours(reinterpret_cast<const char *>(ogg.extradata().data()), qsizetype(ogg.extradata().size()));
        QCOMPARE(ours, theirs);
        QCOMPARE(ogg.declaredSamples(), duration);
    }

    void decodesLikeLibavformat_data()
    {
        QTest::addColumn<double>("seconds");
        QTest::addColumn<double>("maxSeconds");
        QTest::newRow("one audio page") << 0.2 << 10.0;
        // libavformat cuts one block too many off this one (its end trim counts the first
        // packet, which decodes to nothing); the fast path must cut the same.
        QTest::newRow("one audio page, end trimmed") << 0.24 << 10.0;
        QTest::newRow("one second") << 1.0 << 10.0;
        QTest::newRow("several pages") << 3.7 << 10.0;
        QTest::newRow("capped") << 3.7 << 1.5;
    }
    void decodesLikeLibavformat()
    {
        QFETCH(double, seconds);
        QFETCH(double, maxSeconds);
        const QString fast = encoded(QStringLiteral("fast-%1.ogg").arg(seconds), seconds);
        // Bytes after the last page make the fast path step aside: libavformat decodes it.
        const QString slow = m_dir.filePath(QStringLiteral("slow-%1.ogg").arg(seconds));
        testsupport::writeFile(slow, bytesOf(fast) + "trailing bytes");
        OggVorbisStream ogg;
        QVERIFY(!ogg.parse(bytesOf(slow)));

        const DecodedAudio a = decodeAudio(fast, 16000, maxSeconds);
        const DecodedAudio b = decodeAudio(slow, 16000, maxSeconds);
        QVERIFY2(a.ok(), qPrintable(a.error));
        QVERIFY2(b.ok(), qPrintable(b.error));
        QVERIFY(!a.samples.empty());
        QCOMPARE(a.samples.size(), b.samples.size());
        QVERIFY(a.samples == b.samples);
    }

    void refusesWhatItCannotVouchFor()
    {
        const QByteArray good = bytesOf(encoded(QStringLiteral("good.ogg"), 2.0));
        OggVorbisStream ogg;
        QVERIFY(ogg.parse(good));
        QByteArray flipped = good;
        flipped[flipped.size() - 10] = char(flipped[flipped.size() - 10] ^ 0x10);
        const std::pair<const char *, QByteArray> cases[] = {
            {"empty", QByteArray()},
            {"not Ogg", QByteArray("RIFF....WAVEfmt ")},
            {"cut short", good.left(good.size() * 2 / 3)},
            {"bad checksum", flipped},
            {"trailing bytes", good + "x"},
        };
        for (const auto &[name, bytes] : cases) {
            OggVorbisStream other;
            QVERIFY2(!other.parse(bytes), name);
        }
    }
};

QTEST_GUILESS_MAIN(TestOggVorbis)
#include "test_oggvorbis.moc"
