#include "core/data/datasetbuilder.h"

#include "core/data/audiodecoder.h"
#include "core/data/featurestore.h"
#include "core/data/imagedecoder.h"
#include "core/data/melspectrogram.h"
#include "core/util/parallelfor.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QCryptographicHash>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QLockFile>
#include <QtCore/QStandardPaths>

#include <memory>
#include <mutex>
#include <thread>

#include <sys/stat.h>

namespace {

/** One decoded file, produced on a worker thread and stored in order afterwards. */
struct Decoded
{
    std::vector<std::uint8_t> image;
    std::vector<float> mel;
    int frames = 0;
    double seconds = 0.0;
    QString error;
    QString warning; ///< usable, but worth a note (audio: NaN samples silenced, clip cut; image: damaged JPEG data)
};

/** The decoder's words first: the issue already names the field and its path. */
QString issueReason(const QString &modality, const QString &error)
{
    return QStringLiteral("%1; %2 dropped").arg(error, modality);
}

/** Whether files can be created in `folder`: permission bits say nothing for root, nor for
 *  a read-only mount, so try it. */
bool canWriteIn(const QString &folder)
{
    QFile probe(QDir(folder).filePath(QStringLiteral(".fusionscope-write-probe-%1").arg(QCoreApplication::applicationPid())));
    if (!probe.open(QIODevice::WriteOnly | QIODevice::NewOnly))
        return false;
    probe.close();
    probe.remove();
    return true;
}

/** A media file's cache key, its path relative to the dataset root. The manifest hands over
 *  clean absolute paths inside the root, so a prefix cut gives what QDir::relativeFilePath
 *  would, without its per-call path cleaning (a fifth of a warm reopen); anything else still
 *  goes through QDir. */
class MediaKeys
{
public:
    explicit MediaKeys(const QString &root) : m_root(root)
    {
        const QString absolute = m_root.absolutePath();
        m_prefix = absolute.endsWith(QLatin1Char('/')) ? absolute : absolute + QLatin1Char('/');
    }

    QString key(const QString &path) const
    {
        if (path.size() > m_prefix.size() && path.startsWith(m_prefix)) {
            const QStringView rest = QStringView(path).mid(m_prefix.size());
            if (isPlain(rest))
                return rest.toString();
        }
        return m_root.relativeFilePath(path);
    }

private:
    /** No segment starting with '.' (covers "." and "..") or empty ("//"), no trailing '/'. */
    static bool isPlain(QStringView p)
    {
        for (qsizetype i = 0; i < p.size(); ++i) {
            const bool segmentStart = i == 0 || p[i - 1] == QLatin1Char('/');
            if (segmentStart && (p[i] == QLatin1Char('.') || p[i] == QLatin1Char('/')))
                return false;
        }
        return !p.endsWith(QLatin1Char('/'));
    }

    QDir m_root;
    QString m_prefix;
};

/** Size and mtime (ms, as QFileInfo reports them) without QFileInfo's QDateTime: one stat. */
void statFile(const QString &path, qint64 *size, qint64 *mtimeMs)
{
    struct stat info;
    if (::stat(QFile::encodeName(path).constData(), &info) != 0) {
        *size = 0;
        *mtimeMs = 0;
        return;
    }
    *size = qint64(info.st_size);
    *mtimeMs = qint64(info.st_mtim.tv_sec) * 1000 + info.st_mtim.tv_nsec / 1000000;
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
        dataset->m_loadError = whyNoManifest(path);
        dataset->m_manifest.root = QFileInfo(path).absoluteFilePath();
        return dataset;
    }
    report(QStringLiteral("reading manifest"), 0, 0);
    dataset->m_manifest = readManifest(path, m_options.columns, m_options.task, m_options.tagSeparator);
    dataset->m_issues = dataset->m_manifest.issues;

    const QString cacheDir = m_options.useCache ? cacheDirectory(dataset->m_manifest.root) : QString();
    // One process decodes a cache at a time (the ranks of a distributed run on one host, the
    // window and a CLI run): the others wait, then find every feature cached.
    std::unique_ptr<QLockFile> building = lockCacheForBuilding(cacheDir);
    if (cancelled())
        return nullptr;
    // The shape every cached feature must have: an entry that disagrees is decoded again,
    // never read past its end (issue 14).
    const qint64 imageBytes = qint64(3) * m_options.preprocess.imageSize * m_options.preprocess.imageSize;
    dataset->m_features = std::make_shared<FeatureStore>(
        cacheDir, FeatureShape{imageBytes, m_options.preprocess.mel.melBins});
    dataset->m_cacheStats.directory = cacheDir;

    const std::vector<MediaFile> files = collectMediaFiles(dataset->m_manifest);
    QSet<QString> live;
    for (const MediaFile &file : files)
        live.insert(file.key);
    // Noted before decoding: a fresh cache's new entries may be on disk before commit.
    std::vector<const MediaFile *> stale;
    for (const MediaFile &file : files) {
        if (!dataset->m_features->lookup(file.key, file.size, file.mtimeMs))
            stale.push_back(&file);
    }
    if (!decodeMissing(files, *dataset->m_features))
        return nullptr;
    dataset->m_cacheStats.decoded = 0;
    for (const MediaFile *file : stale) {
        // Decoded now, and successfully (a failure is cached too, and counts as reused).
        const FeatureEntry *entry = dataset->m_features->entry(file->key);
        if (entry && entry->error.isEmpty())
            ++dataset->m_cacheStats.decoded;
    }
    dataset->m_cacheStats.reused = int(files.size()) - dataset->m_cacheStats.decoded;
    QString warning;
    dataset->m_features->commit(live, &warning);
    building.reset();
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

std::unique_ptr<QLockFile> DatasetBuilder::lockCacheForBuilding(const QString &cacheDir)
{
    if (cacheDir.isEmpty() || !QDir().mkpath(cacheDir))
        return nullptr; // no cache on disk: nothing to share
    auto lock = std::make_unique<QLockFile>(QDir(cacheDir).filePath(QStringLiteral(".building.lock")));
    lock->setStaleLockTime(0); // a long build is not stale; a dead holder's lock is (QLockFile checks its PID)
    bool reported = false;
    while (!lock->tryLock(250)) {
        if (lock->error() != QLockFile::LockFailedError)
            return nullptr; // cannot lock here (read-only, odd file system): build unshared, as before
        if (!reported) {
            report(QStringLiteral("waiting for another process to finish this dataset's feature cache"), 0, 0);
            reported = true;
        }
        if (cancelled())
            return nullptr;
    }
    return lock;
}

QString DatasetBuilder::cacheDirectory(const QString &root) const
{
    const QString key = QString::fromLatin1(m_options.preprocess.decodeKey());
    if (!m_options.cacheDir.isEmpty())
        return QDir(m_options.cacheDir).filePath(key);
    // An existing cache folder is reused as long as it takes writes; else the dataset folder
    // itself must take them (a read-only mount does not, even for root).
    const QString inDataset = QDir(root).filePath(QStringLiteral(".fusionscope-cache"));
    if (QFileInfo(inDataset).isDir() ? canWriteIn(inDataset) : canWriteIn(root))
        return QDir(inDataset).filePath(key);
    // A read-only dataset (a mounted share, a system folder) caches under the user's cache dir.
    const QString rootHash = QString::fromLatin1(
        QCryptographicHash::hash(root.toUtf8(), QCryptographicHash::Sha1).toHex().left(16));
    return QDir(QStandardPaths::writableLocation(QStandardPaths::CacheLocation))
        .filePath(QStringLiteral("datasets/%1/%2").arg(rootHash, key));
}

std::vector<DatasetBuilder::MediaFile> DatasetBuilder::collectMediaFiles(const Manifest &manifest) const
{
    std::vector<MediaFile> files;
    files.reserve(manifest.samples.size() * 2);
    QSet<QString> seen;
    seen.reserve(qsizetype(manifest.samples.size() * 2));
    const MediaKeys keys(manifest.root);
    auto add = [&](const QString &path, bool audio) {
        if (path.isEmpty())
            return;
        QString key = keys.key(path);
        if (seen.contains(key))
            return;
        seen.insert(key);
        MediaFile file{std::move(key), path, audio, 0, 0};
        statFile(path, &file.size, &file.mtimeMs);
        files.push_back(std::move(file));
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
    auto decode = [&](int job) {
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
                out.warning = audio.warning;
                out.mel = melSpectrogram.compute(audio.samples.data(), audio.samples.size(), &out.frames);
            }
        } else {
            DecodedImage image = decodeImage(f.path, pre.imageSize);
            if (image.ok()) {
                out.image = std::move(image.chw);
                out.warning = image.warning;
            } else
                out.error = image.error;
        }
        const int finishedCount = ++done;
        if (finishedCount % 64 == 0 || finishedCount == total) {
            std::lock_guard<std::mutex> lock(progressMutex);
            report(QStringLiteral("decoding"), finishedCount, total);
        }
    };
    // Stored in file order, not completion order, so the cache layout is deterministic. A
    // fresh cache takes each stored chunk to disk at once (FeatureStore::writePending), so
    // memory holds about one chunk of features and the writing overlaps the decoding.
    // Otherwise features wait in memory for commit, with room reserved from the first
    // chunk's sizes (growing by doubling copied and faulted them in about twice over).
    bool writing = true;
    auto storeResults = [&](int first, int end) {
        std::size_t imageBytes = 0;
        std::size_t melValues = 0;
        for (int job = first; job < end; ++job) {
            const MediaFile &f = files[std::size_t(missing[std::size_t(job)])];
            Decoded &d = results[std::size_t(job)];
            imageBytes += d.image.size();
            melValues += d.mel.size();
            if (!d.error.isEmpty())
                store.addFailure(f.key, f.size, f.mtimeMs, d.error);
            else if (f.audio)
                store.addAudio(f.key, f.size, f.mtimeMs, d.mel, d.frames, d.seconds, d.warning);
            else
                store.addImage(f.key, f.size, f.mtimeMs, d.image, d.warning);
            d = Decoded(); // the store holds its copy now; don't keep two
        }
        if (end == first || !writing)
            return;
        QString error; // a failed write is retried, and reported, by commit
        writing = store.writePending(&error);
        if (!writing && first == 0) {
            const double scale = 1.25 * (total - end) / (end - first);
            store.reserve(std::size_t(double(imageBytes) * scale), std::size_t(double(melValues) * scale));
        }
    };

    // Decoded a chunk at a time on the worker threads while this thread stores the chunk
    // before, so storing overlaps the decoding.
    constexpr int kChunk = 512;
    bool finished = true;
    int stored = 0;
    for (int first = 0; first < total && finished; first += kChunk) {
        const int count = std::min(kChunk, total - first);
        std::thread decoder([&, first, count] {
            finished = parallelFor(count, m_options.threads, [&](int i) { decode(first + i); }, m_cancel);
        });
        storeResults(stored, first);
        stored = first;
        decoder.join();
    }
    if (!finished)
        return false;
    storeResults(stored, total);
    return true;
}

void DatasetBuilder::attachFeatures(Dataset &dataset)
{
    Manifest &manifest = dataset.m_manifest;
    const MediaKeys keys(manifest.root);
    const FeatureStore &store = *dataset.m_features;
    std::vector<SampleRecord> kept;
    kept.reserve(manifest.samples.size());
    // A note, not a drop: the sample trains, but its file was not all sound (damaged JPEG
    // data, NaN audio samples, a clip cut short).
    auto noteWarning = [&](const SampleRecord &record, const FeatureEntry &e, const QString &field, const QString &path) {
        if (!e.warning.isEmpty())
            dataset.m_issues.append({record.id, manifest.path, record.line,
                                     QStringLiteral("warning: %1; %2 kept").arg(e.warning, field), field, keys.key(path)});
    };
    for (SampleRecord &record : manifest.samples) {
        const std::uint8_t *image = nullptr;
        const float *mel = nullptr;
        int frames = 0;
        double seconds = 0.0;
        if (record.hasImage()) {
            const FeatureEntry *e = store.entry(keys.key(record.imagePath));
            if (e && e->error.isEmpty()) {
                image = store.imageData(*e);
                noteWarning(record, *e, QStringLiteral("image"), record.imagePath);
            } else {
                dataset.m_issues.append({record.id, manifest.path, record.line,
                                         issueReason(QStringLiteral("image"), e ? e->error : QStringLiteral("not decoded")),
                                         QStringLiteral("image"), keys.key(record.imagePath)});
                record.imagePath.clear();
            }
        }
        if (record.hasAudio()) {
            const FeatureEntry *e = store.entry(keys.key(record.audioPath));
            if (e && e->error.isEmpty()) {
                mel = store.melData(*e);
                frames = e->frames;
                seconds = e->seconds;
                noteWarning(record, *e, QStringLiteral("audio"), record.audioPath);
            } else {
                dataset.m_issues.append({record.id, manifest.path, record.line,
                                         issueReason(QStringLiteral("audio"), e ? e->error : QStringLiteral("not decoded")),
                                         QStringLiteral("audio"), keys.key(record.audioPath)});
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
