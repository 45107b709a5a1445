#include "core/eval/retrievalindex.h"

#include "core/data/dataset.h"
#include "core/util/atomicfile.h"

#include <QtCore/QBuffer>
#include <QtCore/QCryptographicHash>
#include <QtCore/QDataStream>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QSet>
#include <QtCore/QStandardPaths>

#include <algorithm>

namespace {

constexpr quint32 kMagic = 0x46535249; // "FSRI"
constexpr quint32 kVersion = 1;
constexpr int kMaxCaption = 200;

} // namespace

int RetrievalIndex::rowOf(const QString &id) const
{
    for (int row = 0; row < size(); ++row) {
        if (m_entries[std::size_t(row)].id == id)
            return row;
    }
    return -1;
}

const float *RetrievalIndex::embedding(int row, int modality) const
{
    return m_embeddings[std::size_t(modality)].data() + std::size_t(row) * std::size_t(m_dim);
}

std::vector<RetrievalIndex::Hit> RetrievalIndex::search(const float *query, int modality, int k) const
{
    const std::vector<float> &table = m_embeddings[std::size_t(modality)];
    const std::vector<int> &gallery = m_galleries[std::size_t(modality)];
    std::vector<Hit> hits;
    hits.reserve(gallery.size());
    for (int row : gallery) {
        const float *vector = table.data() + std::size_t(row) * std::size_t(m_dim);
        double dot = 0.0;
        for (int d = 0; d < m_dim; ++d)
            dot += double(vector[d]) * double(query[d]);
        hits.push_back({row, dot});
    }
    const std::size_t kept = std::min<std::size_t>(std::size_t(std::max(k, 0)), hits.size());
    std::partial_sort(hits.begin(), hits.begin() + std::ptrdiff_t(kept), hits.end(), [](const Hit &a, const Hit &b) {
        return a.score > b.score || (a.score == b.score && a.row < b.row);
    });
    hits.resize(kept);
    return hits;
}

void RetrievalIndex::indexGalleries()
{
    // One gallery item per file, its first row: five captions of one image are one image.
    for (int modality = 0; modality < 3; ++modality) {
        std::vector<int> &gallery = m_galleries[std::size_t(modality)];
        gallery.clear();
        QSet<QString> files;
        for (int row = 0; row < size(); ++row) {
            const Entry &entry = m_entries[std::size_t(row)];
            if (!entry.present[std::size_t(modality)])
                continue;
            const QString &file = modality == 0 ? entry.text : modality == 1 ? entry.imagePath : entry.audioPath;
            if (!file.isEmpty()) {
                if (files.contains(file))
                    continue;
                files.insert(file);
            }
            gallery.push_back(row);
        }
    }
}

void RetrievalIndex::assign(const QString &key, std::vector<Entry> entries, int dim, std::array<std::vector<float>, 3> embeddings)
{
    m_key = key;
    m_dim = dim;
    m_embeddings = std::move(embeddings);
    m_entries = std::move(entries);
    indexGalleries();
}

void RetrievalIndex::assign(const QString &key, const Dataset &dataset, int dim, std::array<std::vector<float>, 3> embeddings)
{
    std::vector<Entry> entries;
    entries.reserve(std::size_t(dataset.size()));
    const QDir root(dataset.root());
    for (int index = 0; index < dataset.size(); ++index) {
        const SampleRecord &record = dataset.record(index);
        Entry entry;
        entry.id = record.id;
        entry.split = splitName(record.split);
        entry.label = record.label;
        entry.text = record.text.left(kMaxCaption);
        entry.imagePath = record.imagePath.isEmpty() ? QString() : root.relativeFilePath(record.imagePath);
        entry.audioPath = record.audioPath.isEmpty() ? QString() : root.relativeFilePath(record.audioPath);
        entry.present = dataset.presence(index);
        entries.push_back(entry);
    }
    assign(key, std::move(entries), dim, std::move(embeddings));
}

bool RetrievalIndex::save(const QString &path, QString *error) const
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QDataStream out(&buffer);
    out.setVersion(QDataStream::Qt_6_0);
    out << kMagic << kVersion << m_key << qint32(m_dim) << qint32(size());
    for (const Entry &entry : m_entries) {
        out << entry.id << entry.split << entry.label << entry.text << entry.imagePath << entry.audioPath
            << entry.present[0] << entry.present[1] << entry.present[2];
    }
    for (const std::vector<float> &table : m_embeddings)
        out.writeRawData(reinterpret_cast<const char *>(table.data()), qint64(table.size() * sizeof(float)));
    buffer.close();
    if (!QDir().mkpath(QFileInfo(path).absolutePath())) {
        *error = QStringLiteral("cannot create the folder of %1").arg(QDir::toNativeSeparators(path));
        return false;
    }
    return writeFileAtomically(path, bytes, error);
}

bool RetrievalIndex::load(const QString &path, const QString &expectedKey, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    QDataStream in(&file);
    in.setVersion(QDataStream::Qt_6_0);
    quint32 magic = 0;
    quint32 version = 0;
    QString key;
    qint32 dim = 0;
    qint32 rows = 0;
    in >> magic >> version >> key >> dim >> rows;
    const auto broken = [&](const QString &why) {
        *error = QStringLiteral("%1: %2").arg(QDir::toNativeSeparators(path), why);
        return false;
    };
    if (in.status() != QDataStream::Ok || magic != kMagic)
        return broken(QStringLiteral("not a FusionScope retrieval index"));
    if (version != kVersion)
        return broken(QStringLiteral("index format %1, this build reads %2").arg(version).arg(kVersion));
    if (key != expectedKey)
        return broken(QStringLiteral("built for another model or manifest"));
    // Every row takes at least 3 × dim floats on disk: a count the file cannot hold is a damaged
    // file, not an allocation. The ranges first, so the product cannot overflow (found by fuzzing).
    const auto damaged = [&] { return broken(QStringLiteral("damaged header (%1 rows × %2 dimensions)").arg(rows).arg(dim)); };
    if (dim <= 0 || dim > 65536 || rows < 0)
        return damaged();
    if (qint64(rows) * qint64(dim) * 3 * qint64(sizeof(float)) > file.size())
        return damaged();
    std::vector<Entry> entries(static_cast<std::size_t>(rows));
    for (Entry &entry : entries) {
        in >> entry.id >> entry.split >> entry.label >> entry.text >> entry.imagePath >> entry.audioPath
            >> entry.present[0] >> entry.present[1] >> entry.present[2];
        if (in.status() != QDataStream::Ok)
            return broken(QStringLiteral("truncated sample list"));
    }
    std::array<std::vector<float>, 3> embeddings;
    for (std::vector<float> &table : embeddings) {
        table.resize(std::size_t(rows) * std::size_t(dim));
        const qint64 wanted = qint64(table.size() * sizeof(float));
        if (in.readRawData(reinterpret_cast<char *>(table.data()), wanted) != wanted)
            return broken(QStringLiteral("truncated embeddings"));
    }
    m_key = key;
    m_dim = dim;
    m_entries = std::move(entries);
    m_embeddings = std::move(embeddings);
    indexGalleries();
    return true;
}

QString retrievalIndexKey(const QString &modelPath, const QString &manifestPath, const QString &columnMap, QString *error)
{
    QFile model(modelPath);
    if (!model.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(QDir::toNativeSeparators(modelPath), model.errorString());
        return {};
    }
    QCryptographicHash hash(QCryptographicHash::Sha1);
    if (!hash.addData(&model)) {
        *error = QStringLiteral("cannot read %1").arg(QDir::toNativeSeparators(modelPath));
        return {};
    }
    const QFileInfo manifest(manifestPath);
    hash.addData(QStringLiteral("|%1|%2|%3|%4").arg(manifest.absoluteFilePath()).arg(manifest.size())
                     .arg(manifest.lastModified().toMSecsSinceEpoch()).arg(columnMap).toUtf8());
    return QString::fromLatin1(hash.result().toHex());
}

QString retrievalIndexPath(const QString &manifestPath, const QString &key)
{
    const QString root = QFileInfo(manifestPath).absolutePath();
    const QString inDataset = QDir(root).filePath(QStringLiteral(".fusionscope-cache/retrieval"));
    const QString name = key.left(24) + QStringLiteral(".fsri");
    if (QDir().mkpath(inDataset) && QFileInfo(inDataset).isWritable())
        return QDir(inDataset).filePath(name);
    return QDir(QStandardPaths::writableLocation(QStandardPaths::CacheLocation)).filePath(QStringLiteral("retrieval/") + name);
}
