#include "ui/inspect/overlayexportjob.h"

#include "core/explain/explainer.h"
#include "core/explain/sampleexport.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>

#include <exception>

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("OverlayExportJob", text);
}

} // namespace

OverlayExportJob::OverlayExportJob(int id, std::vector<int> indices, const QString &folder, std::shared_ptr<CancelFlag> cancel,
                                   std::shared_ptr<const Dataset> dataset)
    : m_id(id), m_indices(std::move(indices)), m_cancel(std::move(cancel)), m_dataset(std::move(dataset))
{
    m_result.folder = folder;
    m_result.requested = int(m_indices.size());
}

bool OverlayExportJob::fail(const QString &error, const QString &details)
{
    m_result.error = error;
    m_result.details = details;
    return false;
}

bool OverlayExportJob::step(Explainer *explainer, const std::shared_ptr<const Dataset> &dataset)
{
    const QString folderName = QDir::toNativeSeparators(m_result.folder);
    if (m_cancel->load()) {
        m_result.cancelled = true;
        return false;
    }
    if (!explainer || !dataset || !m_dataset)
        return fail(tr("Cannot export overlays to %1: no model is attached to the dataset.").arg(folderName), {});
    if (dataset != m_dataset)
        return fail(tr("Exporting overlays to %1 stopped: the model or the dataset changed.").arg(folderName), {});
    if (!m_started) {
        m_started = true;
        // A file where the folder should be, or no permission: say so before explaining anything.
        if (!QDir().mkpath(m_result.folder) || !QFileInfo(m_result.folder).isDir())
            return fail(tr("Cannot create the folder %1 for the overlays.").arg(folderName),
                        tr("Choose a folder you can write to."));
    }
    if (m_next >= m_indices.size())
        return false;
    const int index = m_indices[m_next];
    SampleExplanation sample;
    try {
        sample = explainer->explainSample(index, /*gradInput=*/true);
    } catch (const std::exception &error) {
        sample.error = QString::fromUtf8(error.what());
    }
    m_lastSampleId = index < dataset->size() ? dataset->record(index).id : QString::number(index);
    if (!sample.error.isEmpty())
        return fail(tr("Cannot explain %1 for the overlays in %2.").arg(m_lastSampleId, folderName), sample.error);
    const SampleExport written = writeSampleExport(*dataset, sample, m_result.folder);
    if (!written.error.isEmpty()) {
        for (const QString &file : written.files)
            QFile::remove(file); // all of a sample's files or none
        return fail(tr("Cannot write the overlays of %1 to %2.").arg(m_lastSampleId, folderName), written.error);
    }
    if (m_result.warning.isEmpty())
        m_result.warning = written.overlayError;
    m_result.files << written.files;
    ++m_result.samples;
    ++m_next;
    return m_next < m_indices.size();
}
