#include "core/data/audiodecoder.h"
#include "tests/testsupport.h"

#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <random>
#include <thread>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
}

namespace {

constexpr double kPi = 3.14159265358979323846;

std::vector<float> tone(double hz, double seconds, int rate, float amplitude = 0.5f)
{
    std::vector<float> s(std::size_t(std::llround(seconds * rate)));
    for (std::size_t i = 0; i < s.size(); ++i)
        s[i] = amplitude * float(std::sin(2.0 * kPi * hz * double(i) / rate));
    return s;
}

/** Frequency of the strongest DFT bin (10 Hz resolution) over 0.1 s from the clip's middle. */
double dominantHz(const std::vector<float> &s, int rate)
{
    const int n = rate / 10;
    if (int(s.size()) < n)
        return 0.0;
    const std::size_t offset = (s.size() - std::size_t(n)) / 2;
    double bestPower = -1.0, bestHz = 0.0;
    for (int k = 1; k < n / 2; ++k) {
        double re = 0.0, im = 0.0;
        for (int i = 0; i < n; ++i) {
            const double phase = 2.0 * kPi * k * i / n;
            re += s[offset + std::size_t(i)] * std::cos(phase);
            im -= s[offset + std::size_t(i)] * std::sin(phase);
        }
        if (re * re + im * im > bestPower) {
            bestPower = re * re + im * im;
            bestHz = double(k) * rate / n;
        }
    }
    return bestHz;
}

/** Amplitude of one frequency over the whole clip (a single-bin DFT). */
double amplitudeAt(const std::vector<float> &s, int rate, double hz)
{
    double re = 0.0, im = 0.0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        re += s[i] * std::cos(2.0 * kPi * hz * double(i) / rate);
        im += s[i] * std::sin(2.0 * kPi * hz * double(i) / rate);
    }
    return 2.0 * std::sqrt(re * re + im * im) / double(s.size());
}

QByteArray fileBytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/** A 16-bit PCM WAV with interleaved channels, written byte by byte (no FFmpeg involved). */
QByteArray stereoWav(const std::vector<float> &left, const std::vector<float> &right, int rate)
{
    QByteArray data;
    for (std::size_t i = 0; i < left.size(); ++i) {
        for (float v : {left[i], right[i]}) {
            const auto s = qint16(std::lround(std::clamp(v, -1.0f, 1.0f) * 32767.0f));
            data.append(char(s & 0xff)).append(char((s >> 8) & 0xff));
        }
    }
    auto u32 = [](quint32 v) { QByteArray b(4, 0); for (int i = 0; i < 4; ++i) b[i] = char(v >> (8 * i)); return b; };
    auto u16 = [](quint16 v) { QByteArray b(2, 0); b[0] = char(v); b[1] = char(v >> 8); return b; };
    QByteArray wav = "RIFF" + u32(quint32(36 + data.size())) + "WAVEfmt " + u32(16) + u16(1) + u16(2)
                     + u32(quint32(rate)) + u32(quint32(rate * 4)) + u16(4) + u16(16) + "data"
                     + u32(quint32(data.size()));
    return wav + data;
}

/** Muxes a tiny moving-gradient video, and optionally a mono sound track, with libavformat. */
QString writeVideo(const QString &path, const char *muxer, const char *videoEncoder, AVPixelFormat pixels,
                   const char *audioEncoder, const std::vector<float> &audio, int rate)
{
    AVFormatContext *fmt = nullptr;
    const QByteArray file = QFile::encodeName(path);
    if (avformat_alloc_output_context2(&fmt, nullptr, muxer, file.constData()) < 0)
        return QStringLiteral("no muxer");
    std::vector<AVCodecContext *> codecs;
    auto cleanup = [&](const QString &why) {
        for (AVCodecContext *c : codecs)
            avcodec_free_context(&c);
        if (fmt->pb)
            avio_closep(&fmt->pb);
        avformat_free_context(fmt);
        return why;
    };
    const double seconds = audio.empty() ? 1.0 : double(audio.size()) / rate;
    auto addStream = [&](const char *name, auto configure) -> AVCodecContext * {
        const AVCodec *codec = avcodec_find_encoder_by_name(name);
        AVCodecContext *c = codec ? avcodec_alloc_context3(codec) : nullptr;
        if (!c)
            return nullptr;
        codecs.push_back(c);
        configure(c, codec);
        if (fmt->oformat->flags & AVFMT_GLOBALHEADER)
            c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
        AVStream *st = avformat_new_stream(fmt, nullptr);
        if (avcodec_open2(c, codec, nullptr) < 0 || avcodec_parameters_from_context(st->codecpar, c) < 0)
            return nullptr;
        st->time_base = c->time_base;
        return c;
    };
    AVCodecContext *video = addStream(videoEncoder, [&](AVCodecContext *c, const AVCodec *) {
        c->width = 64;
        c->height = 48;
        c->pix_fmt = pixels;
        c->time_base = AVRational{1, 10};
        c->framerate = AVRational{10, 1};
        c->bit_rate = 200000;
    });
    if (!video)
        return cleanup(QStringLiteral("cannot open video encoder %1").arg(QLatin1String(videoEncoder)));
    AVCodecContext *sound = nullptr;
    if (audioEncoder) {
        sound = addStream(audioEncoder, [&](AVCodecContext *c, const AVCodec *codec) {
            c->sample_rate = rate;
            c->sample_fmt = codec->sample_fmts ? codec->sample_fmts[0] : AV_SAMPLE_FMT_FLTP;
            av_channel_layout_default(&c->ch_layout, 1);
            c->time_base = AVRational{1, rate};
            c->bit_rate = 64000;
        });
        if (!sound)
            return cleanup(QStringLiteral("cannot open audio encoder %1").arg(QLatin1String(audioEncoder)));
    }
    if (avio_open(&fmt->pb, file.constData(), AVIO_FLAG_WRITE) < 0 || avformat_write_header(fmt, nullptr) < 0)
        return cleanup(QStringLiteral("cannot write header"));

    AVPacket *packet = av_packet_alloc();
    auto send = [&](AVCodecContext *c, int index, AVFrame *frame) {
        avcodec_send_frame(c, frame);
        while (avcodec_receive_packet(c, packet) == 0) {
            av_packet_rescale_ts(packet, c->time_base, fmt->streams[index]->time_base);
            packet->stream_index = index;
            av_interleaved_write_frame(fmt, packet);
        }
    };
    AVFrame *frame = av_frame_alloc();
    for (int i = 0; i < int(seconds * 10); ++i) {
        av_frame_unref(frame);
        frame->format = pixels;
        frame->width = 64;
        frame->height = 48;
        av_frame_get_buffer(frame, 0);
        for (int p = 0; p < 3; ++p) {
            const int h = p == 0 ? 48 : 24, w = p == 0 ? 64 : 32;
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x)
                    frame->data[p][y * frame->linesize[p] + x] = uint8_t(p == 0 ? (x + y + 8 * i) * 2 : 128);
        }
        frame->pts = i;
        send(video, 0, frame);
    }
    send(video, 0, nullptr);
    if (sound) {
        const int chunk = sound->frame_size > 0 ? sound->frame_size : 1024;
        const bool s16 = av_get_packed_sample_fmt(sound->sample_fmt) == AV_SAMPLE_FMT_S16;
        for (int start = 0; start < int(audio.size()); start += chunk) {
            av_frame_unref(frame);
            frame->format = sound->sample_fmt;
            frame->sample_rate = rate;
            frame->nb_samples = std::min(chunk, int(audio.size()) - start);
            av_channel_layout_default(&frame->ch_layout, 1);
            av_frame_get_buffer(frame, 0);
            for (int i = 0; i < frame->nb_samples; ++i) {
                if (s16)
                    reinterpret_cast<int16_t *>(frame->data[0])[i] = int16_t(audio[std::size_t(start + i)] * 32767.0f);
                else
                    reinterpret_cast<float *>(frame->data[0])[i] = audio[std::size_t(start + i)];
            }
            frame->pts = start;
            send(sound, 1, frame);
        }
        send(sound, 1, nullptr);
    }
    av_frame_free(&frame);
    av_packet_free(&packet);
    const int rc = av_write_trailer(fmt);
    return cleanup(rc < 0 ? QStringLiteral("cannot write trailer") : QString());
}

/** A mono 16-bit PCM WAV whose header states any rate and channel count (damaged headers). */
QByteArray wavWithHeader(quint32 rate, quint16 channels, int dataBytes = 3200)
{
    auto u32 = [](quint32 v) { QByteArray b(4, 0); for (int i = 0; i < 4; ++i) b[i] = char(v >> (8 * i)); return b; };
    auto u16 = [](quint16 v) { QByteArray b(2, 0); b[0] = char(v); b[1] = char(v >> 8); return b; };
    QByteArray data(dataBytes, 0);
    for (int i = 0; i + 1 < dataBytes; i += 2)
        data[i + 1] = char((i / 2) % 64); // a ramp, not silence
    const quint16 block = quint16(2 * std::max<int>(1, channels));
    return "RIFF" + u32(quint32(36 + data.size())) + "WAVEfmt " + u32(16) + u16(1) + u16(channels) + u32(rate)
           + u32(rate * block) + u16(block) + u16(16) + "data" + u32(quint32(data.size())) + data;
}

/** A mono 32-bit float WAV (format tag 3) holding exactly these samples, NaN and Inf included. */
QByteArray floatWav(const std::vector<float> &samples, int rate)
{
    auto u32 = [](quint32 v) { QByteArray b(4, 0); for (int i = 0; i < 4; ++i) b[i] = char(v >> (8 * i)); return b; };
    auto u16 = [](quint16 v) { QByteArray b(2, 0); b[0] = char(v); b[1] = char(v >> 8); return b; };
    QByteArray data(reinterpret_cast<const char *>(samples.data()), qsizetype(samples.size() * sizeof(float)));
    return "RIFF" + u32(quint32(36 + data.size())) + "WAVEfmt " + u32(16) + u16(3) + u16(1) + u32(quint32(rate))
           + u32(quint32(rate * 4)) + u16(4) + u16(32) + "data" + u32(quint32(data.size())) + data;
}

} // namespace

/** Audio decoding and encoding: what a dataset's `audio` column and demo-data rely on. */
class TestAudioDecoder final : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString path(const QString &name) const { return m_dir.filePath(name); }

    QString encoded(const QString &name, const std::vector<float> &s, int rate, AudioFormat format)
    {
        QString error;
        const QString file = path(name);
        if (!encodeAudio(file, s, rate, format, &error))
            qFatal("fixture %s: %s", qPrintable(name), qPrintable(error));
        return file;
    }

private Q_SLOTS:
    void roundTripKeepsLengthAndPitch_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<int>("rate");
        QTest::addColumn<int>("tolerance"); // samples at 16 kHz
        QTest::newRow("wav") << int(AudioFormat::Wav) << 16000 << 0;
        QTest::newRow("flac") << int(AudioFormat::Flac) << 16000 << 0;
        QTest::newRow("ogg") << int(AudioFormat::Ogg) << 16000 << 160;
        QTest::newRow("ogg 44.1k") << int(AudioFormat::Ogg) << 44100 << 160;
        QTest::newRow("mp3 22.05k") << int(AudioFormat::Mp3) << 22050 << 800;
        QTest::newRow("m4a 44.1k") << int(AudioFormat::M4a) << 44100 << 800;
        QTest::newRow("flac 48k") << int(AudioFormat::Flac) << 48000 << 2;
    }
    void roundTripKeepsLengthAndPitch()
    {
        QFETCH(int, format);
        QFETCH(int, rate);
        QFETCH(int, tolerance);
        const QString file = encoded(QStringLiteral("rt-%1-%2").arg(format).arg(rate), tone(440.0, 1.5, rate), rate,
                                     AudioFormat(format));
        const DecodedAudio audio = decodeAudio(file, 16000);
        QVERIFY2(audio.ok(), qPrintable(audio.error));
        QCOMPARE(audio.sampleRate, 16000);
        QVERIFY2(std::abs(int(audio.samples.size()) - 24000) <= tolerance,
                 qPrintable(QString::number(audio.samples.size())));
        QCOMPARE(dominantHz(audio.samples, 16000), 440.0);
        const double amplitude = amplitudeAt(audio.samples, 16000, 440.0);
        QVERIFY2(amplitude > 0.42 && amplitude < 0.55, qPrintable(QString::number(amplitude)));
        for (float v : audio.samples)
            QVERIFY(v >= -1.0f && v <= 1.0f);
    }

    void stereoIsAveragedToMonoAndResampled()
    {
        // Different tones per channel: both must survive at half amplitude (the average).
        const QString file = path(QStringLiteral("stereo48k.wav"));
        testsupport::writeFile(file, stereoWav(tone(440.0, 1.0, 48000, 0.6f), tone(1000.0, 1.0, 48000, 0.6f), 48000));
        const DecodedAudio audio = decodeAudio(file, 16000);
        QVERIFY2(audio.ok(), qPrintable(audio.error));
        QVERIFY2(std::abs(int(audio.samples.size()) - 16000) <= 2, qPrintable(QString::number(audio.samples.size())));
        QVERIFY(std::abs(amplitudeAt(audio.samples, 16000, 440.0) - 0.3) < 0.02);
        QVERIFY(std::abs(amplitudeAt(audio.samples, 16000, 1000.0) - 0.3) < 0.02);
        QVERIFY(amplitudeAt(audio.samples, 16000, 700.0) < 0.01);
    }

    void fullScaleStereoStaysInRange()
    {
        // In-phase channels summed at -3 dB would peak at 1.27; the average peaks at 0.9.
        const QString file = path(QStringLiteral("loud.wav"));
        const std::vector<float> s = tone(300.0, 0.5, 16000, 0.9f);
        testsupport::writeFile(file, stereoWav(s, s, 16000));
        const DecodedAudio audio = decodeAudio(file, 16000);
        QVERIFY2(audio.ok(), qPrintable(audio.error));
        const float peak = *std::max_element(audio.samples.begin(), audio.samples.end());
        QVERIFY2(peak > 0.88f && peak < 0.92f, qPrintable(QString::number(peak)));
    }

    void videoSoundTrackIsDecoded_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("muxer");
        QTest::addColumn<QByteArray>("video");
        QTest::addColumn<int>("pixels");
        QTest::addColumn<QByteArray>("audio");
        QTest::addColumn<int>("rate");
        QTest::newRow("mp4 mpeg4+aac") << QStringLiteral("clip.mp4") << QByteArray("mp4") << QByteArray("mpeg4")
                                       << int(AV_PIX_FMT_YUV420P) << QByteArray("aac") << 16000;
        QTest::newRow("mkv mjpeg+pcm") << QStringLiteral("clip.mkv") << QByteArray("matroska") << QByteArray("mjpeg")
                                       << int(AV_PIX_FMT_YUVJ420P) << QByteArray("pcm_s16le") << 22050;
        QTest::newRow("webm vp8+opus") << QStringLiteral("clip.webm") << QByteArray("webm") << QByteArray("libvpx")
                                       << int(AV_PIX_FMT_YUV420P) << QByteArray("libopus") << 48000;
    }
    void videoSoundTrackIsDecoded()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, muxer);
        QFETCH(QByteArray, video);
        QFETCH(int, pixels);
        QFETCH(QByteArray, audio);
        QFETCH(int, rate);
        const QString file = path(name);
        const QString error = writeVideo(file, muxer.constData(), video.constData(), AVPixelFormat(pixels),
                                         audio.constData(), tone(440.0, 1.0, rate), rate);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const DecodedAudio decoded = decodeAudio(file, 16000);
        QVERIFY2(decoded.ok(), qPrintable(decoded.error));
        QVERIFY2(std::abs(int(decoded.samples.size()) - 16000) <= 1100, qPrintable(QString::number(decoded.samples.size())));
        QCOMPARE(dominantHz(decoded.samples, 16000), 440.0);
    }

    void encodingIsDeterministic_data()
    {
        QTest::addColumn<int>("format");
        for (auto [name, format] : {std::pair{"wav", AudioFormat::Wav}, {"flac", AudioFormat::Flac},
                                    {"ogg", AudioFormat::Ogg}, {"mp3", AudioFormat::Mp3}, {"m4a", AudioFormat::M4a}})
            QTest::newRow(name) << int(format);
    }
    void encodingIsDeterministic()
    {
        QFETCH(int, format);
        std::mt19937 rng(7);
        std::normal_distribution<float> noise(0.0f, 0.1f);
        std::vector<float> s = tone(523.0, 1.0, 16000, 0.3f);
        for (float &v : s)
            v += noise(rng);
        const QString a = encoded(QStringLiteral("det-a-%1").arg(format), s, 16000, AudioFormat(format));
        const QString b = encoded(QStringLiteral("det-b-%1").arg(format), s, 16000, AudioFormat(format));
        const QByteArray bytesA = fileBytes(a);
        QVERIFY(bytesA.size() > 1000);
        QVERIFY2(bytesA == fileBytes(b), "same samples gave different bytes");
        s[8000] += 0.5f; // and the bytes do depend on the samples
        const QString c = encoded(QStringLiteral("det-c-%1").arg(format), s, 16000, AudioFormat(format));
        QVERIFY(bytesA != fileBytes(c));
    }

    void encodeFailureLeavesNothingBehind()
    {
        const QString dir = path(QStringLiteral("atomic"));
        QVERIFY(QDir().mkpath(dir));
        QString error;
        QVERIFY(encodeAudio(dir + QStringLiteral("/ok.ogg"), tone(440, 0.2, 16000), 16000, AudioFormat::Ogg, &error));
        QCOMPARE(QDir(dir).entryList(QDir::Files | QDir::Hidden), QStringList{QStringLiteral("ok.ogg")});
        const QString missingDir = path(QStringLiteral("no/such/folder/x.flac"));
        QVERIFY(!encodeAudio(missingDir, tone(440, 0.2, 16000), 16000, AudioFormat::Flac, &error));
        QVERIFY2(error.contains(missingDir) && error.contains(QLatin1String("No such file or directory")),
                 qPrintable(error));
        QVERIFY(!encodeAudio(dir + QStringLiteral("/empty.wav"), {}, 16000, AudioFormat::Wav, &error));
        QVERIFY(!encodeAudio(dir + QStringLiteral("/rate.wav"), {0.0f}, 0, AudioFormat::Wav, &error));
        QCOMPARE(QDir(dir).entryList(QDir::Files | QDir::Hidden), QStringList{QStringLiteral("ok.ogg")});
    }

    void maxSecondsIsHonoured()
    {
        const QString wav = encoded(QStringLiteral("long.wav"), tone(440.0, 3.0, 16000), 16000, AudioFormat::Wav);
        const QString ogg = encoded(QStringLiteral("long.ogg"), tone(440.0, 3.0, 44100), 44100, AudioFormat::Ogg);
        for (const QString &file : {wav, ogg}) {
            const DecodedAudio audio = decodeAudio(file, 16000, 1.25);
            QVERIFY2(audio.ok(), qPrintable(audio.error));
            QCOMPARE(audio.samples.size(), std::size_t(20000));
        }
        QCOMPARE(decodeAudio(wav, 8000, 10.0).samples.size(), std::size_t(24000));
    }

    void brokenInputsGiveClearErrors_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("reason");
        QTest::newRow("zero-byte") << QStringLiteral("zero.wav") << QStringLiteral("cannot open audio: Invalid data found");
        QTest::newRow("text as wav") << QStringLiteral("text.wav") << QStringLiteral("cannot open audio: Invalid data found");
        QTest::newRow("missing") << QStringLiteral("missing.flac") << QStringLiteral("cannot open audio: No such file");
        QTest::newRow("truncated flac") << QStringLiteral("cut.flac") << QStringLiteral("truncated file");
        QTest::newRow("truncated wav") << QStringLiteral("cut.wav") << QStringLiteral("truncated file");
        QTest::newRow("video, no audio") << QStringLiteral("silent.mp4") << QStringLiteral("no audio stream");
    }
    void brokenInputsGiveClearErrors()
    {
        QFETCH(QString, name);
        QFETCH(QString, reason);
        const QString file = path(name);
        std::mt19937 rng(3);
        std::uniform_real_distribution<float> noise(-0.5f, 0.5f);
        std::vector<float> s(32000);
        for (float &v : s)
            v = noise(rng);
        if (name == QLatin1String("zero.wav"))
            testsupport::writeFile(file, {});
        else if (name == QLatin1String("text.wav"))
            testsupport::writeFile(file, "id,text\ns1,this is a caption, not audio\n");
        else if (name.startsWith(QLatin1String("cut."))) {
            const QString whole = encoded(QStringLiteral("whole-") + name, s, 16000,
                                          name.endsWith(QLatin1String(".wav")) ? AudioFormat::Wav : AudioFormat::Flac);
            const QByteArray bytes = fileBytes(whole);
            testsupport::writeFile(file, bytes.left(bytes.size() * 2 / 5));
        } else if (name == QLatin1String("silent.mp4")) {
            const QString error = writeVideo(file, "mp4", "mpeg4", AV_PIX_FMT_YUV420P, nullptr, {}, 0);
            QVERIFY2(error.isEmpty(), qPrintable(error));
        }
        const DecodedAudio audio = decodeAudio(file, 16000);
        QVERIFY(!audio.ok());
        QVERIFY(audio.samples.empty());
        QVERIFY2(audio.error.startsWith(reason), qPrintable(audio.error));
    }

    void garbageNeverHangs()
    {
        // Random bytes behind audio extensions: any answer is fine, quickly and without a crash.
        std::mt19937 rng(11);
        QElapsedTimer timer;
        timer.start();
        for (const char *ext : {"mp3", "ogg", "m4a", "flac", "wav", "mkv"}) {
            QByteArray junk(20000, 0);
            for (char &c : junk)
                c = char(rng());
            const QString file = path(QStringLiteral("junk.") + QLatin1String(ext));
            testsupport::writeFile(file, junk);
            const DecodedAudio audio = decodeAudio(file, 16000);
            QVERIFY(audio.ok() || audio.samples.empty());
            for (float v : audio.samples)
                QVERIFY(std::isfinite(v) && v >= -1.0f && v <= 1.0f);
        }
        QVERIFY(timer.elapsed() < 5000);
    }

    void decodesFromManyThreadsAtOnce()
    {
        QStringList files;
        for (auto format : {AudioFormat::Wav, AudioFormat::Flac, AudioFormat::Ogg, AudioFormat::Mp3, AudioFormat::M4a})
            files << encoded(QStringLiteral("mt-%1").arg(int(format)), tone(330.0 + 100 * int(format), 1.0, 22050), 22050,
                             format);
        std::vector<std::vector<float>> expected;
        for (const QString &f : files)
            expected.push_back(decodeAudio(f, 16000).samples);
        std::atomic<int> mismatches{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 6; ++t) {
            threads.emplace_back([&, t] {
                for (int round = 0; round < 4; ++round) {
                    const int i = (t + round) % int(files.size());
                    const DecodedAudio audio = decodeAudio(files[i], 16000);
                    if (!audio.ok() || audio.samples != expected[std::size_t(i)])
                        ++mismatches;
                }
            });
        }
        for (std::thread &t : threads)
            t.join();
        QCOMPARE(mismatches.load(), 0);
    }

    void absurdHeaderRatesAndChannelsAreRefused_data()
    {
        QTest::addColumn<quint32>("rate");
        QTest::addColumn<int>("channels");
        QTest::addColumn<QString>("reason");
        // 2 147 483 647 Hz aborted the whole process inside libswresample.
        QTest::newRow("INT_MAX Hz") << quint32(2147483647) << 1 << QStringLiteral("sample rate 2147483647 Hz");
        QTest::newRow("1 GHz") << quint32(1000000000) << 1 << QStringLiteral("sample rate 1000000000 Hz");
        QTest::newRow("800 kHz stereo") << quint32(800000) << 2 << QStringLiteral("sample rate 800000 Hz");
    }
    void absurdHeaderRatesAndChannelsAreRefused()
    {
        QFETCH(quint32, rate);
        QFETCH(int, channels);
        QFETCH(QString, reason);
        const QString file = path(QStringLiteral("rate-%1-%2.wav").arg(rate).arg(channels));
        testsupport::writeFile(file, wavWithHeader(rate, quint16(channels)));
        const DecodedAudio audio = decodeAudio(file, 16000);
        QVERIFY(!audio.ok());
        QVERIFY(audio.samples.empty());
        QVERIFY2(audio.error.contains(reason), qPrintable(audio.error));
    }

    void manyChannelsNeverCrash()
    {
        // Channel counts FFmpeg's WAV demuxer takes but the resampler cannot mix.
        for (int channels : {65, 255, 1000, 65535}) {
            const QString file = path(QStringLiteral("channels-%1.wav").arg(channels));
            testsupport::writeFile(file, wavWithHeader(16000, quint16(channels), channels * 2 * 16));
            const DecodedAudio audio = decodeAudio(file, 16000);
            QVERIFY2(!audio.ok(), qPrintable(QString::number(channels)));
            QVERIFY(audio.samples.empty());
        }
        // The validation must not refuse real rates: 8 kHz and 192 kHz still decode.
        for (quint32 rate : {8000u, 192000u}) {
            const QString file = path(QStringLiteral("ok-%1.wav").arg(rate));
            testsupport::writeFile(file, wavWithHeader(rate, 1, int(rate) * 2 / 10));
            const DecodedAudio audio = decodeAudio(file, 16000);
            QVERIFY2(audio.ok(), qPrintable(audio.error));
            QVERIFY(std::abs(int(audio.samples.size()) - 1600) <= 20);
        }
    }

    void playlistsCannotReadOutsideTheDataset_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("body"); // %1: the outside file's absolute path
        QTest::newRow("hls .m3u8") << QStringLiteral("list.m3u8")
                                   << QByteArray("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:1.0,\n%1\n#EXT-X-ENDLIST\n");
        QTest::newRow("hls named .wav") << QStringLiteral("disguised.wav")
                                        << QByteArray("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:1.0,\n%1\n#EXT-X-ENDLIST\n");
        QTest::newRow("hls file: url") << QStringLiteral("url.m3u8")
                                       << QByteArray("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:1.0,\nfile:%1\n#EXT-X-ENDLIST\n");
        QTest::newRow("ffconcat") << QStringLiteral("list.ffconcat") << QByteArray("ffconcat version 1.0\nfile '%1'\n");
        QTest::newRow("network segment") << QStringLiteral("net.m3u8")
                                         << QByteArray("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:1.0,\nhttp://127.0.0.1:9/a.wav\n#EXT-X-ENDLIST\n");
    }
    void playlistsCannotReadOutsideTheDataset()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, body);
        // A valid clip outside the dataset folder: decoding it through the playlist is the escape.
        const QString outside = path(QStringLiteral("outside/secret.wav"));
        testsupport::writeFile(outside, stereoWav(tone(440.0, 1.0, 16000), tone(440.0, 1.0, 16000), 16000));
        QVERIFY(decodeAudio(outside, 16000).ok());
        const QString file = path(QStringLiteral("dataset/audio/") + name);
        testsupport::writeFile(file, body.replace("%1", QFile::encodeName(QFileInfo(outside).absoluteFilePath())));
        QElapsedTimer timer;
        timer.start();
        const DecodedAudio audio = decodeAudio(file, 16000);
        QVERIFY2(!audio.ok(), "a playlist inside the dataset decoded a file outside it");
        QVERIFY(audio.samples.empty());
        QVERIFY2(audio.error.startsWith(QLatin1String("refused")), qPrintable(audio.error));
        QVERIFY(timer.elapsed() < 5000);
    }

    void imageGivenAsAudioIsNotAContainer()
    {
        // A PNG where audio belongs: refused by name, not decoded by an image demuxer.
        const QByteArray png = QByteArray::fromBase64(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
        const QString file = path(QStringLiteral("dataset/audio/picture.png"));
        testsupport::writeFile(file, png);
        const DecodedAudio audio = decodeAudio(file, 16000);
        QVERIFY(!audio.ok());
        QVERIFY2(audio.error.startsWith(QLatin1String("refused")) && audio.error.contains(QLatin1String("not an audio container")),
                 qPrintable(audio.error));
    }

    void livePlaylistEndsFast()
    {
        // No #EXT-X-ENDLIST: FFmpeg would wait for the playlist to grow, forever.
        const QString segment = path(QStringLiteral("live/seg0.wav"));
        testsupport::writeFile(segment, stereoWav(tone(440.0, 0.5, 16000), tone(440.0, 0.5, 16000), 16000));
        const QString file = path(QStringLiteral("live/live.m3u8"));
        testsupport::writeFile(file, "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n"
                                     "#EXTINF:0.5,\nseg0.wav\n");
        QElapsedTimer timer;
        timer.start();
        const DecodedAudio audio = decodeAudio(file, 16000);
        QVERIFY(!audio.ok());
        QVERIFY2(audio.error.startsWith(QLatin1String("refused")), qPrintable(audio.error));
        QVERIFY(timer.elapsed() < 5000);
    }

    void nonFiniteSamplesAreReported()
    {
        std::vector<float> s = tone(440.0, 1.0, 16000);
        s[100] = std::numeric_limits<float>::quiet_NaN();
        s[200] = std::numeric_limits<float>::infinity();
        s[300] = -std::numeric_limits<float>::infinity();
        const QString file = path(QStringLiteral("nan.wav"));
        testsupport::writeFile(file, floatWav(s, 16000));
        const DecodedAudio audio = decodeAudio(file, 16000);
        QVERIFY2(audio.ok(), qPrintable(audio.error));
        QVERIFY2(audio.warning.startsWith(QLatin1String("3 NaN or infinite samples")), qPrintable(audio.warning));
        for (float v : audio.samples)
            QVERIFY(std::isfinite(v));
        // Resampled too: the count is the source's, and nothing non-finite comes out.
        testsupport::writeFile(file, floatWav(s, 16000));
        const DecodedAudio resampled = decodeAudio(file, 22050);
        QVERIFY2(resampled.warning.startsWith(QLatin1String("3 NaN")), qPrintable(resampled.warning));
        for (float v : resampled.samples)
            QVERIFY(std::isfinite(v));
        // A clean clip says nothing.
        const QString clean = path(QStringLiteral("clean-float.wav"));
        testsupport::writeFile(clean, floatWav(tone(440.0, 1.0, 16000), 16000));
        QCOMPARE(decodeAudio(clean, 16000).warning, QString());
    }

    void cutAtMaxSecondsIsNoted()
    {
        const QString file = path(QStringLiteral("long.wav"));
        testsupport::writeFile(file, floatWav(tone(440.0, 3.0, 16000), 16000));
        const DecodedAudio cut = decodeAudio(file, 16000, 1.0);
        QVERIFY2(cut.ok(), qPrintable(cut.error));
        QCOMPARE(int(cut.samples.size()), 16000);
        QVERIFY2(cut.warning.contains(QLatin1String("clip of 3.0 s cut to its first 1.0 s")), qPrintable(cut.warning));
        // Exactly the limit's length, or shorter: nothing was cut, nothing is said.
        QCOMPARE(decodeAudio(file, 16000, 3.0).warning, QString());
        QCOMPARE(decodeAudio(file, 16000, 10.0).warning, QString());
    }

    void initTestCase() { QVERIFY(m_dir.isValid()); }
};

QTEST_GUILESS_MAIN(TestAudioDecoder)
#include "test_audiodecoder.moc"
