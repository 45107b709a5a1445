#include "core/data/datasetbuilder.h"

#include "core/data/audiodecoder.h"
#include "core/data/featurestore.h"
#include "core/data/imagedecoder.h"
#include "core/data/melspectrogram.h"
#include "core/util/parallelfor.h"

#include <QtCore/QCryptographicHash>
#include <QtCore/QDateTime>
#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QStandardPaths>

#include <mutex>

namespace {

/** One decoded file, produced on a worker thread and stored in order afterwards. */
struct Decoded
{
    std::vector<std::uint8_t> image;
    std::vector<float> mel;
    int frames = 0;
    double seconds = 0.0;
    QString error;
};

QString issueReason(const QString &modality, const QString &error)
{
    return QStringLiteral("%1 dropped: %2").arg(modality, error);
}

} // namespace

std::shared_ptr<Dataset> Dataset::load(const QString &path, const DatasetOptions &options,
                                       const ProgressCallback &progress, const CancelFlag *cancel)
{
    return DatasetBuilder(options, progress, cancel).build(path);
}

DatasetBuilder::DatasetBuilder(const DatasetOptions &options, const ProgressCallback &progress,
                               const CancelFlag *cancel)
    : m_options(options), m_progress(progress), m_cancel(cancel)
{
}

void DatasetBuilder::report(const QString &stage, qint64 done, qint64 total) const
{
    if (m_progress)
        m_progress(Progress{stage, done, total, {}});
}

std::shared_ptr<Dataset> DatasetBuilder::build(const QString &path)
{
    std::shared_ptr<Dataset> dataset(new Dataset);
    dataset->m_preprocess = m_options.preprocess;
    if (findManifest(path).isEmpty()) {
        dataset->m_loadError = QStringLiteral("no manifest.jsonl or manifest.csv in %1").arg(path);
        dataset->m_manifest.root = QFileInfo(path).absoluteFilePath();
        return dataset;
    }
    report(QStringLiteral("reading manifest"), 0, 0);
    dataset->m_manifest = readManifest(path, m_options.columns);
    dataset->m_issues = dataset->m_manifest.issues;

    const QString cacheDir = m_options.useCache ? cacheDirectory(dataset->m_manifest.root) : QString();
    dataset->m_features = std::make_unique<FeatureStore>(cacheDir);
    dataset->m_cacheStats.directory = cacheDir;

    const std::vector<MediaFile> files = collectMediaFiles(dataset->m_manifest);
    QSet<QString> live;
    for (const MediaFile &file : files)
        live.insert(file.key);
    if (!decodeMissing(files, *dataset->m_features))
        return nullptr;
    dataset->m_cacheStats.decoded = 0;
    for (const MediaFile &file : files) {
        // decodeMissing added fresh entries as in-memory: those are the ones decoded now.
        const FeatureEntry *entry = dataset->m_features->entry(file.key);
        if (entry && entry->inMemory)
            ++dataset->m_cacheStats.decoded;
    }
    dataset->m_cacheStats.reused = int(files.size()) - dataset->m_cacheStats.decoded;
    QString warning;
    dataset->m_features->commit(live, &warning);
    if (!warning.isEmpty())
        dataset->m_issues.append(DataIssue{{}, cacheDir, 0, warning});

    attachFeatures(*dataset);
    if (cancelled())
        return nullptr;
    prepareText(*dataset);
    if (!m_options.frozenPreprocess)
        measureNormalisation(*dataset);
    return cancelled() ? nullptr : dataset;
}

QString DatasetBuilder::cacheDirectory(const QString &root) const
{
    const QString key = QString::fromLatin1(m_options.preprocess.decodeKey());
    if (!m_options.cacheDir.isEmpty())
        return QDir(m_options.cacheDir).filePath(key);
    if (QFileInfo(root).isWritable())
        return QDir(root).filePath(QStringLiteral(".fusionscope-cache/") + key);
    // A read-only dataset (a mounted share, a system folder) caches under the user's cache dir.
    const QString rootHash = QString::fromLatin1(
        QCryptographicHash::hash(root.toUtf8(), QCryptographicHash::Sha1).toHex().left(16));
    return QDir(QStandardPaths::writableLocation(QStandardPaths::CacheLocation))
        .filePath(QStringLiteral("datasets/%1/%2").arg(rootHash, key));
}

std::vector<DatasetBuilder::MediaFile> DatasetBuilder::collectMediaFiles(const Manifest &manifest) const
{
    std::vector<MediaFile> files;
    QSet<QString> seen;
    const QDir root(manifest.root);
    auto add = [&](const QString &path, bool audio) {
        if (path.isEmpty())
            return;
        const QString key = root.relativeFilePath(path);
        if (seen.contains(key))
            return;
        seen.insert(key);
        const QFileInfo info(path);
        files.push_back({key, path, audio, info.size(),
                         info.lastModified().toMSecsSinceEpoch()});
    };
    for (const SampleRecord &record : manifest.samples) {
        add(record.imagePath, false);
        add(record.audioPath, true);
    }
    return files;
}

bool DatasetBuilder::decodeMissing(const std::vector<MediaFile> &files, FeatureStore &store)
{
    std::vector<int> missing;
    for (int i = 0; i < int(files.size()); ++i) {
        const MediaFile &f = files[std::size_t(i)];
        if (!store.lookup(f.key, f.size, f.mtimeMs))
            missing.push_back(i);
    }
    if (missing.empty())
        return true;

    const PreprocessConfig &pre = m_options.preprocess;
    const MelSpectrogram melSpectrogram(pre.mel);
    std::vector<Decoded> results(missing.size());
    std::atomic_int done{0};
    std::mutex progressMutex;
    const int total = int(missing.size());
    report(QStringLiteral("decoding"), 0, total);
    const bool finished = parallelFor(total, m_options.threads, [&](int job) {
        const MediaFile &f = files[std::size_t(missing[std::size_t(job)])];
        Decoded &out = results[std::size_t(job)];
        if (f.audio) {
            DecodedAudio audio = decodeAudio(f.path, pre.mel.sampleRate, pre.maxAudioSeconds);
            if (!audio.ok())
                out.error = audio.error;
            else if (audio.samples.empty())
                out.error = QStringLiteral("audio has no samples");
            else {
                out.seconds = audio.seconds();
                out.mel = melSpectrogram.compute(audio.samples.data(), audio.samples.size(), &out.frames);
            }
        } else {
            DecodedImage image = decodeImage(f.path, pre.imageSize);
            if (image.ok())
                out.image = std::move(image.chw);
            else
                out.error = image.error;
        }
        const int finishedCount = ++done;
        if (finishedCount % 64 == 0 || finishedCount == total) {
            std::lock_guard<std::mutex> lock(progressMutex);
            report(QStringLiteral("decoding"), finishedCount, total);
        }
    }, m_cancel);
    if (!finished)
        return false;

    // Stored in file order, not completion order, so the cache layout is deterministic.
    for (std::size_t job = 0; job < missing.size(); ++job) {
        const MediaFile &f = files[std::size_t(missing[job])];
        Decoded &d = results[job];
        if (!d.error.isEmpty())
            store.addFailure(f.key, f.size, f.mtimeMs, d.error);
        else if (f.audio)
            store.addAudio(f.key, f.size, f.mtimeMs, d.mel, d.frames, d.seconds);
        else
            store.addImage(f.key, f.size, f.mtimeMs, d.image);
    }
    return true;
}

void DatasetBuilder::attachFeatures(Dataset &dataset)
{
    Manifest &manifest = dataset.m_manifest;
    const QDir root(manifest.root);
    const FeatureStore &store = *dataset.m_features;
    std::vector<SampleRecord> kept;
    kept.reserve(manifest.samples.size());
    for (SampleRecord &record : manifest.samples) {
        const std::uint8_t *image = nullptr;
        const float *mel = nullptr;
        int frames = 0;
        double seconds = 0.0;
        if (record.hasImage()) {
            const FeatureEntry *e = store.entry(root.relativeFilePath(record.imagePath));
            if (e && e->error.isEmpty()) {
                image = store.imageData(*e);
            } else {
                dataset.m_issues.append({record.id, record.imagePath, record.line,
                                         issueReason(QStringLiteral("image"), e ? e->error : QStringLiteral("not decoded"))});
                record.imagePath.clear();
            }
        }
        if (record.hasAudio()) {
            const FeatureEntry *e = store.entry(root.relativeFilePath(record.audioPath));
            if (e && e->error.isEmpty()) {
                mel = store.melData(*e);
                frames = e->frames;
                seconds = e->seconds;
            } else {
                dataset.m_issues.append({record.id, record.audioPath, record.line,
                                         issueReason(QStringLiteral("audio"), e ? e->error : QStringLiteral("not decoded"))});
                record.audioPath.clear();
            }
        }
        if (!record.hasText() && !record.hasImage() && !record.hasAudio()) {
            dataset.m_issues.append({record.id, manifest.path, record.line,
                                     QStringLiteral("no usable modality left after decoding; sample skipped")});
            continue;
        }
        dataset.m_images.push_back(image);
        dataset.m_mels.push_back(mel);
        dataset.m_melFrames.push_back(frames);
        dataset.m_audioSeconds.push_back(seconds);
        dataset.m_presence.push_back({record.hasText(), record.hasImage(), record.hasAudio()});
        dataset.m_labelIndex.push_back(manifest.labelIndex(record.label));
        dataset.m_indexOfId.insert(record.id, int(kept.size()));
        kept.push_back(std::move(record));
    }
    manifest.samples = std::move(kept);
}
