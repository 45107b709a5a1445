#include "core/data/featurestore.h"

#include <QtCore/QCryptographicHash>
#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QSaveFile>
#include <QtCore/QSet>
#include <QtCore/QStorageInfo>

#include <cerrno>
#include <cmath>
#include <cstring>

namespace {

const QString kIndexName = QStringLiteral("index.json");
const QString kImagesName = QStringLiteral("images.u8");
const QString kMelsName = QStringLiteral("mels.f32");
// 2: the index carries a checksum; a version 1 index is decoded afresh once.
// 3: images carry warnings too (damaged JPEG data), so older entries are decoded again once.
constexpr int kIndexVersion = 3;

/** Checksum of what the index says about the blobs: a hand-edited or half-written index
 *  fails it, and its offsets are never used. */
QString indexChecksum(qint64 imagesSize, qint64 melsSize, const FeatureShape &shape, const QJsonObject &entries)
{
    QCryptographicHash hash(QCryptographicHash::Sha1);
    hash.addData(QByteArray::number(imagesSize) + '\n' + QByteArray::number(melsSize) + '\n'
                 + QByteArray::number(shape.imageBytes) + '\n' + QByteArray::number(shape.melBins) + '\n');
    hash.addData(QJsonDocument(entries).toJson(QJsonDocument::Compact));
    return QString::fromLatin1(hash.result().toHex());
}

/** Why a write failed in the OS's words: a short write leaves QFile without an error of its
 *  own ("Unknown error"), while errno still says "No space left on device". */
QString writeError(const QFileDevice &file)
{
    const int code = errno;
    if (file.error() != QFileDevice::NoError && file.errorString() != QLatin1String("Unknown error"))
        return file.errorString();
    // errno is not reliable this far from the failed write (calls in between, or a sanitizer's
    // interceptors, may overwrite it), so a file system with next to nothing left says it plainly.
    const QStorageInfo storage(QFileInfo(file.fileName()).absolutePath());
    if (code == ENOSPC || (storage.isValid() && storage.bytesAvailable() < 64 * 1024))
        return QString::fromLocal8Bit(std::strerror(ENOSPC));
    return code != 0 ? QString::fromLocal8Bit(std::strerror(code)) : QStringLiteral("short write");
}

QJsonObject entryToJson(const FeatureEntry &e)
{
    QJsonObject o{{QStringLiteral("s"), e.fileSize}, {QStringLiteral("m"), e.fileMtimeMs},
                  {QStringLiteral("o"), e.offset}, {QStringLiteral("n"), e.length}};
    if (e.isAudio)
        o.insert(QStringLiteral("a"), true);
    if (e.frames > 0) {
        o.insert(QStringLiteral("f"), e.frames);
        o.insert(QStringLiteral("t"), e.seconds);
    }
    if (!e.error.isEmpty())
        o.insert(QStringLiteral("e"), e.error);
    if (!e.warning.isEmpty())
        o.insert(QStringLiteral("w"), e.warning);
    return o;
}

FeatureEntry entryFromJson(const QJsonObject &o)
{
    FeatureEntry e;
    e.fileSize = o.value(QStringLiteral("s")).toInteger(-1);
    e.fileMtimeMs = o.value(QStringLiteral("m")).toInteger(-1);
    e.offset = o.value(QStringLiteral("o")).toInteger(-1);
    e.length = o.value(QStringLiteral("n")).toInteger();
    e.isAudio = o.value(QStringLiteral("a")).toBool();
    e.frames = o.value(QStringLiteral("f")).toInt();
    e.seconds = o.value(QStringLiteral("t")).toDouble();
    e.error = o.value(QStringLiteral("e")).toString();
    e.warning = o.value(QStringLiteral("w")).toString();
    return e;
}

} // namespace

/** A blob file and its read-only mapping. */
struct FeatureStore::Blob
{
    QFile file;
    const uchar *data = nullptr;
    qint64 size = 0;

    void unmap()
    {
        if (data)
            file.unmap(const_cast<uchar *>(data));
        data = nullptr;
        file.close();
    }
    bool map()
    {
        unmap();
        size = file.size();
        if (size == 0)
            return true;
        if (!file.open(QIODevice::ReadOnly))
            return false;
        data = file.map(0, size);
        return data != nullptr;
    }
};

FeatureStore::FeatureStore(const QString &directory, FeatureShape expected)
    : m_directory(directory), m_images(std::make_unique<Blob>()), m_mels(std::make_unique<Blob>()),
      m_expected(expected)
{
    if (m_directory.isEmpty())
        return;
    removeIrregularFiles();
    if (m_directory.isEmpty())
        return;
    m_images->file.setFileName(QDir(m_directory).filePath(kImagesName));
    m_mels->file.setFileName(QDir(m_directory).filePath(kMelsName));
    if (!loadIndex() || !m_images->map() || !m_mels->map()) {
        // A damaged cache is only a slower load: start empty. Blob bytes left without an index
        // (a write or an import cut short) count as dead, so the next commit rewrites the
        // blobs instead of appending after them at offsets counted from zero.
        m_entries.clear();
        m_images->unmap();
        m_mels->unmap();
        m_images->size = m_images->file.size();
        m_mels->size = m_mels->file.size();
    }
    m_startedEmpty = m_images->size == 0 && m_mels->size == 0;
}

FeatureStore::~FeatureStore()
{
    m_images->unmap();
    m_mels->unmap();
}

void FeatureStore::removeIrregularFiles()
{
    // Opening a FIFO blocks until a writer comes, a link may point anywhere: the cache holds
    // only regular files it wrote itself, so anything else goes (the link, not its target).
    for (const QString &name : {kIndexName, kImagesName, kMelsName}) {
        const QString path = QDir(m_directory).filePath(name);
        const QFileInfo info(path);
        if (!info.exists() && !info.isSymLink())
            continue;
        if (info.isFile() && !info.isSymLink())
            continue;
        if (!QFile::remove(path) && !QDir(m_directory).rmdir(name)) {
            m_directory.clear(); // cannot be made safe: memory only
            m_droppedEntries = -1;
            return;
        }
    }
}

bool FeatureStore::loadIndex()
{
    QFile file(QDir(m_directory).filePath(kIndexName));
    if (!file.open(QIODevice::ReadOnly))
        return false;
    const QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
    if (root.value(QStringLiteral("version")).toInt() != kIndexVersion) {
        m_droppedEntries = -1;
        return false;
    }
    // Sizes recorded at commit time guard against blobs truncated or appended behind our back.
    const qint64 imagesSize = root.value(QStringLiteral("images_size")).toInteger(-1);
    const qint64 melsSize = root.value(QStringLiteral("mels_size")).toInteger(-1);
    const QJsonObject entries = root.value(QStringLiteral("entries")).toObject();
    const FeatureShape recorded{root.value(QStringLiteral("image_bytes")).toInteger(),
                                root.value(QStringLiteral("mel_bins")).toInt()};
    if (imagesSize != m_images->file.size() || melsSize != m_mels->file.size()
        || root.value(QStringLiteral("checksum")).toString() != indexChecksum(imagesSize, melsSize, recorded, entries)) {
        m_droppedEntries = -1;
        return false;
    }
    // What the caller expects wins; else every entry must agree with the shape the index
    // was written with (one preprocessing per cache folder, so one image size, one mel height).
    if (m_expected.imageBytes <= 0)
        m_expected.imageBytes = recorded.imageBytes;
    if (m_expected.melBins <= 0)
        m_expected.melBins = recorded.melBins;
    m_entries.reserve(entries.size());
    for (auto it = entries.begin(); it != entries.end(); ++it) {
        const FeatureEntry e = entryFromJson(it.value().toObject());
        if (validEntry(e))
            m_entries.insert(it.key(), e);
        else
            ++m_droppedEntries; // not found, so decoded again
    }
    return true;
}

bool FeatureStore::validEntry(const FeatureEntry &e) const
{
    if (e.fileSize < 0 || !std::isfinite(e.seconds) || e.seconds < 0.0 || e.seconds > 1e7)
        return false;
    if (!e.error.isEmpty())
        return e.offset < 0; // a cached failure points at nothing
    const qint64 blobSize = e.isAudio ? m_mels->file.size() : m_images->file.size();
    // Written so that no sum can overflow: offset 2^40 or length -1 must fail here.
    if (e.offset < 0 || e.length <= 0 || e.length > blobSize || e.offset > blobSize - e.length)
        return false;
    if (!e.isAudio)
        return e.frames == 0 && (m_expected.imageBytes <= 0 || e.length == m_expected.imageBytes);
    const qint64 floats = e.length / qint64(sizeof(float));
    if (e.offset % qint64(sizeof(float)) != 0 || e.length % qint64(sizeof(float)) != 0 || e.frames <= 0
        || e.frames > floats || floats % e.frames != 0)
        return false;
    return m_expected.melBins <= 0 || floats == qint64(e.frames) * m_expected.melBins;
}

const FeatureEntry *FeatureStore::lookup(const QString &key, qint64 size, qint64 mtimeMs) const
{
    const auto it = m_entries.constFind(key);
    if (it == m_entries.constEnd() || it->fileSize != size || it->fileMtimeMs != mtimeMs)
        return nullptr;
    return &it.value();
}

const FeatureEntry *FeatureStore::entry(const QString &key) const
{
    const auto it = m_entries.constFind(key);
    return it == m_entries.constEnd() ? nullptr : &it.value();
}

void FeatureStore::addImage(const QString &key, qint64 size, qint64 mtimeMs,
                            const std::vector<std::uint8_t> &chw, const QString &warning)
{
    FeatureEntry e;
    e.fileSize = size;
    e.fileMtimeMs = mtimeMs;
    e.offset = qint64(m_pendingImages.size());
    e.length = qint64(chw.size());
    e.warning = warning;
    e.inMemory = true;
    m_pendingImages.insert(m_pendingImages.end(), chw.begin(), chw.end());
    m_entries.insert(key, e);
    m_dirty = true;
}

void FeatureStore::addAudio(const QString &key, qint64 size, qint64 mtimeMs, const std::vector<float> &mel,
                            int frames, double seconds, const QString &warning)
{
    FeatureEntry e;
    e.fileSize = size;
    e.fileMtimeMs = mtimeMs;
    e.offset = qint64(m_pendingMels.size() * sizeof(float));
    e.length = qint64(mel.size() * sizeof(float));
    e.isAudio = true;
    e.frames = frames;
    e.seconds = seconds;
    e.warning = warning;
    e.inMemory = true;
    m_pendingMels.insert(m_pendingMels.end(), mel.begin(), mel.end());
    m_entries.insert(key, e);
    m_dirty = true;
}

void FeatureStore::addFailure(const QString &key, qint64 size, qint64 mtimeMs, const QString &error)
{
    FeatureEntry e;
    e.fileSize = size;
    e.fileMtimeMs = mtimeMs;
    e.error = error.isEmpty() ? QStringLiteral("cannot decode") : error;
    m_entries.insert(key, e);
    m_dirty = true;
}

void FeatureStore::reserve(std::size_t imageBytes, std::size_t melValues)
{
    m_pendingImages.reserve(m_pendingImages.size() + imageBytes);
    m_pendingMels.reserve(m_pendingMels.size() + melValues);
}

bool FeatureStore::writePending(QString *error)
{
    if (m_directory.isEmpty() || !m_startedEmpty)
        return false;
    if (m_pendingImages.empty() && m_pendingMels.empty())
        return true;
    if (!QDir().mkpath(m_directory)) {
        *error = QStringLiteral("cannot create %1").arg(m_directory);
        return false;
    }
    const qint64 imageBase = m_images->size;
    const qint64 melBase = m_mels->size;
    QString why;
    auto append = [&why](const Blob &blob, const void *data, qint64 bytes) {
        QFile file(blob.file.fileName());
        // Flushed here: a full disk that only shows at close would go unnoticed.
        const bool ok = bytes == 0
                        || (file.open(QIODevice::WriteOnly | QIODevice::Append)
                            && file.write(static_cast<const char *>(data), bytes) == bytes && file.flush());
        if (!ok)
            why = writeError(file);
        return ok;
    };
    const bool written = append(*m_images, m_pendingImages.data(), qint64(m_pendingImages.size()))
                         && append(*m_mels, m_pendingMels.data(), qint64(m_pendingMels.size() * sizeof(float)));
    // Remapped either way: map() takes the blob sizes from the files, so whatever part was
    // written is dead space that commit appends after, and readers see the appended bytes.
    const bool mapped = m_images->map() && m_mels->map();
    if (!written || !mapped) {
        *error = written ? QStringLiteral("cannot map the cache blobs")
                         : QStringLiteral("cannot write blobs in %1: %2").arg(m_directory, why);
        return false;
    }
    for (FeatureEntry &e : m_entries) {
        if (e.inMemory && e.offset >= 0) {
            e.offset += e.isAudio ? melBase : imageBase;
            e.inMemory = false;
        }
    }
    // Cleared, not freed: the next chunk reuses the pages already faulted in.
    m_pendingImages.clear();
    m_pendingMels.clear();
    return true;
}

const std::uint8_t *FeatureStore::imageData(const FeatureEntry &entry) const
{
    if (entry.offset < 0)
        return nullptr;
    if (entry.inMemory)
        return m_pendingImages.data() + entry.offset;
    return m_images->data ? m_images->data + entry.offset : nullptr;
}

const float *FeatureStore::melData(const FeatureEntry &entry) const
{
    if (entry.offset < 0)
        return nullptr;
    if (entry.inMemory)
        return m_pendingMels.data() + entry.offset / qint64(sizeof(float));
    return m_mels->data ? reinterpret_cast<const float *>(m_mels->data + entry.offset) : nullptr;
}

void FeatureStore::commit(const QSet<QString> &liveKeys, QString *warning)
{
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        if (liveKeys.contains(it.key())) {
            ++it;
        } else {
            it = m_entries.erase(it);
            m_dirty = true;
        }
    }
    if (!m_dirty || m_directory.isEmpty())
        return;
    QString error;
    if (!writeToDisk(&error) && warning)
        *warning = QStringLiteral("feature cache not written (%1): features kept in memory").arg(error);
}

bool FeatureStore::writeToDisk(QString *error)
{
    if (!QDir().mkpath(m_directory)) {
        *error = QStringLiteral("cannot create %1").arg(m_directory);
        return false;
    }
    qint64 liveImages = 0;
    qint64 liveMels = 0;
    for (const FeatureEntry &e : std::as_const(m_entries)) {
        if (!e.inMemory && e.offset >= 0)
            (e.isAudio ? liveMels : liveImages) += e.length;
    }
    // Append while most of a blob is live; rewrite it when dead records (changed or removed
    // files) outweigh the live ones, so the cache never grows without bound.
    const bool compact = (m_images->size - liveImages) > liveImages || (m_mels->size - liveMels) > liveMels;
    const QByteArray pendingImages = QByteArray::fromRawData(
        reinterpret_cast<const char *>(m_pendingImages.data()), qsizetype(m_pendingImages.size()));
    const QByteArray pendingMels = QByteArray::fromRawData(
        reinterpret_cast<const char *>(m_pendingMels.data()), qsizetype(m_pendingMels.size() * sizeof(float)));

    QHash<QString, FeatureEntry> updated = m_entries;
    QString why; // the OS's words ("No space left on device")
    auto writeBlob = [&](Blob &blob, bool audio, const QByteArray &pending) -> bool {
        QSaveFile out(blob.file.fileName());
        const auto failed = [&why](const QFileDevice &file) {
            why = writeError(file);
            return false;
        };
        qint64 position = 0;
        if (compact) {
            if (!out.open(QIODevice::WriteOnly))
                return failed(out);
            for (auto it = updated.begin(); it != updated.end(); ++it) {
                FeatureEntry &e = it.value();
                if (e.isAudio != audio || e.inMemory || e.offset < 0)
                    continue;
                if (out.write(reinterpret_cast<const char *>(blob.data + e.offset), e.length) != e.length)
                    return failed(out);
                e.offset = position;
                position += e.length;
            }
        } else {
            position = blob.size;
        }
        for (auto it = updated.begin(); it != updated.end(); ++it) {
            FeatureEntry &e = it.value();
            if (e.isAudio == audio && e.inMemory && e.offset >= 0) {
                e.offset += position;
                e.inMemory = false;
            }
        }
        if (compact) {
            return (out.write(pending) == pending.size() && out.commit()) || failed(out);
        }
        out.cancelWriting();
        blob.unmap();
        QFile append(blob.file.fileName());
        // Flushed and checked: a full disk that only shows at close must not leave an index
        // whose entries point past the end of a blob.
        return (append.open(QIODevice::WriteOnly | QIODevice::Append) && append.write(pending) == pending.size()
                && append.flush())
               || failed(append);
    };
    if (!writeBlob(*m_images, false, pendingImages) || !writeBlob(*m_mels, true, pendingMels)) {
        *error = QStringLiteral("cannot write blobs in %1: %2").arg(m_directory, why);
        // The index on disk no longer matches the blob sizes, so the next load starts afresh;
        // this load keeps serving the old mappings and the pending memory.
        m_images->map();
        m_mels->map();
        return false;
    }
    m_images->unmap();
    m_mels->unmap();

    // Inserted in key order: QJsonObject keeps its keys sorted, so inserting in hash order
    // moved half of the object on every insert (quadratic: seconds for 100 000 files).
    QStringList keys = updated.keys();
    keys.sort();
    QJsonObject entries;
    for (const QString &key : std::as_const(keys))
        entries.insert(key, entryToJson(updated.value(key)));
    FeatureShape shape = m_expected;
    for (const FeatureEntry &e : std::as_const(updated)) {
        if (e.offset < 0 || e.length <= 0)
            continue;
        if (!e.isAudio && shape.imageBytes <= 0)
            shape.imageBytes = e.length;
        if (e.isAudio && shape.melBins <= 0 && e.frames > 0)
            shape.melBins = int(e.length / qint64(sizeof(float)) / e.frames);
    }
    const QJsonObject root{{QStringLiteral("version"), kIndexVersion},
                           {QStringLiteral("images_size"), m_images->file.size()},
                           {QStringLiteral("mels_size"), m_mels->file.size()},
                           {QStringLiteral("image_bytes"), shape.imageBytes},
                           {QStringLiteral("mel_bins"), shape.melBins},
                           {QStringLiteral("checksum"),
                            indexChecksum(m_images->file.size(), m_mels->file.size(), shape, entries)},
                           {QStringLiteral("entries"), entries}};
    QSaveFile index(QDir(m_directory).filePath(kIndexName));
    if (!index.open(QIODevice::WriteOnly) || index.write(QJsonDocument(root).toJson(QJsonDocument::Compact)) < 0
        || !index.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(index.fileName(), writeError(index));
        return false;
    }
    if (!m_images->map() || !m_mels->map()) {
        *error = QStringLiteral("cannot map the cache blobs");
        return false;
    }
    m_entries = std::move(updated);
    m_pendingImages = {};
    m_pendingMels = {};
    m_dirty = false;
    return true;
}
