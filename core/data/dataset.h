#pragma once

#include "core/data/manifest.h"
#include "core/data/preprocessconfig.h"
#include "core/data/tokenizer.h"
#include "core/util/progress.h"

#include <QtCore/QHash>
#include <QtCore/QString>
#include <cstdint>
#include <memory>
#include <vector>

class FeatureStore;

/** How to open a dataset. Every field has a usable default. */
struct DatasetOptions
{
    ColumnMap columns;
    /** How labels are read: inferred, or forced (train/eval --task, a model's recorded task). */
    TaskRequest task = TaskRequest::Auto;
    /** multilabel: what separates the tags of a text label ("cat|dog"); empty: one tag per label. */
    QString tagSeparator = QString(QLatin1Char(kDefaultTagSeparator));
    PreprocessConfig preprocess;
    /** Serialized SentencePiece model to use instead of training one (an exported model's). */
    std::string tokenizerModel;
    /** Keep preprocess's normalisation and audio duration instead of measuring the train split. */
    bool frozenPreprocess = false;
    /** Where decoded features live; empty = "<dataset>/.fusionscope-cache" (or the user cache dir when read-only). */
    QString cacheDir;
    bool useCache = true;
    int threads = 0; ///< decoding threads; 0 = all cores
};

/** What the feature cache did during a load. */
struct CacheStats
{
    int reused = 0;  ///< media files served from the cache
    int decoded = 0; ///< media files decoded this time
    QString directory;
};

/**
 * A dataset after decoding: manifest records plus preprocessed features for every usable
 * sample, memory-mapped from the feature cache. Immutable once loaded, so any thread may
 * read it. Torch-free: tensors are assembled by BatchLoader inside core.
 */
class Dataset
{
public:
    /**
     * Reads the manifest, decodes (or reuses from cache) every image and audio clip on all
     * cores, trains or loads the tokenizer, and measures normalisation on the train split.
     * Never throws: problems become issues(); a dataset with no manifest has size() 0 and
     * a loadError(). Returns nullptr only when cancelled.
     */
    static std::shared_ptr<Dataset> load(const QString &path, const DatasetOptions &options = {},
                                         const ProgressCallback &progress = {},
                                         const CancelFlag *cancel = nullptr);
    ~Dataset();

    /**
     * `dataset` learning only the regression targets or tags named in `names`, in the
     * dataset's order, sharing its decoded features; empty `names`: `dataset` itself. A
     * regression sample left with no target is unlabeled; a multi-label sample left with none
     * of the chosen tags is a negative for each of them. nullptr with *error naming an unknown
     * target, or saying that a classifier's labels have no targets to choose.
     */
    static std::shared_ptr<const Dataset> keepingTargets(std::shared_ptr<const Dataset> dataset,
                                                         const QStringList &names, QString *error);

    /** Non-empty when nothing could be loaded at all (no manifest, unreadable folder). */
    QString loadError() const { return m_loadError; }
    QString root() const { return m_manifest.root; }
    const Manifest &manifest() const { return m_manifest; }
    /** Manifest issues plus decoding issues; each names sample, file and reason. */
    const DataIssues &issues() const { return m_issues; }
    const QStringList &labels() const { return m_manifest.labels; }
    TaskKind task() const { return m_manifest.task; }
    /** Regression targets' or tags' names (empty for classify); SampleRecord::targets follows this order. */
    const QStringList &targetNames() const { return m_manifest.targetNames; }
    const PreprocessConfig &preprocess() const { return m_preprocess; }
    const Tokenizer &tokenizer() const { return m_tokenizer; }
    const CacheStats &cacheStats() const { return m_cacheStats; }

    int size() const { return int(m_manifest.samples.size()); }
    const SampleRecord &record(int index) const { return m_manifest.samples[std::size_t(index)]; }
    /** Which modalities survived decoding for this sample. */
    PresenceMask presence(int index) const { return m_presence[std::size_t(index)]; }
    /** Class index into labels(); -1 for unlabeled samples. */
    int labelIndex(int index) const { return m_labelIndex[std::size_t(index)]; }
    /** The sample has what the task learns from: a known class, a regression target, or a tag set. */
    bool hasTarget(int index) const
    {
        return task() != TaskKind::Classify ? !record(index).targets.empty() : labelIndex(index) >= 0;
    }
    std::vector<int> indices(Split split) const;
    /** Index of a sample id, -1 if absent. */
    int indexOf(const QString &sampleId) const;

    /** 3×S×S bytes, channel-major RGB; nullptr when the sample has no image. */
    const std::uint8_t *image(int index) const;
    /** Log-mel [melBins × frames] of the whole clip (not yet cropped); nullptr when no audio. */
    const float *mel(int index, int *frames) const;
    /** Clip length in seconds before cropping/padding; 0 when no audio. */
    double audioSeconds(int index) const;
    /** textLength token ids, padded with 0; all zeros when no text. */
    const std::vector<std::int64_t> &tokens(int index) const { return m_tokens[std::size_t(index)]; }

private:
    Dataset() = default;
    friend class DatasetBuilder;

    QString m_loadError;
    Manifest m_manifest;
    DataIssues m_issues;
    PreprocessConfig m_preprocess;
    Tokenizer m_tokenizer;
    CacheStats m_cacheStats;
    std::vector<PresenceMask> m_presence;
    std::vector<int> m_labelIndex;
    std::vector<std::vector<std::int64_t>> m_tokens;
    std::vector<const std::uint8_t *> m_images; ///< into m_features' mapping
    std::vector<const float *> m_mels;
    std::vector<int> m_melFrames;
    std::vector<double> m_audioSeconds;
    QHash<QString, int> m_indexOfId;
    std::shared_ptr<FeatureStore> m_features; ///< shared by keepingTargets' views
};
