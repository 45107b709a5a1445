#include "core/data/imageprobe.h"

#include <array>
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

QString checkJpeg(const uchar *d, qint64 size)
{
    // Walk every segment and the entropy-coded data between them until EOI.
    qint64 pos = 2;
    while (pos + 2 <= size) {
        if (d[pos] != 0xFF)
            return QStringLiteral("corrupt JPEG (no marker at byte %1)").arg(pos);
        uchar marker = d[pos + 1];
        pos += 2;
        while (marker == 0xFF && pos < size)
            marker = d[pos++];
        if (marker == 0xD9)
            return {};
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8))
            continue;
        if (pos + 2 > size)
            break;
        const qint64 length = be16(d + pos);
        if (length < 2)
            return QStringLiteral("corrupt JPEG (bad segment length at byte %1)").arg(pos);
        pos += length;
        if (marker != 0xDA)
            continue;
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
    }
    return QStringLiteral("truncated JPEG (no end-of-image marker)");
}

QString checkBmp(const uchar *d, qint64 size)
{
    if (size < 30)
        return QStringLiteral("truncated BMP header");
    const quint32 headerSize = le32(d + 14);
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
    const qint64 needed = qint64(le32(d + 10)) + stride * height;
    if (needed > size)
        return QStringLiteral("truncated BMP (pixel data needs %1 bytes, the file has %2)").arg(needed).arg(size);
    return {};
}

QString checkWebp(const uchar *d, qint64 size)
{
    const qint64 riff = qint64(le32(d + 4)) + 8;
    if (riff > size)
        return QStringLiteral("truncated WebP (header says %1 bytes, the file has %2)").arg(riff).arg(size);
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
    return {};
}
