#include "ui/widgets/pixelimageview.h"

#include "ui/widgets/notelabel.h"

#include <QtGui/QPainter>
#include <cmath>

PixelImageView::PixelImageView(QWidget *parent) : QWidget(parent)
{
    setMinimumSize(96, 96);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
}

void PixelImageView::setImage(const QImage &image)
{
    m_image = image;
    m_placeholder.clear();
    update();
}

void PixelImageView::setPlaceholder(const QString &text)
{
    m_image = {};
    m_placeholder = text;
    update();
}

int PixelImageView::heightForWidth(int width) const
{
    if (m_image.isNull() || m_image.width() == 0)
        return qMin(width, 256);
    return qMin(int(std::lround(double(width) * m_image.height() / m_image.width())), 320);
}

void PixelImageView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    const QPalette p = palette();
    const QRect area = rect().adjusted(1, 1, -1, -1);
    if (m_image.isNull()) {
        painter.setPen(QPen(p.color(QPalette::Mid), 1, Qt::DashLine));
        painter.drawRect(area.adjusted(0, 0, -1, -1));
        painter.setPen(NoteLabel::mutedColor(p));
        painter.drawText(area, Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
        return;
    }
    const double fit = std::min(double(area.width()) / m_image.width(), double(area.height()) / m_image.height());
    // Whole-pixel enlargement keeps edges crisp; reduction needs filtering.
    const double scale = fit >= 1.0 ? std::floor(fit) : fit;
    const QSize shown(int(m_image.width() * scale), int(m_image.height() * scale));
    QRect target(QPoint(0, 0), shown);
    target.moveCenter(area.center());
    painter.setRenderHint(QPainter::SmoothPixmapTransform, scale < 1.0);
    painter.drawImage(target, m_image);
    painter.setPen(p.color(QPalette::Mid));
    painter.drawRect(target.adjusted(-1, -1, 0, 0));
}
