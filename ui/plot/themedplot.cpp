#include "ui/plot/themedplot.h"

#include "ui/widgets/errorbanner.h"
#include "ui/widgets/notelabel.h"

#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QSettings>
#include <QtCore/QStandardPaths>
#include <QtGui/QContextMenuEvent>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QMainWindow>
#include <QtWidgets/QMenu>
#include <QtWidgets/QMessageBox>
#include <QtWidgets/QStatusBar>

namespace {

const char kExportDirKey[] = "export/plotDirectory";

} // namespace

ThemedPlot::ThemedPlot(QWidget *parent) : QCustomPlot(parent)
{
    setNoAntialiasingOnDrag(true);
    m_note = new QCPItemText(this);
    m_note->setPositionAlignment(Qt::AlignCenter);
    m_note->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_note->position->setCoords(0.5, 0.5);
    m_note->setClipToAxisRect(false);
    m_note->setVisible(false);
    ThemedPlot::applyTheme();
}

QColor ThemedPlot::seriesColor(const QPalette &palette, int n)
{
    const QColor base = palette.color(QPalette::Highlight);
    if (n == 0)
        return base;
    // Spread further series around the hue circle, keeping the palette's saturation and value
    // so they read on the same background as the highlight does.
    static const int kHueSteps[] = {0, 150, 40, 220, 290, 100};
    const int hue = (qMax(0, base.hsvHue()) + kHueSteps[n % 6]) % 360;
    return QColor::fromHsv(hue, qMax(120, base.hsvSaturation()), qMax(150, base.value()));
}

QCPColorGradient ThemedPlot::intensityGradient()
{
    // Data colours, not chrome: viridis reads in light and dark mode and in greyscale.
    QCPColorGradient gradient;
    gradient.clearColorStops();
    gradient.setColorStopAt(0.00, QColor(68, 1, 84));
    gradient.setColorStopAt(0.25, QColor(59, 82, 139));
    gradient.setColorStopAt(0.50, QColor(33, 145, 140));
    gradient.setColorStopAt(0.75, QColor(94, 201, 98));
    gradient.setColorStopAt(1.00, QColor(253, 231, 37));
    gradient.setColorInterpolation(QCPColorGradient::ciRGB);
    return gradient;
}

void ThemedPlot::setNote(const QString &text)
{
    m_note->setText(text);
    m_note->setVisible(!text.isEmpty());
}

QString ThemedPlot::note() const
{
    return m_note->visible() ? m_note->text() : QString();
}

QMenu *ThemedPlot::createContextMenu(QWidget *parent)
{
    auto *menu = new QMenu(parent);
    menu->setObjectName(QStringLiteral("plotContextMenu"));
    addContextMenuActions(menu);
    if (!menu->isEmpty())
        menu->addSeparator();
    const struct
    {
        plotexport::Format format;
        QString text;
        const char *name;
    } saves[] = {
        {plotexport::Format::Png, tr("Save as PNG…"), "savePngAction"},
        {plotexport::Format::Pdf, tr("Save as PDF…"), "savePdfAction"},
        {plotexport::Format::Svg, tr("Save as SVG…"), "saveSvgAction"},
    };
    for (const auto &save : saves) {
        QAction *action = menu->addAction(save.text);
        action->setObjectName(QLatin1String(save.name));
        const plotexport::Format format = save.format;
        connect(action, &QAction::triggered, this, [this, format] { saveAsInteractively(format); });
    }
    QAction *copy = menu->addAction(tr("Copy image"));
    copy->setObjectName(QStringLiteral("copyImageAction"));
    connect(copy, &QAction::triggered, this, [this] { plotexport::copyToClipboard(this); });
    return menu;
}

void ThemedPlot::saveAsInteractively(plotexport::Format format)
{
    const QString suffix = plotexport::suffix(format);
    QString dir = QSettings().value(QLatin1String(kExportDirKey)).toString();
    if (dir.isEmpty() || !QFileInfo(dir).isDir())
        dir = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
    const QString base = objectName().isEmpty() ? QStringLiteral("plot") : objectName();
    // open(), not exec(): the window keeps repainting (a run may be training) while the user picks a name.
    auto *dialog = new QFileDialog(this, tr("Save Plot"), QDir(dir).filePath(base + QLatin1Char('.') + suffix),
                                   plotexport::dialogFilter(format));
    dialog->setObjectName(QStringLiteral("plotExportDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setFileMode(QFileDialog::AnyFile);
    dialog->setDefaultSuffix(suffix);
    connect(dialog, &QFileDialog::fileSelected, this, [this, suffix](const QString &chosen) {
        QString path = chosen;
        if (plotexport::formatForPath(path) == plotexport::Format::Unknown)
            path += QLatin1Char('.') + suffix;
        QSettings().setValue(QLatin1String(kExportDirKey), QFileInfo(path).absolutePath());
        saveTo(path);
    });
    dialog->open();
}

bool ThemedPlot::saveTo(const QString &path)
{
    QString error;
    if (!plotexport::exportPlot(this, path, &error)) {
        Q_EMIT exportFailed(error);
        if (auto *banner = window()->findChild<ErrorBanner *>()) {
            banner->showError(error);
        } else {
            auto *box = new QMessageBox(QMessageBox::Warning, tr("Save Plot"), error, QMessageBox::Ok, this);
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open();
        }
        return false;
    }
    if (auto *mainWindow = qobject_cast<QMainWindow *>(window()))
        mainWindow->statusBar()->showMessage(tr("Saved the plot to %1").arg(QDir::toNativeSeparators(path)), 5000);
    Q_EMIT exported(path);
    return true;
}

void ThemedPlot::contextMenuEvent(QContextMenuEvent *event)
{
    QMenu *menu = createContextMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->popup(event->globalPos());
    event->accept();
}

void ThemedPlot::addContextMenuActions(QMenu *)
{
}

void ThemedPlot::changeEvent(QEvent *event)
{
    QCustomPlot::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange) {
        applyTheme();
        replot(QCustomPlot::rpQueuedReplot);
    }
}

void ThemedPlot::applyTheme()
{
    const QPalette p = palette();
    const QColor text = p.color(QPalette::Text);
    QColor grid = p.color(QPalette::Text);
    grid.setAlpha(40);
    setBackground(p.brush(QPalette::Base));
    for (QCPAxis *axis : axisRect()->axes()) {
        axis->setBasePen(QPen(text, 1));
        axis->setTickPen(QPen(text, 1));
        axis->setSubTickPen(QPen(text, 1));
        axis->setTickLabelColor(text);
        axis->setLabelColor(text);
        axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
        axis->grid()->setZeroLinePen(QPen(grid, 1));
        axis->setTickLabelFont(font());
        axis->setLabelFont(font());
    }
    legend->setBrush(p.brush(QPalette::Base));
    legend->setBorderPen(QPen(p.color(QPalette::Mid)));
    legend->setTextColor(text);
    legend->setFont(font());
    m_note->setColor(NoteLabel::mutedColor(p));
    m_note->setFont(font());
}
