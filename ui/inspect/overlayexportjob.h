#pragma once

#include "core/data/dataset.h"
#include "core/util/progress.h"

#include <QtCore/QMetaType>
#include <QtCore/QString>
#include <QtCore/QStringList>

#include <memory>
#include <vector>

class Explainer;

/** How an overlay export ended; made on the worker, read on the GUI thread. Plain values. */
struct OverlayExportResult
{
    QString folder;
    int samples = 0;       ///< samples whose files were all written
    int requested = 0;
    QStringList files;     ///< every file written, PNGs and JSON
    bool cancelled = false;
    QString error;         ///< one sentence naming the folder or file; empty on success
    QString details;
    QString warning;       ///< the first overlay that could not be drawn (its JSON was written)
};

/**
 * One "Export Overlays" request: explains its samples one at a time and writes each one's
 * files as `fusionscope explain` does (core's writeSampleExport). A sample's files are all
 * written or none are. Owned and stepped by ExplainWorker on its thread.
 */
class OverlayExportJob
{
public:
    OverlayExportJob(int id, std::vector<int> indices, const QString &folder, std::shared_ptr<CancelFlag> cancel,
                     std::shared_ptr<const Dataset> dataset);

    int id() const { return m_id; }
    /** Exports the next sample with `explainer` (attached to `dataset`); false once the job has ended. */
    bool step(Explainer *explainer, const std::shared_ptr<const Dataset> &dataset);
    qint64 done() const { return qint64(m_next); }
    qint64 total() const { return qint64(m_indices.size()); }
    QString lastSampleId() const { return m_lastSampleId; }
    const OverlayExportResult &result() const { return m_result; }

private:
    bool fail(const QString &error, const QString &details);

    int m_id;
    std::vector<int> m_indices;
    std::size_t m_next = 0;
    std::shared_ptr<CancelFlag> m_cancel;
    std::shared_ptr<const Dataset> m_dataset; ///< the data the indices refer to
    bool m_started = false;
    QString m_lastSampleId;
    OverlayExportResult m_result;
};

Q_DECLARE_METATYPE(OverlayExportResult)
