// Ogg page and packet rules (RFC 3533) and the Vorbis header layout, following what
// libavformat's oggdec.c / oggparsevorbis.c (FFmpeg 5.1) accept and report for such a file.
#include "core/data/oggvorbis.h"

#include <algorithm>
#include <cstring>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavcodec/vorbis_parser.h>
#include <libavutil/crc.h>
#include <libavutil/intreadwrite.h>
}

namespace {

constexpr int kPageHeader = 27;
constexpr unsigned kContinued = 0x01, kFirst = 0x02, kLast = 0x04;

bool isVorbisHeader(const std::uint8_t *packet, int size, std::uint8_t type)
{
    return size >= 7 && packet[0] == type && std::memcmp(packet + 1, "vorbis", 6) == 0;
}

} // namespace

bool OggVorbisStream::parse(const QByteArray &file)
{
    std::vector<Page> pages;
    return splitPages(file, &pages) && readHeaders() && measure(pages);
}

bool OggVorbisStream::splitPages(const QByteArray &file, std::vector<Page> *pages)
{
    const auto *bytes = reinterpret_cast<const std::uint8_t *>(file.constData());
    const qsizetype size = file.size();
    const AVCRC *crcTable = av_crc_get_table(AV_CRC_32_IEEE);
    static const std::uint8_t zeros[4] = {};
    m_payload.reserve(std::size_t(size));
    std::uint32_t serial = 0;
    bool partial = false; // a packet continues onto the next page
    int packetStart = 0;
    for (qsizetype pos = 0; pos < size;) {
        const std::uint8_t *page = bytes + pos;
        if (size - pos < kPageHeader || std::memcmp(page, "OggS", 4) != 0 || page[4] != 0)
            return false;
        const unsigned flags = page[5];
        const int segments = page[26];
        if (size - pos < kPageHeader + segments)
            return false;
        int dataSize = 0;
        for (int s = 0; s < segments; ++s)
            dataSize += page[kPageHeader + s];
        const qsizetype pageSize = kPageHeader + segments + dataSize;
        if (size - pos < pageSize)
            return false;
        // libavformat's check: the CRC over the page with its CRC field zeroed, read big-endian.
        std::uint32_t crc = av_crc(crcTable, 0, page, 22);
        crc = av_crc(crcTable, crc, zeros, 4);
        crc = av_crc(crcTable, crc, page + 26, std::size_t(pageSize - 26));
        if (crc != AV_RB32(page + 22))
            return false;
        const bool first = pos == 0, last = pos + pageSize == size;
        if (first)
            serial = AV_RL32(page + 14);
        // One logical stream from its first page to its last, nothing chained or interleaved.
        if (AV_RL32(page + 14) != serial || bool(flags & kFirst) != first || bool(flags & kLast) != last
            || bool(flags & kContinued) != partial)
            return false;

        Page p;
        p.granule = std::int64_t(AV_RL64(page + 6));
        p.firstPacket = int(m_all.size());
        const std::uint8_t *data = page + kPageHeader + segments;
        for (int s = 0; s < segments; ++s) {
            const int lace = page[kPageHeader + s];
            m_payload.insert(m_payload.end(), data, data + lace);
            data += lace;
            partial = lace == 255;
            if (!partial) {
                const int packetSize = int(m_payload.size()) - packetStart;
                if (packetSize == 0)
                    return false; // an empty packet would read as end of stream to the decoder
                m_all.push_back({packetStart, packetSize});
                packetStart = int(m_payload.size());
            }
        }
        p.packetsDone = int(m_all.size()) - p.firstPacket;
        pages->push_back(p);
        pos += pageSize;
    }
    // Decoders may read a little past a packet's end; libavformat pads with zeros.
    m_payload.resize(m_payload.size() + AV_INPUT_BUFFER_PADDING_SIZE, 0);
    return !partial && !pages->empty();
}

bool OggVorbisStream::readHeaders()
{
    if (m_all.size() < 4)
        return false;
    const std::uint8_t *id = m_payload.data() + m_all[0].offset;
    const std::uint8_t *comment = m_payload.data() + m_all[1].offset;
    const std::uint8_t *setup = m_payload.data() + m_all[2].offset;
    if (m_all[0].size != 30 || !isVorbisHeader(id, 30, 1) || AV_RL32(id + 7) != 0
        || !isVorbisHeader(comment, m_all[1].size, 3) || !isVorbisHeader(setup, m_all[2].size, 5))
        return false;
    m_channels = id[11];
    m_sampleRate = int(AV_RL32(id + 12));
    const int small = id[28] & 15, large = id[28] >> 4;
    if (m_channels <= 0 || m_sampleRate <= 0 || small > large || small < 6 || large > 13 || id[29] != 1)
        return false;
    for (std::size_t i = 3; i < m_all.size(); ++i) {
        if (m_payload[std::size_t(m_all[i].offset)] & 1)
            return false; // a header inside the audio: libavformat's business
        m_packets.push_back(m_all[i]);
    }

    // As oggparsevorbis builds it: the comment header cut to its vendor string (the decoder
    // never reads comments), then the three headers Xiph-laced.
    std::vector<std::uint8_t> shortComment(comment, comment + m_all[1].size);
    if (m_all[1].size > 10) {
        const std::uint64_t cut = 7 + 4 + std::uint64_t(AV_RL32(comment + 7)) + 4 + 1;
        if (cut >= 16 && cut < std::uint64_t(m_all[1].size)) {
            shortComment.resize(std::size_t(cut));
            AV_WL32(shortComment.data() + cut - 5, 0);
            shortComment[std::size_t(cut - 1)] = 1;
        }
    }
    const unsigned lengths[3] = {unsigned(m_all[0].size), unsigned(shortComment.size()), unsigned(m_all[2].size)};
    m_extradata.assign(1 + (lengths[0] + lengths[1]) / 255 + 2 + lengths[0] + lengths[1] + lengths[2], 0);
    std::uint8_t *out = m_extradata.data();
    std::size_t at = 0;
    out[at++] = 2;
    at += av_xiphlacing(out + at, lengths[0]);
    at += av_xiphlacing(out + at, lengths[1]);
    for (const auto &[data, length] : {std::pair{id, lengths[0]}, {shortComment.data(), lengths[1]}, {setup, lengths[2]}}) {
        std::memcpy(out + at, data, length);
        at += length;
    }
    m_extradata.resize(at);
    return true;
}

bool OggVorbisStream::measure(const std::vector<Page> &pages)
{
    AVVorbisParseContext *parser = av_vorbis_parse_init(m_extradata.data(), int(m_extradata.size()));
    if (!parser)
        return false;
    auto durations = [&](std::vector<int> *out) {
        out->clear();
        for (const Packet &packet : m_packets) {
            int flags = 0;
            const int d = av_vorbis_parse_frame_flags(parser, m_payload.data() + packet.offset, 1, &flags);
            if (d < 0 || flags) // unparsable, or a header inside the audio
                return false;
            out->push_back(d);
        }
        return true;
    };
    auto done = [&](bool ok) {
        av_vorbis_parse_free(&parser);
        return ok;
    };

    const Page &lastPage = pages.back();
    const auto firstAudio = std::find_if(pages.begin(), pages.end(), [](const Page &page) {
        return page.firstPacket + page.packetsDone > 3;
    });
    const bool onePage = &*firstAudio == &lastPage;
    // The length: the last granule not 0 or -1, less the start time. The start is 0 when the
    // first audio page is also the last, else that page's granule less the durations of the
    // audio packets completed on it (from a reset parser), floored at 0; libavformat's hack
    // for a granule of 0 there leaves it at 0 too.
    std::int64_t end = 0;
    for (const Page &page : pages) {
        if (page.granule != 0 && page.granule != -1)
            end = page.granule;
    }
    std::int64_t start = 0;
    if (!onePage) {
        if (firstAudio->granule < 0)
            return done(false);
        av_vorbis_parse_reset(parser);
        std::int64_t duration = 0;
        for (int i = std::max(3, firstAudio->firstPacket); i < firstAudio->firstPacket + firstAudio->packetsDone; ++i)
            duration += av_vorbis_parse_frame(parser, m_payload.data() + m_all[std::size_t(i)].offset, 1);
        if (firstAudio->granule != 0)
            start = std::max<std::int64_t>(0, firstAudio->granule - duration);
    }
    m_declared = end - start;

    // The end trim, as the demuxer derives it: the last page's granule against the
    // timestamp of that page's first packet plus the durations from there on. That timestamp
    // is the previous page's granule, or 0 when the audio has one page (then the first
    // packet's duration counts too, though it decodes to nothing: FFmpeg 5.1 cuts that much
    // real audio off such a clip, and so does this, for the same samples either way).
    std::vector<int> d;
    if (!onePage)
        av_vorbis_parse_reset(parser); // else still as av_vorbis_parse_init left it
    if (!durations(&d))
        return done(false);
    std::int64_t from = 0;
    if (!onePage) {
        const auto previous = std::find_if(pages.rbegin() + 1, pages.rend(), [](const Page &page) {
            return page.packetsDone > 0;
        });
        if (previous == pages.rend() || previous->granule == -1)
            return done(false);
        from = previous->granule;
    }
    std::int64_t lastPageDuration = 0;
    for (int i = std::max(3, lastPage.firstPacket); i < lastPage.firstPacket + lastPage.packetsDone; ++i)
        lastPageDuration += d[std::size_t(i - 3)];
    m_endTrim = std::max<std::int64_t>(0, from + lastPageDuration - lastPage.granule);
    return done(end > 0 && m_declared > 0 && lastPage.packetsDone > 0);
}
