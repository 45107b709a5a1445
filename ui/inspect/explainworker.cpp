#include "ui/inspect/explainworker.h"

#include "core/data/datasetreading.h"
#include "core/explain/explainer.h"

#include <QtCore/QDateTime>
#include <QtCore/QFileInfo>
#include <QtCore/QHash>
#include <QtGui/QImageReader>

#include <algorithm>
#include <exception>
#include <mutex>

namespace {

constexpr qint64 kProgressIntervalMs = 50; // ≤ 20 Hz
// A chunk is what a sample request may wait behind: ~32 samples × 8 subset passes stays well under a second.
constexpr int kChunkSize = 32;
constexpr int kMaxImageSide = 512;

/** The sample's original picture for drawing (the token rectangles are in its pixels). */
QImage loadSampleImage(const Dataset &dataset, int index)
{
    if (index < 0 || index >= dataset.size() || !dataset.presence(index)[int(Modality::Image)])
        return {};
    QImageReader reader(dataset.record(index).imagePath);
    reader.setAutoTransform(false); // the token grid follows the stored pixels, as OpenCV reads them
    const QSize size = reader.size();
    if (size.isValid() && std::max(size.width(), size.height()) > kMaxImageSide)
        reader.setScaledSize(size.scaled(kMaxImageSide, kMaxImageSide, Qt::KeepAspectRatio));
    QImage image = reader.read();
    if (!image.isNull())
        return image.convertToFormat(QImage::Format_RGB32);
    // Qt lacks a decoder OpenCV has (or the file changed): draw the model's own S×S copy.
    const std::uint8_t *chw = dataset.image(index);
    const int side = dataset.preprocess().imageSize;
    if (!chw || side <= 0)
        return {};
    const std::size_t plane = std::size_t(side) * std::size_t(side);
    image = QImage(side, side, QImage::Format_RGB32);
    for (int y = 0; y < side; ++y) {
        auto *line = reinterpret_cast<QRgb *>(image.scanLine(y));
        for (int x = 0; x < side; ++x) {
            const std::size_t at = std::size_t(y) * std::size_t(side) + std::size_t(x);
            line[x] = qRgb(chw[at], chw[plane + at], chw[2 * plane + at]);
        }
    }
    return image;
}

} // namespace

struct ExplainWorker::Pass
{
    int id = 0;
    std::vector<int> indices;
    std::size_t next = 0;
    std::shared_ptr<CancelFlag> cancel;
};

ExplainWorker::ExplainWorker(std::shared_ptr<std::atomic_int> latestSample, QObject *parent)
    : QObject(parent), m_latestSample(std::move(latestSample))
{
}

ExplainWorker::~ExplainWorker() = default;

ExplainModelInfo ExplainWorker::modelInfo() const
{
    ExplainModelInfo info;
    if (!m_explainer)
        return info;
    info.path = m_explainer->modelPath();
    info.fusion = m_explainer->fusionName();
    info.hasMeta = m_explainer->hasMeta();
    info.classNames = m_explainer->hasMeta() && m_explainer->meta().hasLabels() ? m_explainer->meta().labels
                                                                                 : m_explainer->classNames();
    QStringList parts;
    parts << (info.fusion == QLatin1String("external") ? tr("external model") : tr("%1 fusion").arg(info.fusion));
    const TaskKind task = m_explainer->task();
    const TaskSpec &spec = m_explainer->meta().task;
    info.predicts = !info.hasMeta || spec.hasTaskOutputs(); // no meta: an external model, logits assumed
    if (!info.predicts)
        parts << tr("%1: learnt without labels, explained through its %2 embedding")
                     .arg(objectiveName(spec.objective), spec.isAligned() ? tr("joint") : tr("fused"));
    else if (task == TaskKind::Regress)
        parts << tr("regression of %1").arg(m_explainer->classNames().join(QStringLiteral(", ")));
    else if (task == TaskKind::Multilabel)
        parts << tr("%n tag(s)", nullptr, int(m_explainer->classNames().size()));
    else if (!info.classNames.isEmpty())
        parts << tr("%n class(es)", nullptr, int(info.classNames.size()));
    if (!m_explainer->hasTokenizer())
        parts << tr("no tokenizer in the file: one is trained on the dataset, as a new run would");
    if (info.hasMeta) {
        const QJsonObject metrics = m_explainer->meta().metrics;
        if (metrics.contains(QLatin1String("test_accuracy")))
            parts << tr("recorded test accuracy %1 %").arg(metrics.value(QLatin1String("test_accuracy")).toDouble() * 100.0, 0, 'f', 1);
        else if (metrics.value(QLatin1String("test_r2")).isDouble())
            parts << tr("recorded test mean R² %1").arg(metrics.value(QLatin1String("test_r2")).toDouble(), 0, 'f', 3);
        else if (metrics.value(QLatin1String("test_map")).isDouble())
            parts << tr("recorded test mAP %1").arg(metrics.value(QLatin1String("test_map")).toDouble(), 0, 'f', 3);
    }
    info.summary = parts.join(QStringLiteral(" · "));
    return info;
}

void ExplainWorker::report(const Progress &progress, bool force)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (!force && now - m_lastReportMs < kProgressIntervalMs)
        return;
    m_lastReportMs = now;
    Q_EMIT progressChanged(progress);
}

void ExplainWorker::openModel(int generation, const QString &path, std::shared_ptr<CancelFlag> cancel)
{
    const QString name = QFileInfo(path).fileName();
    try {
        QString error;
        std::unique_ptr<Explainer> explainer = Explainer::open(path, &error);
        if (!explainer) {
            Q_EMIT failed(generation, tr("Inspect cannot open the model file %1.").arg(name),
                          error.isEmpty() ? path : error);
            return;
        }
        m_pass.reset();
        m_dataset.reset();
        m_explainer = std::move(explainer);
        Q_EMIT modelOpened(generation, modelInfo());
        prepare(generation, cancel);
    } catch (const std::exception &error) {
        Q_EMIT failed(generation, tr("Inspect cannot open the model file %1.").arg(name), QString::fromUtf8(error.what()));
    }
}

void ExplainWorker::setDataset(int generation, std::shared_ptr<const Dataset> dataset, std::shared_ptr<CancelFlag> cancel)
{
    m_pass.reset();
    m_dataset.reset();
    m_source = std::move(dataset);
    try {
        prepare(generation, cancel);
    } catch (const std::exception &error) {
        Q_EMIT failed(generation, tr("Preparing the dataset for the model failed."), QString::fromUtf8(error.what()));
    }
}

void ExplainWorker::prepare(int generation, const std::shared_ptr<CancelFlag> &cancel)
{
    if (!m_explainer || !m_source)
        return;
    const QString modelName = QFileInfo(m_explainer->modelPath()).fileName();
    // The model reads text with its own tokenizer and normalises with its training statistics;
    // the GUI's copy of the data was prepared for training a new model.
    std::mutex clockMutex; // Dataset::load may report from its decoding threads
    qint64 last = 0;
    const ProgressCallback progress = [&](const Progress &p) {
        std::lock_guard<std::mutex> lock(clockMutex);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        if (now - last < kProgressIntervalMs)
            return;
        last = now;
        Q_EMIT progressChanged(Progress{tr("reading the data as %1 expects").arg(modelName), p.done, p.total, p.detail});
    };
    QString readError;
    std::shared_ptr<const Dataset> data = datasetReadAs(m_source, m_explainer->datasetOptions(), &readError, progress, cancel.get());
    if (!data) {
        if (!readError.isEmpty())
            Q_EMIT failed(generation, tr("Cannot read %1 for %2.").arg(QFileInfo(m_source->root()).fileName(), modelName), readError);
        return; // else superseded by a newer dataset or model
    }
    const QString error = m_explainer->attach(data);
    if (!error.isEmpty()) {
        Q_EMIT failed(generation, tr("%1 cannot explain %2.").arg(modelName, QFileInfo(m_source->root()).fileName()), error);
        return;
    }
    m_dataset = data;
    Q_EMIT ready(generation, modelInfo(), m_dataset);
}

void ExplainWorker::explain(int request, int index)
{
    if (request != m_latestSample->load())
        return; // a newer request is queued behind this one
    ExplainedSample result;
    try {
        if (!m_explainer || !m_dataset) {
            result.explanation.index = index;
            result.explanation.error = tr("No model is attached to this dataset.");
        } else {
            result.explanation = m_explainer->explainSample(index, /*gradInput=*/true);
            if (result.explanation.error.isEmpty())
                result.image = loadSampleImage(*m_dataset, index);
        }
    } catch (const std::exception &error) {
        result.explanation.index = index;
        result.explanation.error = QString::fromUtf8(error.what());
    }
    Q_EMIT sampleExplained(request, result);
}

void ExplainWorker::predict(int pass, std::vector<int> indices, std::shared_ptr<CancelFlag> cancel)
{
    m_pass = std::make_unique<Pass>();
    m_pass->id = pass;
    m_pass->indices = std::move(indices);
    m_pass->cancel = std::move(cancel);
    report(Progress{tr("predicting"), 0, qint64(m_pass->indices.size()), {}}, /*force=*/true);
    predictChunk(pass);
}

void ExplainWorker::predictChunk(int pass)
{
    if (!m_pass || m_pass->id != pass)
        return; // a newer pass replaced this one; its own chain carries on
    const int id = m_pass->id;
    if (m_pass->cancel->load()) {
        m_pass.reset();
        Q_EMIT predictionsFinished(id, tr("cancelled"));
        return;
    }
    if (!m_explainer || !m_dataset) {
        m_pass.reset();
        Q_EMIT predictionsFinished(id, tr("No model is attached to this dataset."));
        return;
    }
    const std::size_t begin = m_pass->next;
    const std::size_t end = std::min(m_pass->indices.size(), begin + std::size_t(kChunkSize));
    const std::vector<int> chunk(m_pass->indices.begin() + std::ptrdiff_t(begin), m_pass->indices.begin() + std::ptrdiff_t(end));
    QVector<SampleOutcome> outcomes;
    if (!chunk.empty()) {
        SplitOptions options;
        options.batchSize = kChunkSize;
        options.disagreements = int(chunk.size()); // every sample, not only the most disagreeing
        options.pointing = false;
        options.robustness = false;
        SplitExplanation split;
        try {
            split = m_explainer->explainSplit(chunk, options, {}, m_pass->cancel.get());
        } catch (const std::exception &error) {
            split.error = QString::fromUtf8(error.what());
        }
        if (!split.error.isEmpty()) {
            m_pass.reset();
            Q_EMIT predictionsFinished(id, split.error);
            return;
        }
        for (const DisagreementCase &item : split.disagreements) {
            SampleOutcome outcome;
            outcome.index = item.index;
            outcome.predicted = item.predicted;
            outcome.unimodal = item.unimodal;
            outcome.disagreement = item.score;
            outcome.signConflict = item.signConflict;
            outcome.verdict = item.verdict;
            outcomes << outcome;
        }
    }
    m_pass->next = end;
    const qint64 total = qint64(m_pass->indices.size());
    report(Progress{tr("predicting"), qint64(end), total, {}}, /*force=*/end >= m_pass->indices.size());
    Q_EMIT predictionsArrived(id, outcomes);
    if (end >= m_pass->indices.size()) {
        m_pass.reset();
        Q_EMIT predictionsFinished(id, {});
        return;
    }
    // Yield to the event loop: a sample request queued meanwhile runs before the next chunk.
    QMetaObject::invokeMethod(this, [this, id] { predictChunk(id); }, Qt::QueuedConnection);
}

void ExplainWorker::exportOverlays(int job, std::vector<int> indices, const QString &folder, std::shared_ptr<CancelFlag> cancel)
{
    if (m_export) {
        OverlayExportResult replaced = m_export->result();
        replaced.cancelled = true;
        Q_EMIT overlayExportFinished(m_export->id(), replaced);
    }
    m_export = std::make_unique<OverlayExportJob>(job, std::move(indices), folder, std::move(cancel), m_dataset);
    m_lastExportReportMs = 0;
    Q_EMIT overlayExportProgress(job, 0, m_export->total(), {});
    exportStep(job);
}

void ExplainWorker::exportStep(int job)
{
    if (!m_export || m_export->id() != job)
        return; // replaced; the newer job has its own chain
    bool more = false;
    try {
        more = m_export->step(m_explainer.get(), m_dataset);
    } catch (const std::exception &error) {
        // step() catches the explainer's errors; this is a last guard (e.g. out of memory).
        OverlayExportResult result = m_export->result();
        result.error = tr("Exporting overlays to %1 failed.").arg(result.folder);
        result.details = QString::fromUtf8(error.what());
        m_export.reset();
        Q_EMIT overlayExportFinished(job, result);
        return;
    }
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (!more || now - m_lastExportReportMs >= kProgressIntervalMs) {
        m_lastExportReportMs = now;
        Q_EMIT overlayExportProgress(job, m_export->done(), m_export->total(), m_export->lastSampleId());
    }
    if (!more) {
        const OverlayExportResult result = m_export->result();
        m_export.reset();
        Q_EMIT overlayExportFinished(job, result);
        return;
    }
    // One sample per event: a sample the user clicks meanwhile is explained before the next one.
    QMetaObject::invokeMethod(this, [this, job] { exportStep(job); }, Qt::QueuedConnection);
}
