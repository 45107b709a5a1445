#pragma once

#include "ui/plot/qcustomplot_include.h"

/**
 * A QCustomPlot that takes its colours from the widget palette and restyles itself when
 * the palette changes (light/dark switch), so no plot hard-codes chrome colours. GUI thread.
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

protected:
    void changeEvent(QEvent *event) override;
    /** Re-applies palette colours; subclasses extend it for their own series. */
    virtual void applyTheme();

private:
    QCPItemText *m_note = nullptr;
};
