#include "core/data/imageprobe.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <cstring>

namespace {

quint32 be16(const uchar *p) { return quint32(p[0]) << 8 | p[1]; }
quint32 be32(const uchar *p) { return quint32(p[0]) << 24 | quint32(p[1]) << 16 | quint32(p[2]) << 8 | p[3]; }
quint32 le16(const uchar *p) { return quint32(p[1]) << 8 | p[0]; }
quint32 le32(const uchar *p) { return quint32(p[3]) << 24 | quint32(p[2]) << 16 | quint32(p[1]) << 8 | p[0]; }

quint32 crc32(const uchar *data, std::size_t size)
{
    static const std::array<quint32, 256> table = [] {
        std::array<quint32, 256> t{};
        for (quint32 n = 0; n < 256; ++n) {
            quint32 c = n;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }();
    quint32 c = 0xFFFFFFFFu;
    for (std::size_t i = 0; i < size; ++i)
        c = table[(c ^ data[i]) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

QString checkPng(const uchar *d, qint64 size)
{
    qint64 pos = 8;
    bool sawData = false;
    while (pos + 8 <= size) {
        const qint64 length = be32(d + pos);
        const uchar *type = d + pos + 4;
        if (pos + 12 + length > size)
            return QStringLiteral("truncated PNG (the %1 chunk is cut short)")
                .arg(QString::fromLatin1(reinterpret_cast<const char *>(type), 4));
        // Critical chunks (upper-case first letter) must be intact or libpng aborts noisily.
        if (!(type[0] & 0x20) && crc32(type, std::size_t(length) + 4) != be32(d + pos + 8 + length))
            return QStringLiteral("corrupt PNG (CRC error in the %1 chunk)")
                .arg(QString::fromLatin1(reinterpret_cast<const char *>(type), 4));
        if (std::memcmp(type, "IDAT", 4) == 0)
            sawData = true;
        if (std::memcmp(type, "IEND", 4) == 0)
            return sawData ? QString() : QStringLiteral("corrupt PNG (no image data)");
        pos += 12 + length;
    }
    return QStringLiteral("truncated PNG (no IEND chunk)");
}

/** The fewest 8×8 blocks any one component of a JPEG frame codes; its SOF segment at `sof`
 *  (the length field), or -1 when it cannot be read. */
qint64 fewestBlocks(const uchar *d, qint64 size, qint64 sof)
{
    if (sof + 8 > size)
        return -1;
    const qint64 height = be16(d + sof + 3);
    const qint64 width = be16(d + sof + 5);
    const int count = d[sof + 7];
    if (count <= 0 || sof + 8 + 3 * count > size)
        return -1;
    int hMax = 1, vMax = 1;
    for (int i = 0; i < count; ++i) {
        hMax = std::max(hMax, d[sof + 9 + 3 * i] >> 4);
        vMax = std::max(vMax, d[sof + 9 + 3 * i] & 0x0F);
    }
    qint64 fewest = -1;
    for (int i = 0; i < count; ++i) {
        const int h = std::max(1, d[sof + 9 + 3 * i] >> 4), v = std::max(1, d[sof + 9 + 3 * i] & 0x0F);
        const qint64 w = (width * h + hMax - 1) / hMax, hh = (height * v + vMax - 1) / vMax;
        const qint64 blocks = ((w + 7) / 8) * ((hh + 7) / 8);
        fewest = fewest < 0 ? blocks : std::min(fewest, blocks);
    }
    return fewest;
}

QString checkJpeg(const uchar *d, qint64 size)
{
    // Walk every segment and the entropy-coded data between them until EOI.
    qint64 pos = 2;
    qint64 sof = -1;       // the frame header's length field
    bool huffman = true;   // arithmetic coding can code a block in under a bit
    qint64 scanBytes = 0;  // entropy-coded bytes in all scans
    while (pos + 2 <= size) {
        if (d[pos] != 0xFF)
            return QStringLiteral("corrupt JPEG (no marker at byte %1)").arg(pos);
        uchar marker = d[pos + 1];
        pos += 2;
        while (marker == 0xFF && pos < size)
            marker = d[pos++];
        if (marker == 0xD9) {
            // Huffman coding spends at least a bit on every block of every component a scan
            // covers: a header claiming 8000×5000 over a 64×64 image's data is caught here,
            // before libjpeg fills the missing 40 MP with grey and warns only on stderr.
            const qint64 blocks = huffman && sof >= 0 ? fewestBlocks(d, size, sof) : -1;
            if (blocks > 0 && scanBytes * 8 < blocks)
                return QStringLiteral("corrupt JPEG (the header claims %1×%2 pixels, but the file holds only %3 bytes of "
                                      "image data, at least %4 needed)")
                    .arg(be16(d + sof + 5)).arg(be16(d + sof + 3)).arg(scanBytes).arg((blocks + 7) / 8);
            return {};
        }
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8))
            continue;
        if (pos + 2 > size)
            break;
        const qint64 length = be16(d + pos);
        if (length < 2)
            return QStringLiteral("corrupt JPEG (bad segment length at byte %1)").arg(pos);
        if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC && sof < 0) {
            sof = pos;
            huffman = marker < 0xC9;
        }
        pos += length;
        if (marker != 0xDA)
            continue;
        const qint64 scanStart = std::min(pos, size);
        // Scan data: 0xFF is followed by 0x00 (stuffing) or a restart marker inside it.
        while (pos < size) {
            const void *ff = std::memchr(d + pos, 0xFF, std::size_t(size - pos));
            if (!ff) {
                pos = size;
                break;
            }
            pos = static_cast<const uchar *>(ff) - d;
            if (pos + 1 >= size) {
                pos = size;
                break;
            }
            const uchar next = d[pos + 1];
            if (next == 0x00 || (next >= 0xD0 && next <= 0xD7) || next == 0xFF)
                pos += next == 0xFF ? 1 : 2;
            else
                break; // a real marker: handled by the outer loop
        }
        scanBytes += std::max<qint64>(0, std::min(pos, size) - scanStart);
    }
    return QStringLiteral("truncated JPEG (no end-of-image marker)");
}

QString checkBmp(const uchar *d, qint64 size)
{
    if (size < 30)
        return QStringLiteral("truncated BMP header");
    const quint32 headerSize = le32(d + 14);
    // The sizes Windows and OS/2 ever wrote; anything else (0xFFFF) is damage, not a variant.
    static const quint32 kKnown[] = {12, 16, 40, 52, 56, 64, 108, 124};
    if (std::find(std::begin(kKnown), std::end(kKnown), headerSize) == std::end(kKnown))
        return QStringLiteral("corrupt BMP (unknown info header size %1)").arg(headerSize);
    if (headerSize < 40 || size < 34)
        return {}; // OS/2 bitmaps: leave to the decoder
    const qint64 width = qint32(le32(d + 18));
    qint64 height = qint32(le32(d + 22));
    height = height < 0 ? -height : height;
    const qint64 bitsPerPixel = le16(d + 28);
    const quint32 compression = le32(d + 30);
    if (compression != 0 && compression != 3 && compression != 6)
        return {}; // run-length coded: size unknown up front
    const qint64 stride = (width * bitsPerPixel + 31) / 32 * 4;
    qint64 pixels = 0; // a damaged header can claim more than 64 bits can count (fuzzer finding)
    if (stride > 0 && __builtin_mul_overflow(stride, height, &pixels))
        return QStringLiteral("corrupt BMP (the header claims %1×%2 pixels)").arg(width).arg(height);
    const qint64 needed = qint64(le32(d + 10)) + pixels;
    if (needed > size)
        return QStringLiteral("truncated BMP (pixel data needs %1 bytes, the file has %2)").arg(needed).arg(size);
    return {};
}

QString checkWebp(const uchar *d, qint64 size)
{
    const qint64 riff = qint64(le32(d + 4)) + 8;
    if (riff > size)
        return QStringLiteral("truncated WebP (header says %1 bytes, the file has %2)").arg(riff).arg(size);
    // OpenCV decodes still WebP only; an animation is a valid file we cannot use, not damage.
    if (size >= 21 && std::memcmp(d + 12, "VP8X", 4) == 0 && (d[20] & 0x02))
        return QStringLiteral("unsupported WebP (animation); use a still image");
    return {};
}

/** The first IFD's compression and strips: libtiff meets an unknown scheme or a strip past the
 *  file's end with messages of its own, so both are named here first. BigTIFF is left alone. */
QString checkTiff(const uchar *d, qint64 size)
{
    if (size < 8)
        return QStringLiteral("truncated TIFF header");
    const bool little = d[0] == 'I';
    auto u16 = [&](qint64 at) { return at + 2 <= size ? (little ? le16(d + at) : be16(d + at)) : 0u; };
    auto u32 = [&](qint64 at) { return at + 4 <= size ? (little ? le32(d + at) : be32(d + at)) : 0u; };
    if (u16(2) != 42)
        return {};
    const qint64 ifd = u32(4);
    const qint64 count = u16(ifd);
    if (ifd < 8 || ifd + 2 + 12 * count > size)
        return QStringLiteral("corrupt TIFF (the image directory at byte %1 lies outside the %2-byte file)").arg(ifd).arg(size);
    // One value of a SHORT or LONG array, inline or at its offset.
    auto value = [&](qint64 entry, qint64 i) -> qint64 {
        const quint32 type = u16(entry + 2), n = u32(entry + 4);
        const qint64 width = type == 3 ? 2 : 4;
        const qint64 base = qint64(n) * width <= 4 ? entry + 8 : qint64(u32(entry + 8));
        return width == 2 ? u16(base + 2 * i) : u32(base + 4 * i);
    };
    qint64 offsets = -1, counts = -1;
    for (qint64 i = 0; i < count; ++i) {
        const qint64 entry = ifd + 2 + 12 * i;
        const quint32 tag = u16(entry);
        if (tag == 259) {
            // What libtiff, as Debian builds it, decodes.
            static const qint64 kKnown[] = {1, 2, 3, 4, 5, 6, 7, 8, 32773, 32946, 34676, 34677, 34925, 50000, 50001};
            const qint64 scheme = value(entry, 0);
            if (std::find(std::begin(kKnown), std::end(kKnown), scheme) == std::end(kKnown))
                return QStringLiteral("unsupported TIFF compression %1").arg(scheme);
        }
        if (tag == 273)
            offsets = entry;
        if (tag == 279)
            counts = entry;
    }
    if (offsets < 0 || counts < 0)
        return {};
    const qint64 strips = std::min<qint64>(u32(offsets + 4), u32(counts + 4));
    for (qint64 i = 0; i < strips && i < 1'000'000; ++i) {
        const qint64 at = value(offsets, i), bytes = value(counts, i);
        if (at + bytes > size)
            return QStringLiteral("corrupt TIFF (strip %1 claims %2 bytes at byte %3, past the end of the %4-byte file)")
                .arg(i).arg(bytes).arg(at).arg(size);
    }
    return {};
}

} // namespace

QString checkImageStructure(const QByteArray &bytes, const QString &format)
{
    const auto *d = reinterpret_cast<const uchar *>(bytes.constData());
    const qint64 size = bytes.size();
    if (format == QLatin1String("png"))
        return checkPng(d, size);
    if (format == QLatin1String("jpeg"))
        return checkJpeg(d, size);
    if (format == QLatin1String("bmp"))
        return checkBmp(d, size);
    if (format == QLatin1String("webp"))
        return size >= 12 ? checkWebp(d, size) : QStringLiteral("truncated WebP");
    if (format == QLatin1String("tiff"))
        return checkTiff(d, size);
    return {};
}
