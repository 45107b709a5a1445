#pragma once

#include <QtCore/QFile>
#include <QtCore/QHash>
#include <QtCore/QString>
#include <cstdint>
#include <memory>
#include <vector>

/** Where one decoded media file lives and what it was decoded from. */
struct FeatureEntry
{
    qint64 fileSize = -1;
    qint64 fileMtimeMs = -1;
    qint64 offset = -1;     ///< byte offset in its blob; -1 when decoding failed
    qint64 length = 0;      ///< bytes in its blob
    bool isAudio = false;
    int frames = 0;         ///< audio: mel frames
    double seconds = 0.0;   ///< audio: clip length before cropping
    QString error;          ///< why decoding failed (cached too: a broken file stays broken until it changes)
    QString warning;        ///< what a usable file had wrong (DecodedAudio/DecodedImage::warning), reported on every load
    bool inMemory = false;  ///< true when held in memory because the cache could not be written
};

/** What every cache entry must hold: bytes of one image, floats per mel frame (0: not checked). */
struct FeatureShape
{
    qint64 imageBytes = 0;
    int melBins = 0;
};

/**
 * Decoded image bytes and log-mel floats for a dataset's media files, keyed by path relative
 * to the dataset folder. Persisted as two append-only blobs plus index.json in a cache folder
 * and memory-mapped, so reopening a dataset costs a stat per file. Entries are invalidated
 * per file when its size or mtime changes. Built on one thread, then read-only (thread-safe).
 */
class FeatureStore
{
public:
    /**
     * Opens (or starts) the cache in `directory`; an empty directory means memory only.
     * An index entry that does not fit its blob or `expected` (an edited or damaged index) is
     * dropped, so that file is decoded again; an index whose checksum fails drops them all.
     * Cache files that are not regular files (a FIFO, a link) are removed, never opened.
     */
    explicit FeatureStore(const QString &directory, FeatureShape expected = {});
    ~FeatureStore();

    /** The cached entry for `key` if it still matches the file's size and mtime. */
    const FeatureEntry *lookup(const QString &key, qint64 size, qint64 mtimeMs) const;

    void addImage(const QString &key, qint64 size, qint64 mtimeMs, const std::vector<std::uint8_t> &chw,
                  const QString &warning = {});
    void addAudio(const QString &key, qint64 size, qint64 mtimeMs, const std::vector<float> &mel,
                  int frames, double seconds, const QString &warning = {});
    void addFailure(const QString &key, qint64 size, qint64 mtimeMs, const QString &error);
    /** Room for this many more pending image bytes and mel values, so adding never regrows. */
    void reserve(std::size_t imageBytes, std::size_t melValues);
    /**
     * For a cache that started empty: appends the pending features to the blobs now (commit
     * still writes the index), so a large first import neither holds every feature in memory
     * nor writes them all at the end. Entries stay readable. Returns false, changing nothing,
     * for a cache that held features (a cancelled update must not cost the old ones) or a
     * memory-only store; false with *error when the write failed (commit tries again).
     */
    bool writePending(QString *error);

    /**
     * Writes new entries to disk, drops entries not in `liveKeys` and compacts when over half
     * of the blobs is dead, then maps the blobs. Falls back to memory when the folder is not
     * writable (the message goes to *warning).
     */
    void commit(const QSet<QString> &liveKeys, QString *warning);

    const std::uint8_t *imageData(const FeatureEntry &entry) const;
    const float *melData(const FeatureEntry &entry) const;
    const FeatureEntry *entry(const QString &key) const;
    QString directory() const { return m_directory; }
    /** Index entries refused at open (each file is decoded again); -1: the whole index. */
    int droppedEntries() const { return m_droppedEntries; }

private:
    struct Blob;
    bool loadIndex();
    bool validEntry(const FeatureEntry &e) const;
    void removeIrregularFiles();
    bool writeToDisk(QString *error);

    QString m_directory;
    QHash<QString, FeatureEntry> m_entries;
    std::vector<std::uint8_t> m_pendingImages; ///< bytes of entries not yet on disk (inMemory)
    std::vector<float> m_pendingMels;
    std::unique_ptr<Blob> m_images;
    std::unique_ptr<Blob> m_mels;
    bool m_dirty = false;
    FeatureShape m_expected;
    int m_droppedEntries = 0;
    bool m_startedEmpty = false; ///< no blob bytes at open: writePending may append early
};
