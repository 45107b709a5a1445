// decodeAudio: the first audio stream of anything FFmpeg opens → mono float at one rate.
// Runs in several decoding threads at once: every FFmpeg object is local to the call.
#include "core/data/audiodecoder.h"

#include <QtCore/QFile>

#include <algorithm>
#include <cmath>
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

/** FFmpeg's WAV demuxer quietly shrinks a data chunk that runs past the end of the file,
 *  so a cut-off WAV is recognised here from its own header. */
QString wavTruncation(const QByteArray &path)
{
    QFile file(QFile::decodeName(path));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray head = file.read(1 << 16);
    const auto u32 = [&](qsizetype at) {
        const auto *b = reinterpret_cast<const unsigned char *>(head.constData() + at);
        return quint32(b[0]) | quint32(b[1]) << 8 | quint32(b[2]) << 16 | quint32(b[3]) << 24;
    };
    if (head.size() < 12 || !head.startsWith("RIFF") || head.mid(8, 4) != "WAVE")
        return {};
    for (qsizetype at = 12; at + 8 <= head.size();) {
        const quint32 size = u32(at + 4);
        if (head.mid(at, 4) == "data") {
            const qint64 present = file.size() - (at + 8);
            // 0 and 0xFFFFFFFF are what streaming writers leave when the length is unknown.
            if (size != 0 && size != 0xFFFFFFFFu && present < qint64(size))
                return QStringLiteral("truncated file: the WAV header declares %1 bytes of audio, the file holds %2")
                    .arg(size).arg(present);
            return {};
        }
        at += 8 + qsizetype(size) + (size & 1);
    }
    return {};
}

/** Owns every FFmpeg object of one decode, so each early return cleans up. */
struct DecodeState
{
    AVFormatContext *format = nullptr;
    AVCodecContext *codec = nullptr;
    SwrContext *swr = nullptr;
    AVFrame *frame = nullptr;
    AVPacket *packet = nullptr;
    // What swr was set up for: a stream may change layout or rate midway.
    AVChannelLayout swrLayout{};
    int swrFormat = -1;
    int swrRate = 0;

    ~DecodeState()
    {
        av_channel_layout_uninit(&swrLayout);
        av_packet_free(&packet);
        av_frame_free(&frame);
        swr_free(&swr);
        avcodec_free_context(&codec);
        avformat_close_input(&format);
    }
};

class Decoder
{
public:
    Decoder(int sampleRate, std::size_t maxSamples) : m_rate(sampleRate), m_maxSamples(maxSamples) {}

    QString run(const QByteArray &path);
    std::vector<float> &samples() { return m_samples; }

private:
    QString configureResampler(const AVFrame *frame);
    QString appendFrame(const AVFrame *frame);
    QString drainResampler();
    QString receiveFrames();
    bool full() const { return m_samples.size() >= m_maxSamples; }

    DecodeState m_s;
    int m_rate;
    std::size_t m_maxSamples;
    std::vector<float> m_samples;
};

QString Decoder::configureResampler(const AVFrame *frame)
{
    AVChannelLayout in{};
    if (frame->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC || frame->ch_layout.nb_channels <= 0)
        av_channel_layout_default(&in, std::max(1, frame->ch_layout.nb_channels));
    else
        av_channel_layout_copy(&in, &frame->ch_layout);
    const bool same = m_s.swr && m_s.swrFormat == frame->format && m_s.swrRate == frame->sample_rate
                      && av_channel_layout_compare(&in, &m_s.swrLayout) == 0;
    if (same) {
        av_channel_layout_uninit(&in);
        return {};
    }
    if (m_s.swr) {
        const QString error = drainResampler();
        if (!error.isEmpty()) {
            av_channel_layout_uninit(&in);
            return error;
        }
        swr_free(&m_s.swr);
    }
    AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
    int rc = swr_alloc_set_opts2(&m_s.swr, &mono, AV_SAMPLE_FMT_FLT, m_rate, &in,
                                 AVSampleFormat(frame->format), frame->sample_rate, 0, nullptr);
    // For float output swr would sum the channels at -3 dB each (peaks up to 1.41); a
    // normalised matrix averages them and keeps a full-scale stereo clip inside [-1, 1].
    if (rc >= 0)
        rc = av_opt_set_double(m_s.swr, "rematrix_maxval", 1.0, 0);
    if (rc >= 0)
        rc = swr_init(m_s.swr);
    av_channel_layout_uninit(&m_s.swrLayout);
    m_s.swrLayout = in;
    m_s.swrFormat = frame->format;
    m_s.swrRate = frame->sample_rate;
    if (rc < 0)
        return QStringLiteral("cannot convert this audio (%1 Hz, %2 channels): %3")
            .arg(frame->sample_rate).arg(in.nb_channels).arg(avError(rc));
    return {};
}

QString Decoder::appendFrame(const AVFrame *frame)
{
    if (frame->nb_samples <= 0 || frame->sample_rate <= 0)
        return {};
    const QString error = configureResampler(frame);
    if (!error.isEmpty())
        return error;
    const int capacity = swr_get_out_samples(m_s.swr, frame->nb_samples);
    if (capacity < 0)
        return QStringLiteral("resampling failed: %1").arg(avError(capacity));
    const std::size_t before = m_samples.size();
    m_samples.resize(before + std::size_t(capacity));
    uint8_t *out[1] = {reinterpret_cast<uint8_t *>(m_samples.data() + before)};
    const int produced = swr_convert(m_s.swr, out, capacity,
                                     const_cast<const uint8_t **>(frame->extended_data), frame->nb_samples);
    m_samples.resize(before + std::size_t(std::max(0, produced)));
    if (produced < 0)
        return QStringLiteral("resampling failed: %1").arg(avError(produced));
    return {};
}

QString Decoder::drainResampler()
{
    if (!m_s.swr)
        return {};
    const int capacity = swr_get_out_samples(m_s.swr, 0);
    if (capacity <= 0)
        return {};
    const std::size_t before = m_samples.size();
    m_samples.resize(before + std::size_t(capacity));
    uint8_t *out[1] = {reinterpret_cast<uint8_t *>(m_samples.data() + before)};
    const int produced = swr_convert(m_s.swr, out, capacity, nullptr, 0);
    m_samples.resize(before + std::size_t(std::max(0, produced)));
    return {};
}

QString Decoder::receiveFrames()
{
    for (;;) {
        const int rc = avcodec_receive_frame(m_s.codec, m_s.frame);
        if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
            return {};
        if (rc < 0)
            return QStringLiteral("cannot decode audio: %1").arg(avError(rc));
        const QString error = appendFrame(m_s.frame);
        av_frame_unref(m_s.frame);
        if (!error.isEmpty())
            return error;
    }
}

QString Decoder::run(const QByteArray &path)
{
    // FFmpeg re-probes 16-bit WAV data for disguised MP3/AC3 at every doubling up to 32
    // packets: ~15 ms per 10 s clip, more than decoding it. Two packets (8 KB) still catch it.
    AVDictionary *options = nullptr;
    av_dict_set(&options, "max_probe_packets", "2", 0);
    int rc = avformat_open_input(&m_s.format, path.constData(), nullptr, &options);
    av_dict_free(&options);
    if (rc < 0)
        return QStringLiteral("cannot open audio: %1").arg(avError(rc));
    rc = avformat_find_stream_info(m_s.format, nullptr);
    if (rc < 0)
        return QStringLiteral("cannot read stream info: %1").arg(avError(rc));

    AVStream *stream = nullptr;
    for (unsigned i = 0; i < m_s.format->nb_streams; ++i) {
        AVStream *candidate = m_s.format->streams[i];
        if (!stream && candidate->codecpar->codec_type == AVMEDIA_TYPE_AUDIO)
            stream = candidate;
        else
            candidate->discard = AVDISCARD_ALL; // a video track costs nothing to skip
    }
    if (!stream)
        return QStringLiteral("no audio stream");
    const AVCodec *decoder = avcodec_find_decoder(stream->codecpar->codec_id);
    if (!decoder)
        return QStringLiteral("no decoder for audio codec %1")
            .arg(QString::fromUtf8(avcodec_get_name(stream->codecpar->codec_id)));
    m_s.codec = avcodec_alloc_context3(decoder);
    m_s.frame = av_frame_alloc();
    m_s.packet = av_packet_alloc();
    if (!m_s.codec || !m_s.frame || !m_s.packet)
        return QStringLiteral("out of memory");
    if ((rc = avcodec_parameters_to_context(m_s.codec, stream->codecpar)) < 0)
        return QStringLiteral("cannot configure the %1 decoder: %2").arg(QString::fromUtf8(decoder->name), avError(rc));
    m_s.codec->thread_count = 1; // parallelism comes from decoding many files at once
    if ((rc = avcodec_open2(m_s.codec, decoder, nullptr)) < 0)
        return QStringLiteral("cannot open the %1 decoder: %2").arg(QString::fromUtf8(decoder->name), avError(rc));

    QString readError;
    int decodeFailures = 0;
    QString lastDecodeError;
    while (!full()) {
        rc = av_read_frame(m_s.format, m_s.packet);
        if (rc == AVERROR_EOF)
            break;
        if (rc < 0) {
            readError = avError(rc);
            break;
        }
        if (m_s.packet->stream_index == stream->index) {
            rc = avcodec_send_packet(m_s.codec, m_s.packet);
            // A damaged packet is skipped (the decoder conceals it); whether the file as a
            // whole is usable is judged from how much audio came out.
            if (rc < 0 && rc != AVERROR(EAGAIN)) {
                ++decodeFailures;
                lastDecodeError = QStringLiteral("cannot decode audio: %1").arg(avError(rc));
            }
            const QString error = receiveFrames();
            if (!error.isEmpty()) {
                ++decodeFailures;
                lastDecodeError = error;
            }
        }
        av_packet_unref(m_s.packet);
    }
    if (!full()) {
        avcodec_send_packet(m_s.codec, nullptr);
        const QString error = receiveFrames();
        if (!error.isEmpty()) {
            ++decodeFailures;
            lastDecodeError = error;
        }
        const QString drained = drainResampler();
        if (!drained.isEmpty())
            return drained;
    }
    const bool capped = full();
    if (m_samples.size() > m_maxSamples)
        m_samples.resize(m_maxSamples);

    if (m_samples.empty()) {
        if (!readError.isEmpty())
            return QStringLiteral("cannot read audio: %1").arg(readError);
        if (decodeFailures > 0)
            return lastDecodeError;
        return QStringLiteral("audio stream is empty");
    }
    if (!capped) {
        // A cut-off file decodes "successfully" up to the cut; its header still states the
        // full length, which is how a truncated download is told from a short clip.
        double declared = 0.0;
        if (stream->duration > 0 && stream->duration != AV_NOPTS_VALUE)
            declared = double(stream->duration) * av_q2d(stream->time_base);
        const double decoded = double(m_samples.size()) / m_rate;
        if (declared > 0.0 && decoded + 0.1 + 0.02 * declared < declared)
            return QStringLiteral("truncated file: decoded %1 s of the %2 s its header declares")
                .arg(decoded, 0, 'f', 2).arg(declared, 0, 'f', 2);
        // AAC in MP4 ends with encoder padding the demuxer does not cut; the header knows
        // the true length. Only padding-sized excess is cut, never real audio.
        if (declared > 0.0 && decoded > declared && decoded - declared < 0.25)
            m_samples.resize(std::size_t(std::llround(declared * m_rate)));
        if (std::strcmp(m_s.format->iformat->name, "wav") == 0) {
            const QString error = wavTruncation(path);
            if (!error.isEmpty())
                return error;
        }
        if (!readError.isEmpty())
            return QStringLiteral("cannot read audio: %1").arg(readError);
    }
    for (float &sample : m_samples) {
        // Lossy decoders overshoot full scale slightly; NaN from a broken stream becomes 0.
        sample = std::isfinite(sample) ? std::clamp(sample, -1.0f, 1.0f) : 0.0f;
    }
    return {};
}

} // namespace

DecodedAudio decodeAudio(const QString &path, int sampleRate, double maxSeconds)
{
    static std::once_flag quietOnce;
    std::call_once(quietOnce, [] { av_log_set_level(AV_LOG_QUIET); });

    DecodedAudio result;
    result.sampleRate = sampleRate;
    if (sampleRate <= 0 || sampleRate > 384000) {
        result.error = QStringLiteral("invalid target sample rate %1").arg(sampleRate);
        return result;
    }
    // maxSeconds <= 0 means "no limit" apart from a sanity cap of one hour.
    const double seconds = maxSeconds > 0.0 ? std::min(maxSeconds, 3600.0) : 3600.0;
    const auto maxSamples = std::size_t(std::llround(seconds * sampleRate));
    try {
        Decoder decoder(sampleRate, std::max<std::size_t>(1, maxSamples));
        result.error = decoder.run(QFile::encodeName(path));
        if (result.ok())
            result.samples = std::move(decoder.samples());
    } catch (const std::exception &e) {
        result.error = QStringLiteral("cannot decode audio: %1").arg(QString::fromUtf8(e.what()));
    }
    return result;
}
