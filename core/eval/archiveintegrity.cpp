#include "core/eval/archiveintegrity.h"

#include "core/eval/picklestorages.h"

#include <QtCore/QFile>
#include <QtCore/QHash>

#include <sys/stat.h>

#include <array>
#include <algorithm>
#include <cstring>
#include <vector>

namespace {

/** Eight 256-entry tables: slicing-by-8 runs at about a byte per cycle. */
const std::array<std::array<quint32, 256>, 8> &crcTables()
{
    static const auto tables = [] {
        std::array<std::array<quint32, 256>, 8> t{};
        for (quint32 i = 0; i < 256; ++i) {
            quint32 c = i;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[0][i] = c;
        }
        for (quint32 i = 0; i < 256; ++i)
            for (int s = 1; s < 8; ++s)
                t[std::size_t(s)][i] = (t[std::size_t(s - 1)][i] >> 8) ^ t[0][t[std::size_t(s - 1)][i] & 0xFF];
        return t;
    }();
    return tables;
}

quint64 le(const uchar *p, int bytes)
{
    quint64 value = 0;
    for (int i = bytes - 1; i >= 0; --i)
        value = (value << 8) | p[i];
    return value;
}

struct Entry
{
    QByteArray name;
    quint32 crc = 0;
    quint16 method = 0;
    quint64 compressedSize = 0;
    quint64 size = 0;
    quint64 localOffset = 0;
    quint64 dataOffset = 0;
};

/** Reads the central directory; empty string when sound, else why not. */
QString readDirectory(const uchar *file, quint64 fileSize, std::vector<Entry> *entries, quint64 *directoryStart)
{
    const quint64 searchFrom = fileSize > 22 + 65535 ? fileSize - 22 - 65535 : 0;
    qint64 eocd = -1;
    for (quint64 pos = fileSize >= 22 ? fileSize - 22 : 0; fileSize >= 22; --pos) {
        if (le(file + pos, 4) == 0x06054b50u) {
            eocd = qint64(pos);
            break;
        }
        if (pos == searchFrom)
            break;
    }
    if (eocd < 0)
        return QStringLiteral("its zip central directory is missing (a truncated copy?)");
    const uchar *end = file + eocd;
    quint64 count = le(end + 10, 2);
    quint64 dirSize = le(end + 12, 4);
    quint64 dirOffset = le(end + 16, 4);
    if (count == 0xFFFF || dirSize == 0xFFFFFFFFu || dirOffset == 0xFFFFFFFFu) {
        // Zip64: the real figures sit in a record the locator just before the end record points to.
        if (eocd < 20 || le(file + eocd - 20, 4) != 0x07064b50u)
            return QStringLiteral("its zip64 end-of-directory locator is missing");
        const quint64 record = le(file + eocd - 20 + 8, 8);
        if (record + 56 > quint64(eocd) || le(file + record, 4) != 0x06064b50u)
            return QStringLiteral("its zip64 end-of-directory record is damaged");
        count = le(file + record + 32, 8);
        dirSize = le(file + record + 40, 8);
        dirOffset = le(file + record + 48, 8);
    }
    if (dirOffset > quint64(eocd) || dirSize > quint64(eocd) - dirOffset)
        return QStringLiteral("its zip central directory points outside the file");
    *directoryStart = dirOffset;
    quint64 pos = dirOffset;
    const quint64 dirEnd = dirOffset + dirSize;
    for (quint64 i = 0; i < count; ++i) {
        if (pos + 46 > dirEnd || le(file + pos, 4) != 0x02014b50u)
            return QStringLiteral("its zip central directory is damaged at entry %1").arg(i + 1);
        const uchar *h = file + pos;
        Entry entry;
        entry.method = quint16(le(h + 10, 2));
        entry.crc = quint32(le(h + 16, 4));
        entry.compressedSize = le(h + 20, 4);
        entry.size = le(h + 24, 4);
        const quint64 nameLength = le(h + 28, 2);
        const quint64 extraLength = le(h + 30, 2);
        const quint64 commentLength = le(h + 32, 2);
        entry.localOffset = le(h + 42, 4);
        if (pos + 46 + nameLength + extraLength + commentLength > dirEnd)
            return QStringLiteral("its zip central directory is damaged at entry %1").arg(i + 1);
        entry.name = QByteArray(reinterpret_cast<const char *>(h + 46), int(nameLength));
        // Zip64 extra field: the 64-bit values of the fields saturated at 0xFFFFFFFF, in order.
        const uchar *extra = h + 46 + nameLength;
        for (quint64 e = 0; e + 4 <= extraLength;) {
            const quint64 id = le(extra + e, 2);
            const quint64 length = le(extra + e + 2, 2);
            if (e + 4 + length > extraLength)
                break;
            if (id == 0x0001) {
                quint64 at = e + 4;
                for (quint64 *field : {&entry.size, &entry.compressedSize, &entry.localOffset}) {
                    if (*field == 0xFFFFFFFFu && at + 8 <= e + 4 + length) {
                        *field = le(extra + at, 8);
                        at += 8;
                    }
                }
            }
            e += 4 + length;
        }
        pos += 46 + nameLength + extraLength + commentLength;

        const QString name = QString::fromUtf8(entry.name);
        if (entry.localOffset + 30 > dirOffset || le(file + entry.localOffset, 4) != 0x04034b50u)
            return QStringLiteral("entry %1 points to no local header (the archive was cut or overwritten)").arg(name);
        const uchar *local = file + entry.localOffset;
        const quint64 localName = le(local + 26, 2);
        const quint64 localExtra = le(local + 28, 2);
        entry.dataOffset = entry.localOffset + 30 + localName + localExtra;
        if (entry.dataOffset > dirOffset
            || QByteArray(reinterpret_cast<const char *>(local + 30), int(std::min<quint64>(localName, dirOffset - entry.localOffset - 30))) != entry.name)
            return QStringLiteral("entry %1 does not match its local header").arg(name);
        if (entry.compressedSize > dirOffset - entry.dataOffset)
            return QStringLiteral("entry %1 (%2 bytes) runs past the end of the archive's data (a truncated storage?)")
                .arg(name).arg(entry.compressedSize);
        if (entry.method == 0 && entry.compressedSize != entry.size)
            return QStringLiteral("entry %1 is stored with %2 bytes but claims %3").arg(name).arg(entry.compressedSize).arg(entry.size);
        entries->push_back(entry);
    }
    return {};
}

} // namespace

quint32 zipCrc32(const void *data, qint64 size, quint32 previous)
{
    const auto &t = crcTables();
    const auto *p = static_cast<const uchar *>(data);
    quint32 c = ~previous;
    while (size >= 8) {
        quint32 low;
        quint32 high;
        std::memcpy(&low, p, 4);
        std::memcpy(&high, p + 4, 4);
        low ^= c; // little-endian hosts only (x86-64, arm64), as the zip format itself
        c = t[7][low & 0xFF] ^ t[6][(low >> 8) & 0xFF] ^ t[5][(low >> 16) & 0xFF] ^ t[4][low >> 24]
            ^ t[3][high & 0xFF] ^ t[2][(high >> 8) & 0xFF] ^ t[1][(high >> 16) & 0xFF] ^ t[0][high >> 24];
        p += 8;
        size -= 8;
    }
    while (size-- > 0)
        c = t[0][(c ^ *p++) & 0xFF] ^ (c >> 8);
    return ~c;
}

QString regularFileProblem(const QString &path)
{
    struct stat status;
    if (::stat(QFile::encodeName(path).constData(), &status) != 0)
        return QStringLiteral("%1 does not exist").arg(path);
    if (S_ISDIR(status.st_mode))
        return QStringLiteral("%1 is a folder, not a model file").arg(path);
    if (S_ISFIFO(status.st_mode))
        return QStringLiteral("%1 is a FIFO (named pipe), not a model file; refused without reading it").arg(path);
    if (S_ISCHR(status.st_mode) || S_ISBLK(status.st_mode))
        return QStringLiteral("%1 is a device, not a model file; refused without reading it").arg(path);
    if (S_ISSOCK(status.st_mode))
        return QStringLiteral("%1 is a socket, not a model file").arg(path);
    if (!S_ISREG(status.st_mode))
        return QStringLiteral("%1 is not a regular file").arg(path);
    return {};
}

QString verifyModelArchive(const QString &path)
{
    const QString type = regularFileProblem(path);
    if (!type.isEmpty())
        return type;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("%1 cannot be read: %2").arg(path, file.errorString());
    const quint64 size = quint64(file.size());
    if (size < 22)
        return QStringLiteral("%1 is too short to be a TorchScript archive").arg(path);
    const uchar *bytes = file.map(0, qint64(size));
    QByteArray copy;
    if (!bytes) { // a file system without mmap: read it instead
        copy = file.readAll();
        if (quint64(copy.size()) != size)
            return QStringLiteral("%1 cannot be read: %2").arg(path, file.errorString());
        bytes = reinterpret_cast<const uchar *>(copy.constData());
    }
    const auto damaged = [&path](const QString &reason) {
        return QStringLiteral("%1 is a damaged model file: %2; refused before loading").arg(path, reason);
    };

    std::vector<Entry> entries;
    quint64 directoryStart = 0;
    const QString directory = readDirectory(bytes, size, &entries, &directoryStart);
    if (!directory.isEmpty())
        return damaged(directory);

    QHash<QByteArray, const Entry *> byName;
    for (const Entry &entry : entries) {
        byName.insert(entry.name, &entry);
        // Torch stores every record uncompressed; only those have a CRC we can check cheaply.
        if (entry.method == 0 && zipCrc32(bytes + entry.dataOffset, qint64(entry.size)) != entry.crc)
            return damaged(QStringLiteral("entry %1 fails its CRC-32 check (flipped or overwritten bytes)")
                               .arg(QString::fromUtf8(entry.name)));
    }

    // Each storage a pickle names must hold the bytes its tensors will read.
    for (const Entry &entry : entries) {
        const bool data = entry.name.endsWith("/data.pkl") || entry.name == "data.pkl";
        const bool constants = entry.name.endsWith("/constants.pkl") || entry.name == "constants.pkl";
        if ((!data && !constants) || entry.method != 0)
            continue;
        const QByteArray prefix = entry.name.left(entry.name.lastIndexOf('/') + 1) + (data ? "data/" : "constants/");
        const std::vector<PickledStorage> storages =
            pickledStorages(reinterpret_cast<const char *>(bytes + entry.dataOffset), qint64(entry.size));
        for (const PickledStorage &storage : storages) {
            const QByteArray record = prefix + storage.key;
            const Entry *found = byName.value(record);
            if (storage.bytes > 0 && !found)
                return damaged(QStringLiteral("%1 names tensor storage %2, which the archive lacks")
                                   .arg(QString::fromUtf8(entry.name), QString::fromUtf8(record)));
            if (found && found->size < quint64(storage.bytes))
                return damaged(QStringLiteral("tensor storage %1 holds %2 bytes but its tensor needs %3 (a truncated weight storage)")
                                   .arg(QString::fromUtf8(record)).arg(found->size).arg(storage.bytes));
        }
    }
    return {};
}
