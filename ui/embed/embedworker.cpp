#include "ui/embed/embedworker.h"

#include "core/data/datasetreading.h"
#include "core/data/modality.h"
#include "core/data/split.h"
#include "core/eval/embeddingexplorer.h"
#include "core/eval/tsne.h"

#include <QtCore/QDateTime>
#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFileInfo>

#include <mutex>

namespace {

constexpr qint64 kProgressIntervalMs = 50;

std::vector<int> splitIndices(const Dataset &dataset, const QString &split)
{
    if (const std::optional<Split> named = splitFromName(split))
        return dataset.indices(*named);
    std::vector<int> all(std::size_t(dataset.size()));
    for (int i = 0; i < dataset.size(); ++i)
        all[std::size_t(i)] = i;
    return all;
}

} // namespace

EmbedWorker::EmbedWorker(QObject *parent) : QObject(parent) {}
EmbedWorker::~EmbedWorker() = default;

ProgressCallback EmbedWorker::throttled(const QString &stage)
{
    // Dataset::load reports from its decoding threads: the clock is shared, so guard it.
    auto mutex = std::make_shared<std::mutex>();
    return [this, stage, mutex](const Progress &progress) {
        {
            std::lock_guard<std::mutex> lock(*mutex);
            const qint64 now = QDateTime::currentMSecsSinceEpoch();
            if (now - m_lastReportMs < kProgressIntervalMs && progress.done < progress.total)
                return;
            m_lastReportMs = now;
        }
        Q_EMIT progressChanged(Progress{stage, progress.done, progress.total, progress.detail});
    };
}

void EmbedWorker::openModel(int generation, const QString &path, std::shared_ptr<CancelFlag> cancel)
{
    QString error;
    std::unique_ptr<EmbeddingExplorer> explorer = EmbeddingExplorer::open(path, &error);
    if (!explorer) {
        Q_EMIT failed(generation, tr("Cannot open %1.").arg(QFileInfo(path).fileName()), error);
        return;
    }
    m_explorer = std::move(explorer);
    m_attached = false;
    attach(generation, cancel);
}

void EmbedWorker::setDataset(int generation, std::shared_ptr<const Dataset> dataset, std::shared_ptr<CancelFlag> cancel)
{
    m_source = std::move(dataset);
    m_attached = false;
    attach(generation, cancel);
}

void EmbedWorker::attach(int generation, const std::shared_ptr<CancelFlag> &cancel)
{
    if (!m_explorer || !m_source)
        return;
    const QString modelName = QFileInfo(m_explorer->modelPath()).fileName();
    QString error;
    std::shared_ptr<const Dataset> data = datasetReadAs(m_source, m_explorer->datasetOptions(), &error,
                                                        throttled(tr("reading the data as %1 expects").arg(modelName)), cancel.get());
    if (!data) {
        if (!error.isEmpty())
            Q_EMIT failed(generation, tr("Cannot read %1 for %2.").arg(QFileInfo(m_source->root()).fileName(), modelName), error);
        return; // else superseded by a newer dataset or model
    }
    error = m_explorer->attach(data);
    if (!error.isEmpty()) {
        Q_EMIT failed(generation, tr("%1 cannot map %2.").arg(modelName, QFileInfo(m_source->root()).fileName()), error);
        return;
    }
    m_attached = true;
    Q_EMIT ready(generation,
                 EmbedModelInfo{m_explorer->modelPath(), m_explorer->taskSummary(), m_explorer->outputs(), m_explorer->classNames(),
                                m_explorer->canRetrieve(), m_explorer->hasTaskOutputs()},
                 data);
}

void EmbedWorker::computeMap(int job, const QString &split, const QString &output, std::shared_ptr<CancelFlag> cancel)
{
    if (!m_attached) {
        Q_EMIT mapFailed(job, tr("No model is attached to the dataset."));
        return;
    }
    QElapsedTimer clock;
    clock.start();
    const std::vector<int> indices = splitIndices(*m_explorer->dataset(), split);
    EmbeddingSet set;
    QString error;
    if (!m_explorer->embed(indices, output, &set, &error, throttled(tr("embedding")), cancel.get())) {
        Q_EMIT mapFailed(job, cancel->load() ? QString() : error);
        return;
    }
    if (set.table.rows() < 4) {
        Q_EMIT mapFailed(job, tr("The %1 split has %2 sample(s) with this embedding; a map needs at least 4.").arg(split).arg(set.table.rows()));
        return;
    }
    const TsneLayout layout = tsneLayout(set.table.values.data(), set.table.rows(), set.table.dim, TsneOptions{}, &error,
                                         throttled(tr("laying out")), cancel.get());
    if (layout.xy.empty()) {
        Q_EMIT mapFailed(job, cancel->load() ? QString() : error);
        return;
    }
    EmbeddingMap map;
    map.output = output;
    map.split = split;
    map.indices = set.table.indices;
    map.xy = layout.xy;
    map.predicted = std::move(set.predicted);
    map.dim = set.table.dim;
    map.klDivergence = layout.klDivergence;
    map.perplexity = layout.perplexity;
    map.seconds = double(clock.elapsed()) / 1000.0;
    Q_EMIT mapReady(job, map);
}

void EmbedWorker::retrieve(int request, const RetrievalQuery &query, std::shared_ptr<CancelFlag> cancel)
{
    Q_EMIT answered(request, answer(query, *cancel));
}

RetrievalAnswer EmbedWorker::answer(const RetrievalQuery &query, const CancelFlag &cancel)
{
    RetrievalAnswer result;
    result.queryModality = query.modality;
    if (!m_attached) {
        result.error = tr("No model is attached to the dataset.");
        return result;
    }
    if (m_explorer->retrievalIndex().size() == 0) {
        bool cached = false;
        QString warning;
        if (!m_explorer->prepareRetrieval({}, &cached, &warning, &result.error, throttled(tr("building the retrieval index")), &cancel))
            return result;
    }
    QElapsedTimer clock;
    clock.start();
    const RetrievalIndex &index = m_explorer->retrievalIndex();
    const Dataset &dataset = *m_explorer->dataset();
    std::vector<float> vector;
    if (query.kind == RetrievalQuery::Kind::Sample) {
        if (query.datasetIndex < 0 || query.datasetIndex >= dataset.size()) {
            result.error = tr("No such sample.");
            return result;
        }
        const QString id = dataset.record(query.datasetIndex).id;
        const int row = index.rowOf(id);
        if (row < 0 || !index.entry(row).present[std::size_t(query.modality)]) {
            result.error = tr("Sample %1 has no %2.").arg(id, modalityName(Modality(query.modality)));
            return result;
        }
        const float *embedding = index.embedding(row, query.modality);
        vector.assign(embedding, embedding + index.dim());
        result.query = tr("sample %1 (%2)").arg(id, modalityName(Modality(query.modality)));
    } else {
        if (!m_explorer->embedQuery(query.modality, query.value, &vector, &result.error))
            return result;
        result.query = query.kind == RetrievalQuery::Kind::Text ? tr("text \"%1\"").arg(query.value)
                                                                : QDir::toNativeSeparators(QFileInfo(query.value).fileName());
    }
    const QString root = dataset.root();
    for (int target = 0; target < 3; ++target) {
        if (target == query.modality)
            continue;
        for (const RetrievalIndex::Hit &hit : index.search(vector.data(), target, query.k)) {
            const RetrievalIndex::Entry &entry = index.entry(hit.row);
            RetrievalHit shown{m_explorer->datasetIndexOfRow(hit.row), hit.score, entry.id, entry.label, entry.text, {}, {}};
            if (!entry.imagePath.isEmpty())
                shown.imagePath = QDir(root).absoluteFilePath(entry.imagePath);
            if (!entry.audioPath.isEmpty())
                shown.audioPath = QDir(root).absoluteFilePath(entry.audioPath);
            result.hits[std::size_t(target)].push_back(shown);
        }
    }
    result.milliseconds = double(clock.nsecsElapsed()) / 1e6;
    return result;
}
