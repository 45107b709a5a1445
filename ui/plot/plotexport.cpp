#include "ui/plot/plotexport.h"

#include "ui/plot/qcustomplot_include.h"

#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QSaveFile>
#include <QtGui/QClipboard>
#include <QtGui/QGuiApplication>
#include <QtGui/QImageWriter>
#include <QtGui/QPageLayout>
#include <QtGui/QPageSize>
#include <QtGui/QPdfWriter>
#include <QtSvg/QSvgGenerator>

namespace plotexport {

namespace {

QSize exportSize(QCustomPlot *plot, QSize size)
{
    if (size.isEmpty())
        size = plot->size();
    return size.expandedTo(QSize(1, 1));
}

/** The resolution fonts were laid out for on screen, so text keeps its size relative to the axes. */
int screenDpi(QCustomPlot *plot)
{
    const int dpi = plot->logicalDpiX();
    return dpi > 0 ? dpi : 96;
}

/** Vector output (PDF, SVG): the plot drawn in widget pixels onto a device of the same extent. */
bool paintVector(QCustomPlot *plot, QPaintDevice *device, QSize size)
{
    QCPPainter painter;
    if (!painter.begin(device))
        return false;
    painter.setMode(QCPPainter::pmVectorized);
    painter.setMode(QCPPainter::pmNoCaching);
    painter.setWindow(0, 0, size.width(), size.height());
    plot->toPainter(&painter, size.width(), size.height());
    return painter.end();
}

bool writePng(QCustomPlot *plot, QSaveFile *file, QSize size, QString *reason)
{
    const QImage image = renderImage(plot, size);
    if (image.isNull()) {
        *reason = QObject::tr("the plot could not be rendered");
        return false;
    }
    QImageWriter writer(file, "png");
    if (!writer.write(image)) {
        *reason = writer.errorString();
        return false;
    }
    return true;
}

bool writePdf(QCustomPlot *plot, QSaveFile *file, QSize size, QString *reason)
{
    QPdfWriter writer(file);
    writer.setCreator(QStringLiteral("FusionScope"));
    writer.setTitle(plot->objectName());
    writer.setResolution(screenDpi(plot));
    // One page exactly the plot's size: 1 widget pixel = 1 pt, no margins.
    QPageLayout layout(QPageSize(QSizeF(size), QPageSize::Point, QString(), QPageSize::ExactMatch),
                       QPageLayout::Portrait, QMarginsF(0, 0, 0, 0));
    layout.setMode(QPageLayout::FullPageMode);
    if (!writer.setPageLayout(layout)) {
        *reason = QObject::tr("the page size %1×%2 is not possible").arg(size.width()).arg(size.height());
        return false;
    }
    if (!paintVector(plot, &writer, size)) {
        *reason = QObject::tr("the PDF could not be drawn");
        return false;
    }
    return true;
}

bool writeSvg(QCustomPlot *plot, QSaveFile *file, QSize size, QString *reason)
{
    QSvgGenerator generator;
    generator.setOutputDevice(file);
    generator.setSize(size);
    generator.setViewBox(QRect(QPoint(0, 0), size));
    generator.setResolution(screenDpi(plot));
    generator.setTitle(plot->objectName());
    generator.setDescription(QStringLiteral("FusionScope plot"));
    if (!paintVector(plot, &generator, size)) {
        *reason = QObject::tr("the SVG could not be drawn");
        return false;
    }
    return true;
}

} // namespace

Format formatForPath(const QString &path)
{
    const QString ext = QFileInfo(path).suffix().toLower();
    if (ext == QLatin1String("png"))
        return Format::Png;
    if (ext == QLatin1String("pdf"))
        return Format::Pdf;
    if (ext == QLatin1String("svg"))
        return Format::Svg;
    return Format::Unknown;
}

QString suffix(Format format)
{
    switch (format) {
    case Format::Png: return QStringLiteral("png");
    case Format::Pdf: return QStringLiteral("pdf");
    case Format::Svg: return QStringLiteral("svg");
    case Format::Unknown: break;
    }
    return {};
}

QString dialogFilter(Format format)
{
    switch (format) {
    case Format::Png: return QObject::tr("PNG image (*.png)");
    case Format::Pdf: return QObject::tr("PDF document (*.pdf)");
    case Format::Svg: return QObject::tr("SVG drawing (*.svg)");
    case Format::Unknown: break;
    }
    return {};
}

QImage renderImage(QCustomPlot *plot, QSize size, double scale)
{
    size = exportSize(plot, size);
    return plot->toPixmap(size.width(), size.height(), scale).toImage();
}

bool exportPlot(QCustomPlot *plot, const QString &path, QString *error, QSize size)
{
    const auto fail = [&](const QString &reason) {
        if (error)
            *error = QObject::tr("Cannot save the plot to %1: %2.").arg(QDir::toNativeSeparators(path), reason);
        return false;
    };
    const Format format = formatForPath(path);
    if (format == Format::Unknown)
        return fail(QObject::tr("unknown format '%1' (use .png, .pdf or .svg)").arg(QFileInfo(path).suffix()));
    if (!plot)
        return fail(QObject::tr("there is no plot"));
    size = exportSize(plot, size);

    // QSaveFile writes beside the target and renames on commit(): a failed or cancelled export
    // leaves an existing file untouched and never a half-written one.
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(file.errorString());
    QString reason;
    bool written = false;
    switch (format) {
    case Format::Png: written = writePng(plot, &file, size, &reason); break;
    case Format::Pdf: written = writePdf(plot, &file, size, &reason); break;
    case Format::Svg: written = writeSvg(plot, &file, size, &reason); break;
    case Format::Unknown: break;
    }
    if (!written) {
        file.cancelWriting();
        return fail(reason);
    }
    if (!file.commit())
        return fail(file.errorString());
    return true;
}

void copyToClipboard(QCustomPlot *plot)
{
    if (QClipboard *clipboard = QGuiApplication::clipboard())
        clipboard->setImage(renderImage(plot));
}

} // namespace plotexport
