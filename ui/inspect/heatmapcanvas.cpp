#include "ui/inspect/heatmapcanvas.h"

#include "ui/inspect/heatcolors.h"
#include "ui/widgets/notelabel.h"

#include <QtGui/QHelpEvent>
#include <QtGui/QPainter>
#include <QtWidgets/QToolTip>

#include <algorithm>
#include <cmath>

HeatmapCanvas::HeatmapCanvas(QWidget *parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setMouseTracking(true);
}

void HeatmapCanvas::setImage(const QImage &image, int originalWidth, int originalHeight)
{
    m_image = image;
    m_originalWidth = originalWidth > 0 ? originalWidth : image.width();
    m_originalHeight = originalHeight > 0 ? originalHeight : image.height();
    m_placeholder.clear();
    update();
}

void HeatmapCanvas::setHeat(const std::vector<float> &heat, int gridH, int gridW)
{
    const bool fits = gridH > 0 && gridW > 0 && heat.size() == std::size_t(gridH) * std::size_t(gridW);
    m_heat = fits ? heat : std::vector<float>();
    m_gridH = fits ? gridH : 0;
    m_gridW = fits ? gridW : 0;
    rebuildOverlay();
    update();
}

void HeatmapCanvas::setTargetBox(const PixelRect &box)
{
    m_box = box;
    update();
}

void HeatmapCanvas::setPlaceholder(const QString &text)
{
    m_image = {};
    m_heat.clear();
    m_overlay = {};
    m_box = {};
    m_placeholder = text;
    update();
}

void HeatmapCanvas::setOpacity(double opacity)
{
    m_opacity = std::clamp(opacity, 0.0, 1.0);
    rebuildOverlay();
    update();
}

int HeatmapCanvas::peakCell() const
{
    if (m_heat.empty())
        return -1;
    return int(std::max_element(m_heat.begin(), m_heat.end()) - m_heat.begin());
}

void HeatmapCanvas::rebuildOverlay()
{
    m_overlay = {};
    if (m_heat.empty())
        return;
    const float top = *std::max_element(m_heat.begin(), m_heat.end());
    m_overlay = QImage(m_gridW, m_gridH, QImage::Format_ARGB32_Premultiplied);
    for (int y = 0; y < m_gridH; ++y) {
        for (int x = 0; x < m_gridW; ++x) {
            // Colour by the share of the peak: a flat map reads as flat, a peaked one as a spot.
            const double t = top > 0.0f ? double(m_heat[std::size_t(y * m_gridW + x)] / top) : 0.0;
            QColor color = heatColor(t);
            color.setAlphaF(float(m_opacity));
            m_overlay.setPixel(x, y, qPremultiply(color.rgba()));
        }
    }
}

QRect HeatmapCanvas::imageRect() const
{
    if (m_image.isNull())
        return {};
    const QRect area = rect().adjusted(2, 2, -2, -2);
    const double fit = std::min(double(area.width()) / m_image.width(), double(area.height()) / m_image.height());
    // Whole-pixel enlargement keeps a 64×64 input crisp; reduction needs filtering.
    const double scale = fit >= 1.0 ? std::floor(fit) : fit;
    QRect shown(0, 0, int(m_image.width() * scale), int(m_image.height() * scale));
    shown.moveCenter(area.center());
    return shown;
}

QRectF HeatmapCanvas::cellRect(int cell, const QRect &shown) const
{
    TokenGeometry grid;
    grid.gridH = m_gridH;
    grid.gridW = m_gridW;
    const PixelRect r = grid.imageTokenRect(cell, m_originalWidth, m_originalHeight);
    const double sx = double(shown.width()) / std::max(1, m_originalWidth);
    const double sy = double(shown.height()) / std::max(1, m_originalHeight);
    return QRectF(shown.left() + r.x0 * sx, shown.top() + r.y0 * sy, (r.x1 - r.x0) * sx, (r.y1 - r.y0) * sy);
}

void HeatmapCanvas::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    const QPalette p = palette();
    if (m_image.isNull()) {
        const QRect area = rect().adjusted(1, 1, -2, -2);
        painter.setPen(QPen(p.color(QPalette::Mid), 1, Qt::DashLine));
        painter.drawRect(area);
        painter.setPen(NoteLabel::mutedColor(p));
        painter.drawText(area.adjusted(8, 8, -8, -8), Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
        return;
    }
    const QRect shown = imageRect();
    painter.setRenderHint(QPainter::SmoothPixmapTransform, shown.width() < m_image.width());
    painter.drawImage(shown, m_image);
    if (!m_overlay.isNull()) {
        // Bilinear upsampling: cell centres carry their weights, as the core's OpenCV overlay does.
        painter.setRenderHint(QPainter::SmoothPixmapTransform, true);
        painter.drawImage(QRectF(shown), m_overlay);
        painter.setRenderHint(QPainter::Antialiasing, true);
        painter.setPen(QPen(Qt::white, 2));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(cellRect(peakCell(), shown).adjusted(1, 1, -1, -1));
    }
    if (!m_box.isEmpty() && m_originalWidth > 0 && m_originalHeight > 0) {
        const double sx = double(shown.width()) / m_originalWidth;
        const double sy = double(shown.height()) / m_originalHeight;
        painter.setPen(QPen(QColor(0, 220, 90), 2, Qt::DashLine));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(QRectF(shown.left() + m_box.x0 * sx, shown.top() + m_box.y0 * sy, (m_box.x1 - m_box.x0) * sx,
                                (m_box.y1 - m_box.y0) * sy)
                             .adjusted(1, 1, -1, -1));
    }
    painter.setPen(p.color(QPalette::Mid));
    painter.setRenderHint(QPainter::Antialiasing, false);
    painter.drawRect(shown.adjusted(-1, -1, 0, 0));
}

bool HeatmapCanvas::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip && !m_heat.empty()) {
        const auto *help = static_cast<QHelpEvent *>(event);
        const QRect shown = imageRect();
        for (int cell = 0; cell < int(m_heat.size()); ++cell) {
            const QRectF r = cellRect(cell, shown);
            if (r.contains(help->pos())) {
                QToolTip::showText(help->globalPos(),
                                   tr("Cell %1 (row %2, column %3): %4 % of the attention")
                                       .arg(cell)
                                       .arg(cell / m_gridW)
                                       .arg(cell % m_gridW)
                                       .arg(double(m_heat[std::size_t(cell)]) * 100.0, 0, 'f', 1),
                                   this, r.toRect());
                return true;
            }
        }
        QToolTip::hideText();
        event->ignore();
        return true;
    }
    return QWidget::event(event);
}
