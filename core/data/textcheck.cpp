#include "core/data/textcheck.h"

#include <QtCore/QLocale>
#include <QtCore/QRegularExpression>

#include <cmath>
#include <cstdint>
#include <cstring>

bool isValidUtf8(const char *data, std::size_t size)
{
    return firstInvalidUtf8(data, size) == size;
}

std::size_t utf8PrefixLength(const char *data, std::size_t size, std::size_t maxBytes)
{
    if (size <= maxBytes)
        return size;
    std::size_t cut = maxBytes;
    // Back up over continuation bytes to the lead byte of the character that would be split.
    while (cut > 0 && (static_cast<unsigned char>(data[cut]) & 0xC0) == 0x80)
        --cut;
    return cut;
}

QString cutText(const QString &text, int maxChars)
{
    if (text.size() <= maxChars)
        return text;
    qsizetype cut = maxChars;
    if (cut > 0 && text.at(cut - 1).isHighSurrogate())
        --cut;
    return text.left(cut);
}

QString normalisedLabel(const QString &label, bool number)
{
    if (label.isEmpty())
        return label;
    const QChar first = label.front();
    if (!first.isDigit() && first != QLatin1Char('.') && first != QLatin1Char('-') && first != QLatin1Char('+'))
        return label; // a name: no regular expression per row
    if (!number && !label.contains(QLatin1Char('.')) && !label.contains(QLatin1Char('e'), Qt::CaseInsensitive))
        return label;
    static const QRegularExpression numeric(QStringLiteral("^[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?$"));
    if (!numeric.match(label).hasMatch())
        return label;
    bool ok = false;
    const double value = label.toDouble(&ok);
    if (!ok || !std::isfinite(value))
        return label;
    // Integral values print without a fraction ("5"); others in their shortest exact form.
    if (value == std::floor(value) && std::fabs(value) < 9.0e15)
        return QString::number(qint64(value));
    return QString::number(value, 'g', QLocale::FloatingPointShortest);
}

std::size_t firstInvalidUtf8(const char *data, std::size_t size)
{
    const auto *begin = reinterpret_cast<const unsigned char *>(data);
    const auto *s = begin;
    const unsigned char *end = s + size;
    while (s < end) {
        // Manifests are mostly ASCII: skip eight plain bytes at a time.
        if (end - s >= 8) {
            std::uint64_t chunk;
            std::memcpy(&chunk, s, 8);
            if ((chunk & 0x8080808080808080ull) == 0) {
                s += 8;
                continue;
            }
        }
        const unsigned char c = *s;
        if (c < 0x80) {
            ++s;
            continue;
        }
        int extra = 0;
        unsigned char lo = 0x80, hi = 0xBF; // allowed range of the second byte
        if (c >= 0xC2 && c <= 0xDF) {
            extra = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            extra = 2;
            if (c == 0xE0)
                lo = 0xA0; // overlong
            else if (c == 0xED)
                hi = 0x9F; // UTF-16 surrogates
        } else if (c >= 0xF0 && c <= 0xF4) {
            extra = 3;
            if (c == 0xF0)
                lo = 0x90; // overlong
            else if (c == 0xF4)
                hi = 0x8F; // above U+10FFFF
        } else {
            return std::size_t(s - begin);
        }
        if (end - s <= extra)
            return std::size_t(s - begin);
        if (s[1] < lo || s[1] > hi)
            return std::size_t(s - begin);
        for (int i = 2; i <= extra; ++i) {
            if ((s[i] & 0xC0) != 0x80)
                return std::size_t(s - begin);
        }
        s += extra + 1;
    }
    return size;
}

bool naturalLess(const QString &a, const QString &b)
{
    const QChar *pa = a.constData(), *ea = pa + a.size();
    const QChar *pb = b.constData(), *eb = pb + b.size();
    while (pa < ea && pb < eb) {
        if (pa->isDigit() && pb->isDigit() && pa->unicode() < 0x80 && pb->unicode() < 0x80) {
            const QChar *sa = pa, *sb = pb;
            while (sa < ea && sa->unicode() == '0')
                ++sa;
            while (sb < eb && sb->unicode() == '0')
                ++sb;
            const QChar *da = sa, *db = sb;
            while (da < ea && da->unicode() >= '0' && da->unicode() <= '9')
                ++da;
            while (db < eb && db->unicode() >= '0' && db->unicode() <= '9')
                ++db;
            // Without leading zeros, a longer run is a larger number.
            if (da - sa != db - sb)
                return da - sa < db - sb;
            for (; sa < da; ++sa, ++sb) {
                if (sa->unicode() != sb->unicode())
                    return sa->unicode() < sb->unicode();
            }
            pa = da;
            pb = db;
            continue;
        }
        if (pa->unicode() != pb->unicode())
            return pa->unicode() < pb->unicode();
        ++pa;
        ++pb;
    }
    if ((pa < ea) != (pb < eb))
        return pb < eb; // the shorter remainder sorts first
    return a < b;
}
