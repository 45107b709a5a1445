#include "ui/inspect/split/splitexplainworker.h"

#include "core/data/datasetreading.h"
#include "core/explain/explainer.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QFileInfo>
#include <exception>
#include <mutex>

namespace {

constexpr qint64 kProgressIntervalMs = 50; // ≤ 20 Hz

/** The split's sample indices in `dataset`, or every index. */
std::vector<int> splitIndices(const Dataset &dataset, const std::optional<Split> &split)
{
    if (split)
        return dataset.indices(*split);
    std::vector<int> all(std::size_t(dataset.size()));
    for (int i = 0; i < dataset.size(); ++i)
        all[std::size_t(i)] = i;
    return all;
}

/** Rewrites indices of `from` into indices of `to` by sample id; samples `to` lacks are dropped. */
void remapIndices(SplitExplanation *result, const Dataset &from, const Dataset &to)
{
    const auto map = [&](int index) { return index >= 0 && index < from.size() ? to.indexOf(from.record(index).id) : -1; };
    std::vector<SplitPrediction> predictions;
    for (SplitPrediction prediction : result->predictions) {
        prediction.index = map(prediction.index);
        if (prediction.index >= 0)
            predictions.push_back(prediction);
    }
    result->predictions = std::move(predictions);
    std::vector<DisagreementCase> cases;
    for (DisagreementCase item : result->disagreements) {
        item.index = map(item.index);
        if (item.index >= 0)
            cases.push_back(std::move(item));
    }
    result->disagreements = std::move(cases);
}

} // namespace

SplitExplainWorker::SplitExplainWorker(QObject *parent) : QObject(parent) {}

SplitExplainWorker::~SplitExplainWorker() = default;

bool SplitExplainWorker::prepare(int generation, const SplitRequest &request, const CancelFlag &cancel, QString *error)
{
    const QFileInfo info(request.modelPath);
    if (!info.isFile()) {
        *error = tr("Cannot open %1: no such file.").arg(request.modelPath);
        return false;
    }
    // A retrained model written to the same path must not be served from the old one.
    if (!m_explainer || m_modelPath != request.modelPath || m_modelModified != info.lastModified()) {
        m_explainer.reset();
        m_attached.reset();
        m_requested.reset();
        m_explainer = Explainer::open(request.modelPath, error);
        if (!m_explainer)
            return false;
        m_modelPath = request.modelPath;
        m_modelModified = info.lastModified();
    }
    if (m_requested == request.dataset && m_attached)
        return true;

    m_requested.reset();
    m_attached.reset();
    // The GUI's copy was read with default options; the model may need its own preprocessing
    // and tokenizer. Reuse the GUI's copy when they already agree, else read it again.
    // Dataset::load may report from its decoding threads: guard the throttle clock.
    std::mutex clockMutex;
    QElapsedTimer clock;
    clock.start();
    qint64 lastEmitMs = -kProgressIntervalMs;
    const ProgressCallback progress = [&, generation](const Progress &report) {
        {
            std::lock_guard<std::mutex> lock(clockMutex);
            const qint64 now = clock.elapsed();
            if (now - lastEmitMs < kProgressIntervalMs)
                return;
            lastEmitMs = now;
        }
        Progress reading = report;
        reading.stage = QStringLiteral("reading");
        Q_EMIT progressChanged(generation, reading);
    };
    QString readError;
    const std::shared_ptr<const Dataset> data = datasetReadAs(request.dataset, m_explainer->datasetOptions(), &readError, progress, &cancel);
    if (!data) {
        if (!readError.isEmpty())
            *error = tr("Cannot read %1 for this model: %2").arg(request.dataset->manifest().path, readError);
        return false; // else cancelled
    }
    const QString attachError = m_explainer->attach(data);
    if (!attachError.isEmpty()) {
        *error = attachError;
        return false;
    }
    m_requested = request.dataset;
    m_attached = data;
    return true;
}

void SplitExplainWorker::run(int generation, const SplitRequest &request, std::shared_ptr<CancelFlag> cancel)
{
    const QString failedOn = tr("Analysing the split with %1 failed.").arg(QFileInfo(request.modelPath).fileName());
    try {
        if (cancel->load()) {
            Q_EMIT analysisCancelled(generation);
            return;
        }
        if (!request.dataset || request.dataset->size() == 0) {
            Q_EMIT analysisFailed(generation, tr("Open a dataset before analysing a split."), {});
            return;
        }
        QString error;
        if (!prepare(generation, request, *cancel, &error)) {
            if (cancel->load())
                Q_EMIT analysisCancelled(generation);
            else
                Q_EMIT analysisFailed(generation, failedOn, error);
            return;
        }
        const std::vector<int> indices = splitIndices(*m_attached, request.split);
        if (indices.empty()) {
            Q_EMIT analysisFailed(generation,
                                  tr("The %1 split has no usable samples.")
                                      .arg(request.split ? splitName(*request.split) : tr("whole")),
                                  {});
            return;
        }

        QElapsedTimer clock;
        clock.start();
        qint64 lastEmitMs = -kProgressIntervalMs;
        const ProgressCallback progress = [&, generation](const Progress &report) {
            const qint64 now = clock.elapsed();
            if (now - lastEmitMs < kProgressIntervalMs && report.done < report.total)
                return;
            lastEmitMs = now;
            Q_EMIT progressChanged(generation, report);
        };
        auto result = std::make_shared<SplitExplanation>(
            m_explainer->explainSplit(indices, request.options, progress, cancel.get()));
        if (cancel->load()) {
            Q_EMIT analysisCancelled(generation);
            return;
        }
        if (!result->error.isEmpty()) {
            Q_EMIT analysisFailed(generation, failedOn, result->error);
            return;
        }
        if (m_attached != request.dataset)
            remapIndices(result.get(), *m_attached, *request.dataset);
        Q_EMIT analysisFinished(generation, result);
    } catch (const std::exception &exception) {
        Q_EMIT analysisFailed(generation, failedOn, QString::fromUtf8(exception.what()));
    } catch (...) {
        Q_EMIT analysisFailed(generation, failedOn, tr("Unknown error."));
    }
}
