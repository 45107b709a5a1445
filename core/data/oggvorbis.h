#pragma once

// Internal to core: audiodecoder.cpp's fast path for Ogg/Vorbis clips.

#include <QtCore/QByteArray>
#include <cstdint>
#include <vector>

/**
 * An Ogg file holding one plain Vorbis stream, split into its packets from the bytes in
 * memory, with the codec headers packed and the length stated the way libavformat's Ogg
 * demuxer does (FFmpeg 5.1). That demuxer costs more per clip than decoding one second of
 * audio: it probes, reads the file's last pages for the length, then rewinds. Anything
 * unusual (several or chained streams, another codec, a bad checksum, a stream cut short,
 * bytes between or after the pages, in-band headers) is refused, so the caller can hand
 * the file to libavformat instead. One instance per decode.
 */
class OggVorbisStream
{
public:
    struct Packet
    {
        int offset = 0; ///< into payload()
        int size = 0;
    };

    /** True when `file` is such a stream; false (nothing to use) otherwise. */
    bool parse(const QByteArray &file);

    /** The three Vorbis headers, Xiph-laced, as libavformat passes them to the decoder. */
    const std::vector<std::uint8_t> &extradata() const { return m_extradata; }
    int sampleRate() const { return m_sampleRate; }
    int channels() const { return m_channels; }
    /** The audio packets, in order, within payload(). */
    const std::vector<Packet> &packets() const { return m_packets; }
    const std::uint8_t *payload() const { return m_payload.data(); }
    /** The stream's length in samples at sampleRate(), as libavformat reports it. */
    std::int64_t declaredSamples() const { return m_declared; }
    /** Samples libavformat marks for trimming from the last packet's output (0: none); the
     *  decoding side applies them only when they do not exceed that output. */
    std::int64_t endTrim() const { return m_endTrim; }

private:
    struct Page
    {
        std::int64_t granule = 0;
        int firstPacket = 0; ///< index of the first packet completed on this page
        int packetsDone = 0; ///< packets completed on this page
    };

    bool splitPages(const QByteArray &file, std::vector<Page> *pages);
    bool readHeaders();
    bool measure(const std::vector<Page> &pages);

    std::vector<std::uint8_t> m_payload; ///< every packet's bytes, back to back
    std::vector<Packet> m_all;           ///< headers included
    std::vector<Packet> m_packets;       ///< audio only
    std::vector<std::uint8_t> m_extradata;
    int m_sampleRate = 0;
    int m_channels = 0;
    std::int64_t m_declared = 0;
    std::int64_t m_endTrim = 0;
};
