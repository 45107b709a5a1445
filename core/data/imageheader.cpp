#include "core/data/imagedecoder.h"
#include "core/data/imageprobe.h"

#include <QtCore/QFile>
#include <QtCore/QIODevice>
#include <cstring>

namespace {

quint32 be16(const uchar *p) { return quint32(p[0]) << 8 | p[1]; }
quint32 be32(const uchar *p) { return quint32(p[0]) << 24 | quint32(p[1]) << 16 | quint32(p[2]) << 8 | p[3]; }
quint32 le16(const uchar *p) { return quint32(p[1]) << 8 | p[0]; }
quint32 le24(const uchar *p) { return quint32(p[2]) << 16 | quint32(p[1]) << 8 | p[0]; }
quint32 le32(const uchar *p) { return quint32(p[3]) << 24 | quint32(p[2]) << 16 | quint32(p[1]) << 8 | p[0]; }

/** Exactly n bytes at offset, or false (the header is cut short). */
bool readAt(QIODevice &device, qint64 offset, qint64 n, QByteArray *out)
{
    if (!device.seek(offset))
        return false;
    *out = device.read(n);
    return out->size() == n;
}

const uchar *bytes(const QByteArray &a) { return reinterpret_cast<const uchar *>(a.constData()); }

bool setSize(ImageHeader *header, const char *format, qint64 width, qint64 height, QString *error)
{
    if (width <= 0 || height <= 0 || width > 0x7fffffff || height > 0x7fffffff) {
        *error = QStringLiteral("%1 header gives invalid dimensions %2×%3")
                     .arg(QString::fromLatin1(format).toUpper()).arg(width).arg(height);
        return false;
    }
    header->width = int(width);
    header->height = int(height);
    header->format = QLatin1String(format);
    return true;
}

bool truncated(const char *format, QString *error)
{
    *error = QStringLiteral("truncated %1 header").arg(QLatin1String(format));
    return false;
}

bool probeJpeg(QIODevice &device, ImageHeader *header, QString *error)
{
    // Walk the marker segments to the first frame header (SOFn); EXIF and ICC come first.
    qint64 pos = 2;
    QByteArray b;
    for (int guard = 0; guard < 100000; ++guard) {
        if (!readAt(device, pos, 2, &b))
            return truncated("JPEG", error);
        if (uchar(b[0]) != 0xFF) {
            *error = QStringLiteral("corrupt JPEG header (no marker at byte %1)").arg(pos);
            return false;
        }
        uchar marker = uchar(b[1]);
        pos += 2;
        while (marker == 0xFF) { // fill bytes
            if (!readAt(device, pos, 1, &b))
                return truncated("JPEG", error);
            marker = uchar(b[0]);
            ++pos;
        }
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8))
            continue; // no length
        if (marker == 0xD9 || marker == 0xDA) {
            *error = QStringLiteral("corrupt JPEG (no frame header before the image data)");
            return false;
        }
        if (!readAt(device, pos, 2, &b))
            return truncated("JPEG", error);
        const quint32 length = be16(bytes(b));
        if (length < 2) {
            *error = QStringLiteral("corrupt JPEG header (bad segment length at byte %1)").arg(pos);
            return false;
        }
        const bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (sof) {
            if (!readAt(device, pos + 2, 5, &b))
                return truncated("JPEG", error);
            return setSize(header, "jpeg", be16(bytes(b) + 3), be16(bytes(b) + 1), error);
        }
        pos += length;
    }
    *error = QStringLiteral("corrupt JPEG header (too many segments)");
    return false;
}

bool probeTiff(QIODevice &device, const QByteArray &head, ImageHeader *header, QString *error)
{
    const bool little = head[0] == 'I';
    const uchar *h = bytes(head);
    auto u16 = [little](const uchar *p) { return little ? le16(p) : be16(p); };
    auto u32 = [little](const uchar *p) { return little ? le32(p) : be32(p); };
    auto u64 = [&](const uchar *p) {
        return little ? quint64(u32(p + 4)) << 32 | u32(p) : quint64(u32(p)) << 32 | u32(p + 4);
    };
    const bool big = u16(h + 2) == 43; // BigTIFF
    const quint64 ifd = big ? u64(h + 8) : u32(h + 4);
    const int countBytes = big ? 8 : 2, entryBytes = big ? 20 : 12;
    QByteArray b;
    if (!readAt(device, qint64(ifd), countBytes, &b))
        return truncated("TIFF", error);
    const quint64 count = big ? u64(bytes(b)) : u16(bytes(b));
    if (count == 0 || count > 4096) {
        *error = QStringLiteral("corrupt TIFF header (%1 directory entries)").arg(count);
        return false;
    }
    if (!readAt(device, qint64(ifd) + countBytes, qint64(count) * entryBytes, &b))
        return truncated("TIFF", error);
    qint64 width = -1, height = -1;
    for (quint64 i = 0; i < count; ++i) {
        const uchar *e = bytes(b) + i * entryBytes;
        const quint32 tag = u16(e), type = u16(e + 2);
        const uchar *value = e + (big ? 12 : 8);
        qint64 v = -1;
        if (type == 3) // SHORT
            v = u16(value);
        else if (type == 4) // LONG
            v = u32(value);
        else if (type == 16) // LONG8
            v = qint64(u64(value));
        if (tag == 256)
            width = v;
        else if (tag == 257)
            height = v;
    }
    if (width < 0 || height < 0) {
        *error = QStringLiteral("corrupt TIFF header (no image width or length)");
        return false;
    }
    return setSize(header, "tiff", width, height, error);
}

bool probePnm(const QByteArray &head, ImageHeader *header, QString *error)
{
    // "P6 <w> <h> ..." with '#' comments, or PAM's "WIDTH w" / "HEIGHT h" lines.
    QList<QByteArray> tokens;
    QByteArray token;
    for (int i = 2; i < head.size() && tokens.size() < 16; ++i) {
        const char c = head[i];
        if (c == '#') {
            while (i < head.size() && head[i] != '\n')
                ++i;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            if (!token.isEmpty())
                tokens << token;
            token.clear();
        } else {
            token += c;
        }
    }
    qint64 width = -1, height = -1;
    bool ok1 = false, ok2 = false;
    if (head[1] == '7') {
        for (int i = 0; i + 1 < tokens.size(); ++i) {
            if (tokens[i] == "WIDTH")
                width = tokens[i + 1].toLongLong(&ok1);
            else if (tokens[i] == "HEIGHT")
                height = tokens[i + 1].toLongLong(&ok2);
        }
    } else if (tokens.size() >= 2) {
        width = tokens[0].toLongLong(&ok1);
        height = tokens[1].toLongLong(&ok2);
    }
    if (!ok1 || !ok2)
        return truncated("PNM", error);
    return setSize(header, "pnm", width, height, error);
}

} // namespace

bool probeImageHeader(QIODevice &device, ImageHeader *header, QString *error)
{
    QByteArray head;
    if (!device.seek(0)) {
        *error = QStringLiteral("cannot read the file");
        return false;
    }
    head = device.read(512);
    const uchar *h = bytes(head);
    const qsizetype n = head.size();
    if (n == 0) {
        *error = QStringLiteral("empty file (0 bytes)");
        return false;
    }
    if (n >= 8 && std::memcmp(h, "\x89PNG\r\n\x1a\n", 8) == 0) {
        if (n < 24 || std::memcmp(h + 12, "IHDR", 4) != 0)
            return truncated("PNG", error);
        return setSize(header, "png", be32(h + 16), be32(h + 20), error);
    }
    if (n >= 3 && h[0] == 0xFF && h[1] == 0xD8 && h[2] == 0xFF)
        return probeJpeg(device, header, error);
    if (n >= 2 && h[0] == 'B' && h[1] == 'M') {
        if (n < 26)
            return truncated("BMP", error);
        if (le32(h + 14) == 12) // OS/2 core header: 16-bit sizes
            return setSize(header, "bmp", le16(h + 18), le16(h + 20), error);
        const qint64 height = qint32(le32(h + 22));
        return setSize(header, "bmp", qint32(le32(h + 18)), height < 0 ? -height : height, error);
    }
    if (n >= 6 && (std::memcmp(h, "GIF87a", 6) == 0 || std::memcmp(h, "GIF89a", 6) == 0)) {
        if (n < 10)
            return truncated("GIF", error);
        return setSize(header, "gif", le16(h + 6), le16(h + 8), error);
    }
    if (n >= 12 && std::memcmp(h, "RIFF", 4) == 0 && std::memcmp(h + 8, "WEBP", 4) == 0) {
        if (n < 30)
            return truncated("WebP", error);
        if (std::memcmp(h + 12, "VP8 ", 4) == 0) {
            if (h[23] != 0x9D || h[24] != 0x01 || h[25] != 0x2A) {
                *error = QStringLiteral("corrupt WebP header (no VP8 start code)");
                return false;
            }
            return setSize(header, "webp", le16(h + 26) & 0x3FFF, le16(h + 28) & 0x3FFF, error);
        }
        if (std::memcmp(h + 12, "VP8L", 4) == 0) {
            if (h[20] != 0x2F) {
                *error = QStringLiteral("corrupt WebP header (no VP8L signature)");
                return false;
            }
            const quint32 bits = le32(h + 21);
            return setSize(header, "webp", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, error);
        }
        if (std::memcmp(h + 12, "VP8X", 4) == 0)
            return setSize(header, "webp", qint64(le24(h + 24)) + 1, qint64(le24(h + 27)) + 1, error);
        *error = QStringLiteral("unsupported WebP variant");
        return false;
    }
    if (n >= 8 && (std::memcmp(h, "II*\0", 4) == 0 || std::memcmp(h, "MM\0*", 4) == 0
                   || std::memcmp(h, "II+\0", 4) == 0 || std::memcmp(h, "MM\0+", 4) == 0)) {
        if (n < 16)
            return truncated("TIFF", error);
        return probeTiff(device, head, header, error);
    }
    if (n >= 3 && h[0] == 'P' && h[1] >= '1' && h[1] <= '7' && (h[2] == ' ' || h[2] == '\n' || h[2] == '\r' || h[2] == '\t'))
        return probePnm(head, header, error);
    *error = QStringLiteral("not a recognised image (expected PNG, JPEG, BMP, GIF, WebP, TIFF or PNM)");
    return false;
}

bool readImageHeader(const QString &path, ImageHeader *header, QString *error)
{
    QString ignored;
    QString &why = error ? *error : ignored;
    ImageHeader probed;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        why = QStringLiteral("cannot open: %1").arg(file.errorString());
        return false;
    }
    if (!probeImageHeader(file, &probed, &why))
        return false;
    if (header)
        *header = probed;
    why.clear();
    return true;
}
