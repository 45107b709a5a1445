// encodeAudio: mono float PCM → WAV / FLAC / Ogg Vorbis / MP3 / M4A through FFmpeg.
// Bit-exact flags on muxer and encoder make the bytes a pure function of the samples
// (the Ogg muxer otherwise picks a random stream serial, others stamp their version).
#include "core/data/audiodecoder.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <mutex>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/log.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
}

namespace {

QString avError(int code)
{
    char buffer[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(code, buffer, sizeof buffer);
    return QString::fromUtf8(buffer);
}

struct FormatChoice
{
    const char *muxer;
    const char *encoder;
};

FormatChoice choiceFor(AudioFormat format)
{
    switch (format) {
    case AudioFormat::Wav: return {"wav", "pcm_s16le"};
    case AudioFormat::Flac: return {"flac", "flac"};
    case AudioFormat::Ogg: return {"ogg", "libvorbis"};
    case AudioFormat::Mp3: return {"mp3", "libmp3lame"};
    case AudioFormat::M4a: return {"ipod", "aac"};
    }
    return {"wav", "pcm_s16le"};
}

/** Owns every FFmpeg object of one encode, so each early return cleans up. */
struct EncodeState
{
    AVFormatContext *format = nullptr;
    AVCodecContext *codec = nullptr;
    SwrContext *swr = nullptr;
    AVFrame *frame = nullptr;
    AVPacket *packet = nullptr;
    bool fileOpen = false;

    ~EncodeState()
    {
        if (fileOpen)
            avio_closep(&format->pb);
        av_packet_free(&packet);
        av_frame_free(&frame);
        swr_free(&swr);
        avcodec_free_context(&codec);
        avformat_free_context(format);
    }
};

/** The smallest supported rate at or above the wanted one (MP3 accepts only a few), so no
 *  bandwidth is thrown away; the highest supported rate when all are below. */
int pickSampleRate(const AVCodec *encoder, int wanted)
{
    if (!encoder->supported_samplerates)
        return wanted;
    int above = 0, highest = 0;
    for (const int *rate = encoder->supported_samplerates; *rate; ++rate) {
        if (*rate >= wanted && (above == 0 || *rate < above))
            above = *rate;
        highest = std::max(highest, *rate);
    }
    return above > 0 ? above : (highest > 0 ? highest : wanted);
}

AVSampleFormat pickSampleFormat(const AVCodec *encoder)
{
    if (!encoder->sample_fmts)
        return AV_SAMPLE_FMT_FLTP;
    for (const AVSampleFormat *f = encoder->sample_fmts; *f != AV_SAMPLE_FMT_NONE; ++f) {
        if (*f == AV_SAMPLE_FMT_FLTP || *f == AV_SAMPLE_FMT_FLT)
            return *f;
    }
    return encoder->sample_fmts[0];
}

/** Sends one frame (or the flush request when frame is null) and writes what comes out. */
int encodeAndWrite(EncodeState &s, AVFrame *frame)
{
    int rc = avcodec_send_frame(s.codec, frame);
    if (rc < 0)
        return rc;
    for (;;) {
        rc = avcodec_receive_packet(s.codec, s.packet);
        if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
            return 0;
        if (rc < 0)
            return rc;
        av_packet_rescale_ts(s.packet, s.codec->time_base, s.format->streams[0]->time_base);
        s.packet->stream_index = 0;
        rc = av_interleaved_write_frame(s.format, s.packet);
        if (rc < 0)
            return rc;
    }
}

QString encodeToFile(const QByteArray &tempPath, const std::vector<float> &samples, int sampleRate,
                     AudioFormat format)
{
    const FormatChoice choice = choiceFor(format);
    const AVCodec *encoder = avcodec_find_encoder_by_name(choice.encoder);
    if (!encoder)
        return QStringLiteral("this FFmpeg build has no %1 encoder").arg(QLatin1String(choice.encoder));

    EncodeState s;
    int rc = avformat_alloc_output_context2(&s.format, nullptr, choice.muxer, tempPath.constData());
    if (rc < 0 || !s.format)
        return QStringLiteral("cannot set up the %1 muxer: %2").arg(QLatin1String(choice.muxer), avError(rc));
    s.format->flags |= AVFMT_FLAG_BITEXACT;

    AVStream *stream = avformat_new_stream(s.format, nullptr);
    s.codec = avcodec_alloc_context3(encoder);
    if (!stream || !s.codec)
        return QStringLiteral("out of memory");

    const int outRate = pickSampleRate(encoder, sampleRate);
    s.codec->sample_rate = outRate;
    s.codec->sample_fmt = pickSampleFormat(encoder);
    av_channel_layout_default(&s.codec->ch_layout, 1);
    s.codec->time_base = AVRational{1, outRate};
    s.codec->flags |= AV_CODEC_FLAG_BITEXACT;
    s.codec->thread_count = 1; // several encodes run in parallel; keep each one single-threaded
    // Modest mono rates: enough for speech and for mel features, compact for demo data.
    const bool wideband = outRate > 24000;
    if (format == AudioFormat::Ogg)
        s.codec->bit_rate = wideband ? 64000 : 32000;
    else if (format == AudioFormat::M4a)
        s.codec->bit_rate = wideband ? 96000 : 64000;
    else if (format == AudioFormat::Mp3)
        s.codec->bit_rate = wideband ? 96000 : 48000;
    if (s.format->oformat->flags & AVFMT_GLOBALHEADER)
        s.codec->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;

    rc = avcodec_open2(s.codec, encoder, nullptr);
    if (rc < 0)
        return QStringLiteral("cannot open the %1 encoder: %2").arg(QLatin1String(choice.encoder), avError(rc));
    rc = avcodec_parameters_from_context(stream->codecpar, s.codec);
    if (rc < 0)
        return QStringLiteral("cannot configure the stream: %1").arg(avError(rc));
    stream->time_base = s.codec->time_base;

    // Convert (and resample, when the encoder cannot take this rate) the whole clip at once:
    // clips are short, and one conversion means no state to carry between frames.
    AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
    rc = swr_alloc_set_opts2(&s.swr, &mono, s.codec->sample_fmt, outRate, &mono, AV_SAMPLE_FMT_FLT,
                             sampleRate, 0, nullptr);
    if (rc < 0 || (rc = swr_init(s.swr)) < 0)
        return QStringLiteral("cannot set up sample conversion: %1").arg(avError(rc));
    const int bytesPerSample = av_get_bytes_per_sample(s.codec->sample_fmt);
    const int64_t capacity = av_rescale_rnd(int64_t(samples.size()), outRate, sampleRate, AV_ROUND_UP) + 256;
    if (capacity > INT32_MAX / 8)
        return QStringLiteral("clip too long to encode in one piece (%1 samples)").arg(samples.size());
    std::vector<uint8_t> converted(size_t(capacity) * size_t(bytesPerSample));
    uint8_t *out[1] = {converted.data()};
    const uint8_t *in[1] = {reinterpret_cast<const uint8_t *>(samples.data())};
    int produced = swr_convert(s.swr, out, int(capacity), in, int(samples.size()));
    if (produced < 0)
        return QStringLiteral("sample conversion failed: %1").arg(avError(produced));
    out[0] = converted.data() + size_t(produced) * size_t(bytesPerSample);
    const int tail = swr_convert(s.swr, out, int(capacity) - produced, nullptr, 0);
    if (tail > 0)
        produced += tail;

    rc = avio_open(&s.format->pb, tempPath.constData(), AVIO_FLAG_WRITE);
    if (rc < 0)
        return QStringLiteral("cannot create the file: %1").arg(avError(rc));
    s.fileOpen = true;
    rc = avformat_write_header(s.format, nullptr);
    if (rc < 0)
        return QStringLiteral("cannot write the header: %1").arg(avError(rc));

    s.frame = av_frame_alloc();
    s.packet = av_packet_alloc();
    if (!s.frame || !s.packet)
        return QStringLiteral("out of memory");
    const bool variable = encoder->capabilities & AV_CODEC_CAP_VARIABLE_FRAME_SIZE;
    const int frameSize = (s.codec->frame_size > 0 && !variable) ? s.codec->frame_size : 4096;
    for (int start = 0; start < produced; start += frameSize) {
        const int count = std::min(frameSize, produced - start);
        av_frame_unref(s.frame);
        s.frame->format = s.codec->sample_fmt;
        s.frame->sample_rate = outRate;
        s.frame->nb_samples = count;
        av_channel_layout_copy(&s.frame->ch_layout, &s.codec->ch_layout);
        if ((rc = av_frame_get_buffer(s.frame, 0)) < 0)
            return QStringLiteral("out of memory: %1").arg(avError(rc));
        std::copy_n(converted.data() + size_t(start) * size_t(bytesPerSample),
                    size_t(count) * size_t(bytesPerSample), s.frame->data[0]);
        s.frame->pts = start;
        if ((rc = encodeAndWrite(s, s.frame)) < 0)
            return QStringLiteral("encoding failed: %1").arg(avError(rc));
    }
    if ((rc = encodeAndWrite(s, nullptr)) < 0)
        return QStringLiteral("encoding failed: %1").arg(avError(rc));
    if ((rc = av_write_trailer(s.format)) < 0)
        return QStringLiteral("cannot finish the file: %1").arg(avError(rc));
    s.fileOpen = false;
    if ((rc = avio_closep(&s.format->pb)) < 0)
        return QStringLiteral("cannot close the file: %1").arg(avError(rc));
    return {};
}

} // namespace

bool encodeAudio(const QString &path, const std::vector<float> &samples, int sampleRate,
                 AudioFormat format, QString *error)
{
    static std::once_flag quietOnce;
    std::call_once(quietOnce, [] { av_log_set_level(AV_LOG_QUIET); });

    auto fail = [&](const QString &reason) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, reason);
        return false;
    };
    if (sampleRate <= 0 || sampleRate > 384000)
        return fail(QStringLiteral("invalid sample rate %1").arg(sampleRate));
    if (samples.empty())
        return fail(QStringLiteral("no samples to encode"));

    // A unique name next to the target: the rename is atomic on the same filesystem, and
    // parallel writers of different files never share a temporary.
    static std::atomic<unsigned> counter{0};
    const QFileInfo target(path);
    const QString tempName = QStringLiteral("%1/.%2.%3-%4.part")
                                 .arg(target.absolutePath(), target.fileName())
                                 .arg(QCoreApplication::applicationPid())
                                 .arg(counter.fetch_add(1));
    const QByteArray tempPath = QFile::encodeName(tempName);

    QString reason;
    try {
        // Float encoders would pass values past full scale (and NaN) straight into the file;
        // clamped, every format holds the same signal.
        std::vector<float> clean(samples);
        for (float &v : clean)
            v = std::isfinite(v) ? std::clamp(v, -1.0f, 1.0f) : 0.0f;
        reason = encodeToFile(tempPath, clean, sampleRate, format);
    } catch (const std::exception &e) {
        reason = QStringLiteral("unexpected failure: %1").arg(QString::fromUtf8(e.what()));
    }
    if (reason.isEmpty() && std::rename(tempPath.constData(), QFile::encodeName(target.absoluteFilePath()).constData()) != 0)
        reason = QStringLiteral("cannot rename the finished file into place: %1")
                     .arg(QString::fromLocal8Bit(std::strerror(errno)));
    if (!reason.isEmpty()) {
        QFile::remove(tempName);
        return fail(reason);
    }
    if (error)
        error->clear();
    return true;
}
