#include "core/data/textcheck.h"

#include <cstdint>
#include <cstring>

bool isValidUtf8(const char *data, std::size_t size)
{
    const auto *s = reinterpret_cast<const unsigned char *>(data);
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
            return false;
        }
        if (end - s <= extra)
            return false;
        if (s[1] < lo || s[1] > hi)
            return false;
        for (int i = 2; i <= extra; ++i) {
            if ((s[i] & 0xC0) != 0x80)
                return false;
        }
        s += extra + 1;
    }
    return true;
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
