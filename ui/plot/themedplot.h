#pragma once

#include "ui/plot/plotexport.h"
#include "ui/plot/qcustomplot_include.h"

class QMenu;

/**
 * A QCustomPlot that takes its colours from the widget palette and restyles itself when
 * the palette changes (light/dark switch), so no plot hard-codes chrome colours. Its context
 * menu saves it as PNG/PDF/SVG or copies it as an image. GUI thread.
 */
class ThemedPlot : public QCustomPlot
{
    Q_OBJECT
public:
    explicit ThemedPlot(QWidget *parent = nullptr);

    /** The n-th data series colour: the palette's highlight, then hues spaced from it. */
    static QColor seriesColor(const QPalette &palette, int n);
    /** A perceptually ordered colour map (viridis) for intensity data. */
    static QCPColorGradient intensityGradient();

    /** Shows a centred note over an empty plot ("No audio"); empty text hides it. */
    void setNote(const QString &text);
    QString note() const;

    /** The right-click menu: subclass entries, then Save as PNG/PDF/SVG… and Copy image. Caller owns it. */
    QMenu *createContextMenu(QWidget *parent = nullptr);
    /** Asks for a file name in a non-modal dialog, then saves the plot in `format`. */
    void saveAsInteractively(plotexport::Format format);
    /** Saves without asking; on failure also shows the message in the window's error banner. */
    bool saveTo(const QString &path);

Q_SIGNALS:
    void exported(const QString &path);
    void exportFailed(const QString &message);

protected:
    void changeEvent(QEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;
    /** Re-applies palette colours; subclasses extend it for their own series. */
    virtual void applyTheme();
    /** Subclasses add their own entries; they appear above the export entries. */
    virtual void addContextMenuActions(QMenu *menu);

private:
    QCPItemText *m_note = nullptr;
};
