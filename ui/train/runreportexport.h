#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QString>

struct RunReportData;

/**
 * Exports a run folder for people who do not run FusionScope: a self-contained HTML report
 * (configuration, test scores, per-class table, confusion matrix, modality-subset accuracy,
 * loss and accuracy plots inlined as PNG) and metrics.jsonl as CSV. GUI thread: the plots
 * are rendered with QCustomPlot widgets (offscreen works).
 */
namespace runreportexport {

/** The HTML document for a loaded run. */
QString html(const RunReportData &run);
/** metrics.jsonl as CSV: a header, then one row per record (step and epoch rows, `type` says which). */
QByteArray metricsCsv(const RunReportData &run);

/**
 * Reads `runDir` and writes the HTML report to `path` through a temp file and a rename.
 * False with a sentence naming the file and the reason in *error; no partial file is left.
 */
bool writeHtml(const QString &runDir, const QString &path, QString *error);
/** As writeHtml, for the metrics CSV. */
bool writeMetricsCsv(const QString &runDir, const QString &path, QString *error);

} // namespace runreportexport
