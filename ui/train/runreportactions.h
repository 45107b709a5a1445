#pragma once

#include <QtCore/QString>

class QMenu;
class QWidget;

/**
 * The interactive side of run export, for any view that lists runs (run history, Inspect):
 * a non-modal save dialog, then runreportexport writes the file; success goes to the
 * window's status bar, failure to its error banner. GUI thread.
 */
namespace runreportactions {

/** Asks where to save the HTML report of `runDir`, then writes it. */
void exportHtml(QWidget *parent, const QString &runDir);
/** Asks where to save `runDir`'s metrics as CSV, then writes them. */
void exportMetricsCsv(QWidget *parent, const QString &runDir);
/** Asks where to save a copy of the model file `modelPath`, then copies it atomically. */
void exportModel(QWidget *parent, const QString &modelPath);
/**
 * Adds "Export Model…" (enabled when runDir/model.pt exists), "Export Report (HTML)…" and
 * "Export Metrics (CSV)…" for `runDir` to a context menu.
 */
void addActions(QMenu *menu, QWidget *parent, const QString &runDir);

} // namespace runreportactions
