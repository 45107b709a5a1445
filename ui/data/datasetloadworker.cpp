#include "ui/data/datasetloadworker.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QFileInfo>
#include <exception>
#include <mutex>

namespace {

constexpr qint64 kProgressIntervalMs = 50; // ≤ 20 Hz: the GUI only needs to look alive

} // namespace

void DatasetLoadWorker::load(int generation, const QString &path, TaskRequest task, std::shared_ptr<CancelFlag> cancel)
{
    try {
        const QFileInfo info(path);
        if (!info.exists()) {
            Q_EMIT loadFailed(generation, tr("Cannot open %1: no such file or folder.").arg(path), {});
            return;
        }
        if (findManifest(path).isEmpty()) {
            Q_EMIT loadFailed(generation,
                              tr("%1 holds no manifest.jsonl or manifest.csv.").arg(info.fileName()),
                              tr("A dataset is a folder with a manifest.jsonl (one JSON object per line) "
                                 "or a manifest.csv; you may also open the manifest file itself.\n\n%1")
                                  .arg(path));
            return;
        }

        auto manifest = std::make_shared<const Manifest>(readManifest(path, {}, task));
        Q_EMIT manifestRead(generation, manifest);
        if (cancel->load()) {
            Q_EMIT loadCancelled(generation);
            return;
        }

        // Dataset::load may report from its decoding threads: guard the throttle clock.
        std::mutex clockMutex;
        QElapsedTimer clock;
        clock.start();
        qint64 lastEmitMs = -kProgressIntervalMs;
        const ProgressCallback progress = [&](const Progress &report) {
            {
                std::lock_guard<std::mutex> lock(clockMutex);
                const qint64 now = clock.elapsed();
                const bool last = report.total > 0 && report.done >= report.total;
                if (!last && now - lastEmitMs < kProgressIntervalMs)
                    return;
                lastEmitMs = now;
            }
            Q_EMIT progressChanged(generation, report);
        };

        DatasetOptions options;
        options.task = task;
        std::shared_ptr<const Dataset> dataset = Dataset::load(path, options, progress, cancel.get());
        if (!dataset || cancel->load()) {
            Q_EMIT loadCancelled(generation);
            return;
        }
        if (!dataset->loadError().isEmpty()) {
            Q_EMIT loadFailed(generation, tr("Cannot load %1.").arg(info.fileName()), dataset->loadError());
            return;
        }
        Q_EMIT datasetLoaded(generation, dataset);
    } catch (const std::exception &error) {
        Q_EMIT loadFailed(generation, tr("Loading %1 failed.").arg(path), QString::fromUtf8(error.what()));
    } catch (...) {
        Q_EMIT loadFailed(generation, tr("Loading %1 failed.").arg(path), tr("Unknown error."));
    }
}
