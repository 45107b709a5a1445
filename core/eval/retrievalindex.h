#pragma once

#include "core/data/modality.h"

#include <QtCore/QString>
#include <QtCore/QStringList>

#include <array>
#include <cstdint>
#include <vector>

class Dataset;

/**
 * Every sample's per-modality embeddings (the model contract's embed/text, embed/image,
 * embed/audio) with what a person needs to read a hit: id, split, label, caption, files.
 * Built once per (model file, dataset manifest) and cached on disk, so a query needs the
 * model and this file, not the dataset's decoding. Torch-free; search() is an exact cosine
 * scan over the modality's gallery (a matrix-vector product: about a millisecond for 24 000
 * rows of 64 floats, where an approximate index would only add build time and recall loss).
 */
class RetrievalIndex
{
public:
    struct Entry
    {
        QString id;
        QString split;
        QString label;
        QString text;      ///< the caption (cut to 200 characters)
        QString imagePath; ///< relative to the dataset root, as the manifest gives it
        QString audioPath;
        std::array<bool, 3> present{};
    };
    struct Hit
    {
        int row = 0;        ///< into entries()
        double score = 0.0; ///< cosine similarity
    };

    int size() const { return int(m_entries.size()); }
    int dim() const { return m_dim; }
    const Entry &entry(int row) const { return m_entries[std::size_t(row)]; }
    const QString &key() const { return m_key; }
    /** Row of a sample id; -1 when absent. */
    int rowOf(const QString &id) const;
    /** The row's embedding of `modality` (dim() floats; zeros where absent). */
    const float *embedding(int row, int modality) const;

    /**
     * The k rows most similar to `query` (dim() floats, normalised) among those that have
     * `modality`, one per distinct file (rows sharing an image or recording are one gallery
     * item, its first row), best first; ties keep row order.
     */
    std::vector<Hit> search(const float *query, int modality, int k) const;

    /** Fills the index from `dataset` and one table per modality (row i = dataset sample i). */
    void assign(const QString &key, const Dataset &dataset, int dim, std::array<std::vector<float>, 3> embeddings);
    /** The same from entries already made (row i = entries[i]). */
    void assign(const QString &key, std::vector<Entry> entries, int dim, std::array<std::vector<float>, 3> embeddings);
    /** Binary file, written atomically; false with *error naming it. */
    bool save(const QString &path, QString *error) const;
    /** False with *error for a missing, truncated or foreign file, or one built under another key. */
    bool load(const QString &path, const QString &expectedKey, QString *error);

private:
    /** The rows search() scores per modality, built once per load. */
    void indexGalleries();

    QString m_key;
    int m_dim = 0;
    std::vector<Entry> m_entries;
    std::array<std::vector<float>, 3> m_embeddings; ///< size() × dim() each
    std::array<std::vector<int>, 3> m_galleries;     ///< per modality: the first row of each distinct file
};

/**
 * What identifies an index: the model file's bytes (SHA-1) and the manifest's path, size and
 * modification time, plus the column mapping. Empty with *error when a file cannot be read.
 */
QString retrievalIndexKey(const QString &modelPath, const QString &manifestPath, const QString &columnMap, QString *error);

/**
 * Where the index of `key` is cached: in the dataset's `.fusionscope-cache/retrieval` when
 * that folder takes writes, else under the user's cache folder.
 */
QString retrievalIndexPath(const QString &manifestPath, const QString &key);
