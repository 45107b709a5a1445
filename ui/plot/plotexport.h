#pragma once

#include <QtCore/QSize>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtGui/QImage>

class QCustomPlot;

/**
 * Saving a plot as PNG, PDF or SVG, and rendering it to an image, without any menu or
 * dialog (ThemedPlot's context menu calls these). GUI thread: plots are widgets.
 */
namespace plotexport {

enum class Format { Png, Pdf, Svg, Unknown };

/** The format a file name asks for by its suffix (case-insensitive); Unknown otherwise. */
Format formatForPath(const QString &path);
/** The suffix (no dot) written for a format: "png", "pdf", "svg". */
QString suffix(Format format);
/** A file-dialog filter for one format, e.g. "PNG image (*.png)". */
QString dialogFilter(Format format);

/**
 * Renders the plot at `size` (its current size when empty) as it looks on screen, with its
 * palette colours. `scale` multiplies the pixel count, for sharper images.
 */
QImage renderImage(QCustomPlot *plot, QSize size = {}, double scale = 1.0);

/**
 * Writes the plot to `path` in the format its suffix names, at `size` (its current size when
 * empty). The file appears complete or not at all: it is written to a temp file beside the
 * target and renamed. False with a sentence naming the file and the reason in *error.
 */
bool exportPlot(QCustomPlot *plot, const QString &path, QString *error, QSize size = {});

/** Puts the rendered plot on the clipboard as an image. */
void copyToClipboard(QCustomPlot *plot);

} // namespace plotexport
