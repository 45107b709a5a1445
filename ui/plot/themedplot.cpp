#include "ui/plot/themedplot.h"

#include "ui/widgets/notelabel.h"

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
