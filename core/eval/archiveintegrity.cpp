#include "core/eval/archiveintegrity.h"

#include "core/eval/picklestorages.h"

#include <QtCore/QFile>
#include <QtCore/QHash>

#include <sys/stat.h>
#include <zlib.h>

#include <array>
#include <algorithm>
#include <cstring>
#include <vector>

namespace {

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
    const quint64 countOnDisk = le(end + 8, 2);
    quint64 count = le(end + 10, 2);
    quint64 dirSize = le(end + 12, 4);
    quint64 dirOffset = le(end + 16, 4);
    // Zip64: miniz (LibTorch's reader) takes the zip64 record whenever its locator sits just
    // before the end record, saturated fields or not, so the check must read the same figures.
    const bool zip64 = eocd >= 20 && le(file + eocd - 20, 4) == 0x07064b50u;
    if (zip64) {
        const quint64 record = le(file + eocd - 20 + 8, 8);
        if (record > quint64(eocd) || quint64(eocd) - record < 56 || le(file + record, 4) != 0x06064b50u)
            return QStringLiteral("its zip64 end-of-directory record is damaged");
        if (le(file + record + 24, 8) != le(file + record + 32, 8))
            return QStringLiteral("its zip64 end-of-directory record disagrees with itself on the entry count");
        count = le(file + record + 32, 8);
        dirSize = le(file + record + 40, 8);
        dirOffset = le(file + record + 48, 8);
    } else if (count == 0xFFFF || dirSize == 0xFFFFFFFFu || dirOffset == 0xFFFFFFFFu) {
        return QStringLiteral("its zip64 end-of-directory locator is missing");
    } else if (countOnDisk != count) {
        return QStringLiteral("its zip end record disagrees with itself on the entry count");
    }
    if (count == 0)
        return QStringLiteral("its zip central directory lists no entries");
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

/**
 * Inflates a deflated entry in 64 KiB pieces and compares its length and CRC-32 with the
 * directory's. LibTorch itself stores every record, but miniz reads deflated ones too (an
 * archive re-zipped by another tool), and their bytes deserve the same check.
 */
bool deflatedEntryIsSound(const uchar *data, const Entry &entry)
{
    z_stream stream{};
    if (inflateInit2(&stream, -MAX_WBITS) != Z_OK) // raw deflate: zip has no zlib header
        return false;
    std::vector<Bytef> piece(64 * 1024);
    quint64 produced = 0;
    uLong crc = crc32_z(0, nullptr, 0);
    quint64 remaining = entry.compressedSize;
    const Bytef *next = data;
    int status = Z_OK;
    while (status == Z_OK) {
        if (stream.avail_in == 0 && remaining > 0) {
            const quint64 take = std::min<quint64>(remaining, 1u << 30);
            stream.next_in = const_cast<Bytef *>(next);
            stream.avail_in = uInt(take);
            next += take;
            remaining -= take;
        }
        stream.next_out = piece.data();
        stream.avail_out = uInt(piece.size());
        status = inflate(&stream, Z_NO_FLUSH);
        const quint64 got = piece.size() - stream.avail_out;
        produced += got;
        if (produced > entry.size)
            break; // more bytes than the directory claims: no need to inflate the rest
        crc = crc32_z(crc, piece.data(), got);
    } // a stream cut short ends as Z_BUF_ERROR, a damaged one as Z_DATA_ERROR: both leave the loop
    inflateEnd(&stream);
    return status == Z_STREAM_END && produced == entry.size && quint32(crc) == entry.crc;
}

} // namespace

quint32 zipCrc32(const void *data, qint64 size, quint32 previous)
{
    return quint32(crc32_z(previous, static_cast<const Bytef *>(data), z_size_t(size)));
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
        const QString name = QString::fromUtf8(entry.name);
        if (entry.method == 0) {
            if (zipCrc32(bytes + entry.dataOffset, qint64(entry.size)) != entry.crc)
                return damaged(QStringLiteral("entry %1 fails its CRC-32 check (flipped or overwritten bytes)").arg(name));
        } else if (entry.method == 8) {
            if (!deflatedEntryIsSound(bytes + entry.dataOffset, entry))
                return damaged(QStringLiteral("compressed entry %1 does not inflate to the bytes its CRC-32 and size promise").arg(name));
        } else {
            return damaged(QStringLiteral("entry %1 uses zip compression method %2, which no PyTorch reader supports").arg(name).arg(entry.method));
        }
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
