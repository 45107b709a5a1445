// decodeAudio: the first audio stream of anything FFmpeg opens → mono float at one rate.
// Runs in several decoding threads at once: every FFmpeg object is local to the call.
#include "core/data/audiodecoder.h"
#include "core/data/audiocontainer.h"
#include "core/data/oggvorbis.h"
#include "core/data/vorbisdecoderpool.h"

#include <QtCore/QFile>
#include <QtCore/QStringList>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <mutex>
#include <utility>

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

// What a real recording can hold. libswresample asserts (aborting the process) on rates
// like the 2 147 483 647 Hz a damaged header can claim, so nothing outside reaches it.
constexpr int kMinSourceRate = 1;
constexpr int kMaxSourceRate = 768000;
constexpr int kMaxSourceChannels = 64; // SWR_CH_MAX

/** Why a stream or frame with this rate and layout cannot be converted; empty when it can. */
QString unsupportedShape(int rate, const AVChannelLayout &layout)
{
    if (rate < kMinSourceRate || rate > kMaxSourceRate)
        return QStringLiteral("unsupported sample rate %1 Hz (a valid file has 1 Hz to 768 kHz)").arg(rate);
    if (layout.nb_channels < 1 || layout.nb_channels > kMaxSourceChannels)
        return QStringLiteral("unsupported channel count %1 (1 to %2)").arg(layout.nb_channels).arg(kMaxSourceChannels);
    if (!av_channel_layout_check(&layout))
        return QStringLiteral("inconsistent channel layout (%1 channels)").arg(layout.nb_channels);
    return {};
}

/** Owns every FFmpeg object of one decode, so each early return cleans up. */
struct DecodeState
{
    AVCodecParameters *parameters = nullptr; ///< the Ogg/Vorbis fast path's own
    AVIOContext *io = nullptr;                 ///< ours, not the demuxer's: closed after it
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
        avio_closep(&io);
        avcodec_parameters_free(&parameters);
    }
};

/** Whether the demuxer's header alone gave the first audio stream's decoder all it needs. */
bool headerDescribesAudio(const AVFormatContext *format)
{
    if (format->ctx_flags & AVFMTCTX_NOHEADER)
        return false; // streams may still appear with the packets
    for (unsigned i = 0; i < format->nb_streams; ++i) {
        const AVCodecParameters *par = format->streams[i]->codecpar;
        if (par->codec_type == AVMEDIA_TYPE_AUDIO)
            return par->codec_id != AV_CODEC_ID_NONE && par->sample_rate > 0 && par->ch_layout.nb_channels > 0
                   && par->extradata_size > 0;
    }
    return false;
}

class Decoder
{
public:
    Decoder(int sampleRate, std::size_t maxSamples) : m_rate(sampleRate), m_maxSamples(maxSamples) {}

    QString run(const QByteArray &path);
    std::vector<float> &samples() { return m_samples; }
    QString warning() const;

private:
    QString runDemuxed(const QByteArray &path, const AVInputFormat *container);
    QString runOggVorbis(const OggVorbisStream &ogg);
    QString openInput(const QByteArray &path, const AVInputFormat *container);
    QString openDecoder(const AVCodecParameters *parameters);
    void reserveFor(double declaredSeconds);
    void decodePacket(const AVPacket *packet);
    QString finish(double declaredSeconds, const QString &readError, bool wav, const QByteArray &path);
    QString configureResampler(const AVFrame *frame);
    QString appendFrame(const AVFrame *frame);
    QString drainResampler();
    QString receiveFrames();
    bool full() const { return m_samples.size() >= m_maxSamples; }

    DecodeState m_s;
    int m_rate;
    std::size_t m_maxSamples;
    std::vector<float> m_samples;
    // A damaged packet is skipped (the decoder conceals it); whether the file as a whole is
    // usable is judged from how much audio came out.
    int m_decodeFailures = 0;
    QString m_lastDecodeError;
    /** Samples to cut from the next frame, as libavcodec cuts a packet's end-trim side data
     *  (only when they do not exceed the frame). */
    std::int64_t m_trimNextFrame = 0;
    std::int64_t m_nonFinite = 0; ///< NaN/Inf samples in the source (float formats)
    double m_cutFromSeconds = 0;  ///< > 0: the clip was cut at maxSeconds; its declared length (or -1)
};

/** NaN and Inf samples in a float frame: a float WAV can hold them, and they would silently
 *  become 0 (and smear NaN through the resampler's filter). */
std::int64_t countNonFinite(const AVFrame *frame)
{
    const auto format = AVSampleFormat(frame->format);
    const bool isFloat = format == AV_SAMPLE_FMT_FLT || format == AV_SAMPLE_FMT_FLTP;
    const bool isDouble = format == AV_SAMPLE_FMT_DBL || format == AV_SAMPLE_FMT_DBLP;
    if (!isFloat && !isDouble)
        return 0;
    const bool planar = av_sample_fmt_is_planar(format);
    const int planes = planar ? frame->ch_layout.nb_channels : 1;
    const std::int64_t perPlane = std::int64_t(frame->nb_samples) * (planar ? 1 : frame->ch_layout.nb_channels);
    std::int64_t bad = 0;
    for (int p = 0; p < planes; ++p) {
        const uint8_t *plane = frame->extended_data[p];
        for (std::int64_t i = 0; i < perPlane; ++i) {
            const double v = isFloat ? double(reinterpret_cast<const float *>(plane)[i])
                                     : reinterpret_cast<const double *>(plane)[i];
            bad += std::isfinite(v) ? 0 : 1;
        }
    }
    return bad;
}

QString Decoder::warning() const
{
    QStringList notes;
    if (m_nonFinite > 0)
        notes << QStringLiteral("%1 NaN or infinite sample%2 replaced by silence")
                     .arg(m_nonFinite).arg(m_nonFinite == 1 ? QLatin1String() : QLatin1String("s"));
    const double kept = double(m_maxSamples) / m_rate;
    if (m_cutFromSeconds > 0)
        notes << QStringLiteral("clip of %1 s cut to its first %2 s")
                     .arg(m_cutFromSeconds, 0, 'f', 1).arg(kept, 0, 'f', 1);
    else if (m_cutFromSeconds < 0)
        notes << QStringLiteral("clip longer than %1 s cut to its first %1 s").arg(kept, 0, 'f', 1);
    return notes.join(QStringLiteral("; "));
}

QString Decoder::configureResampler(const AVFrame *frame)
{
    AVChannelLayout in{};
    if (frame->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC || frame->ch_layout.nb_channels <= 0)
        av_channel_layout_default(&in, std::max(1, frame->ch_layout.nb_channels));
    else
        av_channel_layout_copy(&in, &frame->ch_layout);
    // A decoder may report another rate or layout than the header did, frame by frame.
    if (const QString error = unsupportedShape(frame->sample_rate, in); !error.isEmpty()) {
        av_channel_layout_uninit(&in);
        return error;
    }
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
    m_nonFinite += countNonFinite(frame);
    // Mono float at the target rate is already what we want: swr would only copy it (the
    // same bytes), after a setup that costs more than the copy.
    const bool planar = frame->format == AV_SAMPLE_FMT_FLTP;
    if ((planar || frame->format == AV_SAMPLE_FMT_FLT) && frame->sample_rate == m_rate
        && frame->ch_layout.nb_channels == 1) {
        if (m_s.swr) {
            const QString error = drainResampler();
            if (!error.isEmpty())
                return error;
            swr_free(&m_s.swr);
        }
        const auto *in = reinterpret_cast<const float *>(frame->extended_data[0]);
        m_samples.insert(m_samples.end(), in, in + frame->nb_samples);
        return {};
    }
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
        if (m_trimNextFrame > 0 && m_trimNextFrame <= m_s.frame->nb_samples)
            m_s.frame->nb_samples -= int(m_trimNextFrame);
        m_trimNextFrame = 0;
        const QString error = appendFrame(m_s.frame);
        av_frame_unref(m_s.frame);
        if (!error.isEmpty())
            return error;
    }
}

QString Decoder::run(const QByteArray &path)
{
    QByteArray whole;
    const AVInputFormat *container = sniffContainer(path, &whole);
    if (!whole.isEmpty()) {
        // libavformat's Ogg demuxer costs more than decoding a short clip; a plain Vorbis
        // stream at the target rate is split here instead, with the same packets and length.
        OggVorbisStream ogg;
        if (ogg.parse(whole) && ogg.sampleRate() == m_rate)
            return runOggVorbis(ogg);
    }
    return runDemuxed(path, container);
}

QString Decoder::runOggVorbis(const OggVorbisStream &ogg)
{
    m_s.parameters = avcodec_parameters_alloc();
    m_s.frame = av_frame_alloc();
    m_s.packet = av_packet_alloc();
    if (!m_s.parameters || !m_s.frame || !m_s.packet)
        return QStringLiteral("out of memory");
    AVCodecParameters *par = m_s.parameters;
    par->codec_type = AVMEDIA_TYPE_AUDIO;
    par->codec_id = AV_CODEC_ID_VORBIS;
    par->sample_rate = ogg.sampleRate();
    av_channel_layout_default(&par->ch_layout, ogg.channels());
    const std::vector<std::uint8_t> &headers = ogg.extradata();
    par->extradata = static_cast<std::uint8_t *>(av_mallocz(headers.size() + AV_INPUT_BUFFER_PADDING_SIZE));
    if (!par->extradata)
        return QStringLiteral("out of memory");
    std::memcpy(par->extradata, headers.data(), headers.size());
    par->extradata_size = int(headers.size());
    const QString error = openDecoder(par);
    if (!error.isEmpty())
        return error;

    const double declared = double(ogg.declaredSamples()) / ogg.sampleRate();
    reserveFor(declared);
    const std::vector<OggVorbisStream::Packet> &packets = ogg.packets();
    for (const OggVorbisStream::Packet &p : packets) {
        if (full())
            break;
        if (&p == &packets.back())
            m_trimNextFrame = ogg.endTrim();
        // A padded copy, as a demuxer hands over: decoders may read a little past the end.
        if (av_new_packet(m_s.packet, p.size) < 0)
            return QStringLiteral("out of memory");
        std::memcpy(m_s.packet->data, ogg.payload() + p.offset, std::size_t(p.size));
        decodePacket(m_s.packet);
        av_packet_unref(m_s.packet);
    }
    return finish(declared, {}, false, {});
}

QString Decoder::runDemuxed(const QByteArray &path, const AVInputFormat *container)
{
    QString error = openInput(path, container);
    if (!error.isEmpty())
        return error;
    int rc = 0;
    // Ogg states every codec parameter in its header pages; find_stream_info would only open
    // and run a second decoder on the first packets (half of a short clip's decode time).
    if (!container || !headerDescribesAudio(m_s.format)) {
        rc = avformat_find_stream_info(m_s.format, nullptr);
        if (rc < 0)
            return QStringLiteral("cannot read stream info: %1").arg(avError(rc));
    }

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
    // Checked before any decoder or resampler sees them; 0 means "known once decoded".
    const AVCodecParameters *par = stream->codecpar;
    if (par->sample_rate != 0 || par->ch_layout.nb_channels != 0) {
        AVChannelLayout layout{};
        if (par->ch_layout.nb_channels == 0)
            av_channel_layout_default(&layout, 1);
        else if (av_channel_layout_copy(&layout, &par->ch_layout) < 0)
            return QStringLiteral("out of memory");
        error = unsupportedShape(par->sample_rate == 0 ? kMinSourceRate : par->sample_rate, layout);
        av_channel_layout_uninit(&layout);
        if (!error.isEmpty())
            return error;
    }
    m_s.frame = av_frame_alloc();
    m_s.packet = av_packet_alloc();
    if (!m_s.frame || !m_s.packet)
        return QStringLiteral("out of memory");
    error = openDecoder(stream->codecpar);
    if (!error.isEmpty())
        return error;

    // A cut-off file decodes "successfully" up to the cut; its header still states the full
    // length, which is how a truncated download is told from a short clip.
    auto declared = [stream] {
        if (stream->duration > 0 && stream->duration != AV_NOPTS_VALUE)
            return double(stream->duration) * av_q2d(stream->time_base);
        return 0.0;
    };
    reserveFor(declared());
    QString readError;
    while (!full()) {
        rc = av_read_frame(m_s.format, m_s.packet);
        if (rc == AVERROR_EOF)
            break;
        if (rc < 0) {
            readError = avError(rc);
            break;
        }
        if (m_s.packet->stream_index == stream->index)
            decodePacket(m_s.packet);
        av_packet_unref(m_s.packet);
    }
    return finish(declared(), readError, std::strcmp(m_s.format->iformat->name, "wav") == 0, path);
}

QString Decoder::openInput(const QByteArray &path, const AVInputFormat *container)
{
    // Only the local file protocol, for this file and for anything a demuxer opens itself;
    // "file:" in front so a name like "http:x.wav" is never taken for a URL.
    const QByteArray url = "file:" + path;
    AVDictionary *options = nullptr;
    av_dict_set(&options, "protocol_whitelist", "file", 0);
    int rc = avio_open2(&m_s.io, url.constData(), AVIO_FLAG_READ, nullptr, &options);
    av_dict_free(&options);
    if (rc < 0)
        return QStringLiteral("cannot open audio: %1").arg(avError(rc));
    // Probed here, before any demuxer's header reader runs: a playlist's reader already
    // opens its segments.
    const AVInputFormat *format = container;
    if (!format) {
        rc = av_probe_input_buffer2(m_s.io, &format, url.constData(), nullptr, 0, 0);
        if (rc < 0)
            return QStringLiteral("cannot open audio: %1").arg(avError(rc));
    }
    if (!allowedDemuxer(format)) {
        const QString name = QString::fromUtf8(format->name);
        const QString what = QString::fromUtf8(format->long_name ? format->long_name : format->name);
        if (readsOtherInputs(format))
            return QStringLiteral("refused: this is a playlist or stream description (%1, \"%2\"), which would make "
                                  "FFmpeg read the files or URLs it names; use an audio file (wav, flac, mp3, ogg, m4a …)")
                .arg(what, name);
        return QStringLiteral("refused: FFmpeg reads this file as %1 (\"%2\"), not an audio container; use an audio "
                              "file (wav, flac, mp3, ogg, m4a …)")
            .arg(what, name);
    }
    m_s.format = avformat_alloc_context();
    if (!m_s.format)
        return QStringLiteral("out of memory");
    m_s.format->pb = m_s.io;
    // FFmpeg re-probes 16-bit WAV data for disguised MP3/AC3 at every doubling up to 32
    // packets: ~15 ms per 10 s clip, more than decoding it. Two packets (8 KB) still catch it.
    av_dict_set(&options, "max_probe_packets", "2", 0);
    av_dict_set(&options, "protocol_whitelist", "file", 0);
    rc = avformat_open_input(&m_s.format, url.constData(), format, &options);
    av_dict_free(&options);
    if (rc < 0)
        return QStringLiteral("cannot open audio: %1").arg(avError(rc));
    return {};
}

QString Decoder::openDecoder(const AVCodecParameters *parameters)
{
    if (parameters->codec_id == AV_CODEC_ID_VORBIS)
        m_s.codec = VorbisDecoderPool::take(parameters->extradata, std::size_t(std::max(0, parameters->extradata_size)));
    if (m_s.codec)
        return {};
    const AVCodec *decoder = avcodec_find_decoder(parameters->codec_id);
    if (!decoder)
        return QStringLiteral("no decoder for audio codec %1")
            .arg(QString::fromUtf8(avcodec_get_name(parameters->codec_id)));
    m_s.codec = avcodec_alloc_context3(decoder);
    if (!m_s.codec)
        return QStringLiteral("out of memory");
    int rc = avcodec_parameters_to_context(m_s.codec, parameters);
    if (rc < 0)
        return QStringLiteral("cannot configure the %1 decoder: %2").arg(QString::fromUtf8(decoder->name), avError(rc));
    m_s.codec->thread_count = 1; // parallelism comes from decoding many files at once
    if ((rc = avcodec_open2(m_s.codec, decoder, nullptr)) < 0)
        return QStringLiteral("cannot open the %1 decoder: %2").arg(QString::fromUtf8(decoder->name), avError(rc));
    return {};
}

void Decoder::reserveFor(double declaredSeconds)
{
    // Sized once from the declared length (a frame of slack): growing by doubling copied
    // and zero-filled the clip several times over.
    if (declaredSeconds > 0.0 && declaredSeconds < 3600.0)
        m_samples.reserve(std::min(m_maxSamples + 8192, std::size_t(declaredSeconds * m_rate) + 8192));
}

void Decoder::decodePacket(const AVPacket *packet)
{
    const int rc = avcodec_send_packet(m_s.codec, packet);
    if (rc < 0 && rc != AVERROR(EAGAIN)) {
        ++m_decodeFailures;
        m_lastDecodeError = QStringLiteral("cannot decode audio: %1").arg(avError(rc));
    }
    const QString error = receiveFrames();
    if (!error.isEmpty()) {
        ++m_decodeFailures;
        m_lastDecodeError = error;
    }
}

QString Decoder::finish(double declared, const QString &readError, bool wav, const QByteArray &path)
{
    if (!full()) {
        avcodec_send_packet(m_s.codec, nullptr);
        const QString error = receiveFrames();
        if (!error.isEmpty()) {
            ++m_decodeFailures;
            m_lastDecodeError = error;
        }
        const QString drained = drainResampler();
        if (!drained.isEmpty())
            return drained;
    }
    const bool capped = full();
    // Reading stops at the cap, so "longer" is known from the header's length, or, without
    // one, from audio decoded past the cap; a clip of exactly the cap's length is no news.
    if (capped && declared > double(m_maxSamples) / m_rate + 0.05)
        m_cutFromSeconds = declared;
    else if (capped && declared <= 0.0 && m_samples.size() > m_maxSamples)
        m_cutFromSeconds = -1.0;
    if (m_samples.size() > m_maxSamples)
        m_samples.resize(m_maxSamples);

    if (m_samples.empty()) {
        if (!readError.isEmpty())
            return QStringLiteral("cannot read audio: %1").arg(readError);
        if (m_decodeFailures > 0)
            return m_lastDecodeError;
        return QStringLiteral("audio stream is empty");
    }
    if (!capped) {
        const double decoded = double(m_samples.size()) / m_rate;
        if (declared > 0.0 && decoded + 0.1 + 0.02 * declared < declared)
            return QStringLiteral("truncated file: decoded %1 s of the %2 s its header declares")
                .arg(decoded, 0, 'f', 2).arg(declared, 0, 'f', 2);
        // AAC in MP4 ends with encoder padding the demuxer does not cut, Vorbis with a partly
        // used last block; the header knows the true length. Only padding-sized excess is
        // cut, never real audio.
        if (declared > 0.0 && decoded > declared && decoded - declared < 0.25)
            m_samples.resize(std::size_t(std::llround(declared * m_rate)));
        if (wav) {
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
    // Only a decoder that went through a clean file is worth keeping.
    if (m_decodeFailures == 0)
        VorbisDecoderPool::keep(&m_s.codec);
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
        if (result.ok()) {
            result.samples = std::move(decoder.samples());
            result.warning = decoder.warning();
        }
    } catch (const std::exception &e) {
        result.error = QStringLiteral("cannot decode audio: %1").arg(QString::fromUtf8(e.what()));
    }
    return result;
}
