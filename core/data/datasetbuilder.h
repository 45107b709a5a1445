#pragma once

#include "core/data/dataset.h"

#include <QtCore/QSet>

#include <memory>

class QLockFile;

class FeatureStore;

/**
 * Does the work of Dataset::load on the calling thread: manifest, decoding through the
 * feature cache on all cores, tokenizer, normalisation statistics. One use per instance.
 */
class DatasetBuilder
{
public:
    DatasetBuilder(const DatasetOptions &options, const ProgressCallback &progress, const CancelFlag *cancel);
    std::shared_ptr<Dataset> build(const QString &path);

private:
    struct MediaFile
    {
        QString key;      ///< path relative to the dataset root: the cache key
        QString path;     ///< absolute
        bool audio = false;
        qint64 size = 0;
        qint64 mtimeMs = 0;
    };

    QString cacheDirectory(const QString &root) const;
    /** Holds the cache folder's build lock, waiting (cancellably) while another process holds it;
     *  nullptr where there is no cache on disk or it cannot be locked (then built unshared). */
    std::unique_ptr<QLockFile> lockCacheForBuilding(const QString &cacheDir);
    std::vector<MediaFile> collectMediaFiles(const Manifest &manifest) const;
    bool decodeMissing(const std::vector<MediaFile> &files, FeatureStore &store);
    void attachFeatures(Dataset &dataset);
    void prepareText(Dataset &dataset);
    void measureNormalisation(Dataset &dataset) const;
    bool cancelled() const { return m_cancel && m_cancel->load(); }
    void report(const QString &stage, qint64 done, qint64 total) const;

    DatasetOptions m_options;
    ProgressCallback m_progress;
    const CancelFlag *m_cancel;
};
