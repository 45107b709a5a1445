#include "ui/embed/embeddingmapview.h"

#include "ui/embed/mapplotitems.h"

#include <QtGui/QCursor>
#include <QtGui/QKeyEvent>
#include <QtGui/QMouseEvent>
#include <QtGui/QPaintEngine>
#include <QtGui/QPainter>
#include <QtWidgets/QMenu>

#include <algorithm>
#include <cmath>
#include <functional>
#include <iterator>
#include <utility>

namespace {

constexpr double kPickRadius = 6.0; ///< pixels from a dot that still pick it
constexpr double kClickSlop = 4.0;  ///< pixels a press may move and still be a click
constexpr int kLegendRows = 14;     ///< group entries before "… N more"

// Data colours, not chrome: mid-tone hues that read on a light and a dark background.
constexpr QRgb kGroupColors[] = {0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f, 0xedc948, 0xb07aa1,
                                 0xff9da7, 0x9c755f, 0x17becf, 0xbcbd22, 0x8c6bb1, 0xe7298a, 0xa6761d,
                                 0x1b9e77, 0x7570b3, 0x80b1d3, 0xfb8072, 0xb3de69, 0xbc80bd};
constexpr int kGroupColorCount = int(std::size(kGroupColors));

/** A disc sprite drawn once per colour and blitted per point: far cheaper than a path per point. */
QImage discSprite(double diameter, const QColor &fill, const QPen &outline, double devicePixelRatio)
{
    const int side = int(std::ceil((diameter + 2.0) * devicePixelRatio));
    QImage image(side, side, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(devicePixelRatio);
    image.fill(Qt::transparent);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(outline);
    painter.setBrush(fill);
    const double centre = side / devicePixelRatio / 2.0;
    painter.drawEllipse(QPointF(centre, centre), diameter / 2.0, diameter / 2.0);
    return image;
}

QColor withAlpha(QColor color, int alpha)
{
    color.setAlpha(alpha);
    return color;
}

} // namespace

EmbeddingMapView::EmbeddingMapView(QWidget *parent) : ThemedPlot(parent)
{
    setObjectName(QStringLiteral("embeddingMap"));
    setFocusPolicy(Qt::StrongFocus); // Escape clears the selection
    setMouseTracking(true);          // hover without a button

    // Embedding coordinates have no unit worth reading: a framed map with a faint grid that
    // moves while panning, no tick labels.
    for (QCPAxis *axis : axisRect()->axes()) {
        axis->setVisible(true);
        axis->setTicks(false);
        axis->setTickLabels(false);
    }
    xAxis2->grid()->setVisible(false);
    yAxis2->grid()->setVisible(false);

    m_pointLayer = new CallbackLayerable(this, QStringLiteral("main"), [this](QCPPainter *p) { drawPoints(p); });
    m_overlay = new CallbackLayerable(this, QStringLiteral("overlay"), [this](QCPPainter *p) { drawOverlay(p); });

    // The legend sits right of the map above a spacer, so it never hides dots.
    axisRect()->insetLayout()->take(legend);
    m_legendColumn = new QCPLayoutGrid;
    m_legendColumn->addElement(0, 0, legend);
    m_legendColumn->addElement(1, 0, new QCPLayoutElement(this));
    m_legendColumn->setRowStretchFactor(0, 0.001);
    m_legendColumn->setMargins(QMargins(0, 6, 6, 0));
    plotLayout()->addElement(0, 1, m_legendColumn);
    plotLayout()->setColumnStretchFactor(1, 0.001);
    legend->setIconSize(QSize(10, 10));
    legend->setRowSpacing(0);
    legend->setVisible(true);
    m_legendShown = true;
    showLegend(false);

    setTool(MapTool::Pan);
    EmbeddingMapView::applyTheme();
    fitView();
}

EmbeddingMapView::~EmbeddingMapView()
{
    // A column taken out of the layout would be deleted after QCustomPlot's layers; put it
    // back so the plot deletes it (and the legend in it) in the right order.
    showLegend(true);
}

QColor EmbeddingMapView::groupColor(int group, const QPalette &palette)
{
    if (group < 0) {
        // "none": halfway between text and background reads in light and dark themes alike.
        const QColor a = palette.color(QPalette::Text);
        const QColor b = palette.color(QPalette::Base);
        return QColor((a.red() + b.red()) / 2, (a.green() + b.green()) / 2, (a.blue() + b.blue()) / 2);
    }
    return QColor::fromRgb(kGroupColors[group % kGroupColorCount]);
}

void EmbeddingMapView::setPoints(const std::vector<float> &xy)
{
    m_xy.assign(xy.begin(), xy.begin() + std::ptrdiff_t(xy.size() / 2 * 2));
    m_grid = PointGrid(m_xy);
    if (m_group.size() != std::size_t(pointCount())) {
        m_group.clear();
        m_groupNames.clear();
        rebuildLegend();
    }
    m_selection.clear();
    m_selectedMask.assign(std::size_t(pointCount()), 0);
    m_highlighted = -1;
    setHovered(-1, QCursor::pos()); // a hover card on the old layout must go
    m_spriteRatio = 0.0; // the dot size follows the point count
    fitView();
}

void EmbeddingMapView::setGroups(const std::vector<int> &groupOfPoint, const QStringList &groupNames, const QString &noneName)
{
    m_group.assign(std::size_t(pointCount()), -1);
    if (groupOfPoint.empty()) {
        m_group.clear();
        m_groupNames.clear();
    } else {
        std::copy_n(groupOfPoint.begin(), std::min(groupOfPoint.size(), m_group.size()), m_group.begin());
        m_groupNames = groupNames;
    }
    m_noneName = noneName;
    m_spriteRatio = 0.0;
    rebuildLegend();
    replot(QCustomPlot::rpQueuedReplot);
}

void EmbeddingMapView::setTool(MapTool tool)
{
    m_tool = tool;
    // The wheel zooms with every tool; only Pan drags the view.
    setInteractions(tool == MapTool::Pan ? QCP::iRangeDrag | QCP::iRangeZoom : QCP::iRangeZoom);
    setCursor(tool == MapTool::Pan ? Qt::OpenHandCursor : Qt::CrossCursor);
}

void EmbeddingMapView::setHighlighted(int point)
{
    m_highlighted = point >= 0 && point < pointCount() ? point : -1;
    replotOverlay();
}

void EmbeddingMapView::setSelection(const QVector<int> &points)
{
    m_selection.clear();
    m_selectedMask.assign(std::size_t(pointCount()), 0);
    for (int p : points) {
        if (p >= 0 && p < pointCount() && !m_selectedMask[std::size_t(p)]) {
            m_selectedMask[std::size_t(p)] = 1;
            m_selection.append(p);
        }
    }
    std::sort(m_selection.begin(), m_selection.end());
    replot(QCustomPlot::rpQueuedReplot);
}

bool EmbeddingMapView::isSelected(int point) const
{
    return point >= 0 && std::size_t(point) < m_selectedMask.size() && m_selectedMask[std::size_t(point)];
}

int EmbeddingMapView::pointAt(const QPoint &widgetPos) const
{
    if (!axisRect()->rect().contains(widgetPos) || xAxis->range().size() <= 0.0 || yAxis->range().size() <= 0.0)
        return -1;
    // The grid is in data coordinates, built once per layout; the scales turn its distances into pixels.
    const double xScale = axisRect()->width() / xAxis->range().size();
    const double yScale = axisRect()->height() / yAxis->range().size();
    return m_grid.nearest(toCoords(widgetPos), kPickRadius, xScale, yScale);
}

QPointF EmbeddingMapView::pointPosition(int point) const
{
    if (point < 0 || point >= pointCount())
        return {};
    return {xAxis->coordToPixel(m_xy[2 * std::size_t(point)]), yAxis->coordToPixel(m_xy[2 * std::size_t(point) + 1])};
}

void EmbeddingMapView::fitView()
{
    QRectF bounds = m_grid.bounds();
    if (m_grid.isEmpty())
        bounds = QRectF(-1.0, -1.0, 2.0, 2.0);
    // A flat cloud (one point, or all on a line) still gets an axis of some extent.
    const double dx = bounds.width() > 0.0 ? 0.05 * bounds.width() : 1.0;
    const double dy = bounds.height() > 0.0 ? 0.05 * bounds.height() : 1.0;
    xAxis->setRange(bounds.left() - dx, bounds.right() + dx);
    yAxis->setRange(bounds.top() - dy, bounds.bottom() + dy);
    replot(QCustomPlot::rpQueuedReplot);
}

void EmbeddingMapView::applyTheme()
{
    ThemedPlot::applyTheme();
    m_spriteRatio = 0.0;
    if (m_legendColumn)
        rebuildLegend(); // the "none" entry's grey follows the palette
}

void EmbeddingMapView::addContextMenuActions(QMenu *menu)
{
    QAction *fit = menu->addAction(tr("Fit view"));
    fit->setObjectName(QStringLiteral("fitViewAction"));
    connect(fit, &QAction::triggered, this, &EmbeddingMapView::fitView);
}

// --- drawing ---------------------------------------------------------------------------

int EmbeddingMapView::groupCount() const
{
    int count = int(m_groupNames.size());
    for (int g : m_group)
        count = std::max(count, g + 1);
    return count;
}

double EmbeddingMapView::dotDiameter() const
{
    // Small dots for a dense map so clusters keep their shape; larger ones for a few points.
    const int n = pointCount();
    return n > 5000 ? 3.5 : n > 1000 ? 4.5 : 6.0;
}

QColor EmbeddingMapView::slotColor(int slot) const
{
    if (slot > 0)
        return groupColor(slot - 1, palette());
    return m_group.empty() ? seriesColor(palette(), 0) : groupColor(-1, palette());
}

int EmbeddingMapView::colorSlotOf(int point) const
{
    if (m_group.empty() || m_group[std::size_t(point)] < 0)
        return 0;
    return 1 + m_group[std::size_t(point)] % (int(m_sprites.size()) - 1);
}

void EmbeddingMapView::rebuildSprites(double devicePixelRatio)
{
    const double d = dotDiameter();
    const int slots = 1 + std::min(groupCount(), kGroupColorCount); // groupColor cycles
    const QPen outline(withAlpha(palette().color(QPalette::Text), 110), 0.8);
    m_sprites.assign(std::size_t(slots), Sprites{});
    for (int s = 0; s < slots; ++s) {
        const QColor color = slotColor(s);
        // Semi-transparent dots let density show where clusters overlap.
        m_sprites[std::size_t(s)].normal = discSprite(d, withAlpha(color, 130), Qt::NoPen, devicePixelRatio);
        m_sprites[std::size_t(s)].dimmed = discSprite(d, withAlpha(color, 45), Qt::NoPen, devicePixelRatio);
        m_sprites[std::size_t(s)].selected = discSprite(d + 2.0, color, outline, devicePixelRatio);
    }
    m_normalHalf = m_sprites.front().normal.width() / devicePixelRatio / 2.0;
    m_selectedHalf = m_sprites.front().selected.width() / devicePixelRatio / 2.0;
    m_spriteRatio = devicePixelRatio;
}

void EmbeddingMapView::drawPoints(QCPPainter *painter)
{
    const int n = pointCount();
    if (n == 0)
        return;
    // Linear axes: one multiply-add per coordinate instead of coordToPixel's range checks.
    const double x0 = xAxis->coordToPixel(0.0);
    const double xk = xAxis->coordToPixel(1.0) - x0;
    const double y0 = yAxis->coordToPixel(0.0);
    const double yk = yAxis->coordToPixel(1.0) - y0;
    const QRectF visible = QRectF(axisRect()->rect()).adjusted(-8, -8, 8, 8);
    const bool anySelected = !m_selection.isEmpty();
    const double d = dotDiameter();

    // PDF and SVG get real circles (20 000 embedded bitmaps would bloat them); screens and
    // PNG get sprites.
    if (painter->modes().testFlag(QCPPainter::pmVectorized) || painter->paintEngine()->type() != QPaintEngine::Raster) {
        painter->setPen(Qt::NoPen);
        for (int pass = 0; pass < 2; ++pass) {
            for (int i = 0; i < n; ++i) {
                const bool selected = m_selectedMask[std::size_t(i)];
                if (selected != (pass == 1))
                    continue;
                const QPointF at(x0 + xk * m_xy[2 * std::size_t(i)], y0 + yk * m_xy[2 * std::size_t(i) + 1]);
                if (!visible.contains(at))
                    continue;
                const QColor color = slotColor(m_group.empty() || m_group[std::size_t(i)] < 0 ? 0 : 1 + m_group[std::size_t(i)]);
                painter->setBrush(selected ? color : withAlpha(color, anySelected ? 45 : 130));
                const double r = (selected ? d + 2.0 : d) / 2.0;
                painter->drawEllipse(at, r, r);
            }
        }
        return;
    }

    const double ratio = painter->device() ? painter->device()->devicePixelRatioF() : 1.0;
    if (m_spriteRatio != ratio)
        rebuildSprites(ratio);
    // Snap to device pixels: the raster engine then blends each sprite without resampling.
    const auto snap = [ratio](double v) { return std::round(v * ratio) / ratio; };
    for (int i = 0; i < n; ++i) {
        if (m_selectedMask[std::size_t(i)])
            continue;
        const double px = x0 + xk * m_xy[2 * std::size_t(i)];
        const double py = y0 + yk * m_xy[2 * std::size_t(i) + 1];
        if (!visible.contains(px, py))
            continue;
        const Sprites &sprites = m_sprites[std::size_t(colorSlotOf(i))];
        painter->drawImage(QPointF(snap(px - m_normalHalf), snap(py - m_normalHalf)), anySelected ? sprites.dimmed : sprites.normal);
    }
    // The selection on top, so it is never buried under the rest.
    for (int i : m_selection) {
        const double px = x0 + xk * m_xy[2 * std::size_t(i)];
        const double py = y0 + yk * m_xy[2 * std::size_t(i) + 1];
        if (visible.contains(px, py))
            painter->drawImage(QPointF(snap(px - m_selectedHalf), snap(py - m_selectedHalf)),
                               m_sprites[std::size_t(colorSlotOf(i))].selected);
    }
}

void EmbeddingMapView::drawOverlay(QCPPainter *painter)
{
    const QPalette p = palette();
    const QColor accent = p.color(QPalette::Highlight);
    if (m_dragging && m_tool != MapTool::Pan && !m_dragPath.isEmpty()) {
        painter->setPen(QPen(accent, 1.5, Qt::DashLine));
        painter->setBrush(withAlpha(accent, 40));
        if (m_tool == MapTool::Box)
            painter->drawRect(QRectF(m_dragPath.first(), m_dragPath.last()).normalized());
        else
            painter->drawPolygon(m_dragPath);
    }
    const double r = dotDiameter() / 2.0;
    if (m_hovered >= 0) {
        painter->setPen(QPen(p.color(QPalette::Text), 1.5));
        painter->setBrush(Qt::NoBrush);
        painter->drawEllipse(pointPosition(m_hovered), r + 3.0, r + 3.0);
    }
    if (m_highlighted >= 0) {
        // A double ring (background under text colour) stands out on any dot colour.
        const QPointF at = pointPosition(m_highlighted);
        painter->setBrush(Qt::NoBrush);
        painter->setPen(QPen(p.color(QPalette::Base), 4.5));
        painter->drawEllipse(at, r + 6.0, r + 6.0);
        painter->setPen(QPen(p.color(QPalette::Text), 2.0));
        painter->drawEllipse(at, r + 6.0, r + 6.0);
    }
}

void EmbeddingMapView::replotOverlay()
{
    if (m_overlay->layer())
        m_overlay->layer()->replot();
}

void EmbeddingMapView::showLegend(bool shown)
{
    if (shown == m_legendShown)
        return;
    // An invisible layout element still takes its width, so the column leaves the layout.
    if (shown) {
        plotLayout()->addElement(0, 1, m_legendColumn);
        plotLayout()->setColumnStretchFactor(1, 0.001);
    } else {
        plotLayout()->take(m_legendColumn);
        plotLayout()->simplify();
    }
    m_legendShown = shown;
}

void EmbeddingMapView::rebuildLegend()
{
    legend->clearItems();
    if (m_group.empty()) {
        showLegend(false);
        return;
    }
    const int groups = groupCount();
    std::vector<int> counts(std::size_t(groups), 0);
    int none = 0;
    for (int g : m_group)
        ++(g < 0 ? none : counts[std::size_t(g)]);
    const QFontMetrics metrics(legend->font());
    const auto entry = [&](const QString &name, int count) {
        // Long names are elided so the legend never squeezes the map.
        return tr("%1 (%2)").arg(metrics.elidedText(name, Qt::ElideRight, 160)).arg(count);
    };
    // One row short of the limit when the "… N more" row is needed, so the height stays bounded.
    const int shown = groups <= kLegendRows ? groups : kLegendRows - 1;
    for (int g = 0; g < shown; ++g) {
        const QString name = g < m_groupNames.size() ? m_groupNames[g] : tr("group %1").arg(g);
        legend->addItem(new GroupLegendItem(legend, groupColor(g, palette()), entry(name, counts[std::size_t(g)])));
    }
    if (groups > shown)
        legend->addItem(new GroupLegendItem(legend, QColor(), tr("… %1 more").arg(groups - shown)));
    if (none > 0)
        legend->addItem(new GroupLegendItem(legend, groupColor(-1, palette()), entry(m_noneName.isEmpty() ? tr("none") : m_noneName, none)));
    showLegend(legend->itemCount() > 0);
}

// --- mouse and keys --------------------------------------------------------------------

QPointF EmbeddingMapView::toCoords(const QPointF &pixel) const
{
    return {xAxis->pixelToCoord(pixel.x()), yAxis->pixelToCoord(pixel.y())};
}

void EmbeddingMapView::setHovered(int point, const QPoint &globalPos)
{
    if (point == m_hovered)
        return;
    m_hovered = point;
    replotOverlay();
    Q_EMIT pointHovered(point, globalPos);
}

void EmbeddingMapView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && axisRect()->rect().contains(event->position().toPoint())) {
        m_pressed = true;
        m_dragging = false;
        m_pressAdditive = event->modifiers().testFlag(Qt::ShiftModifier);
        m_pressPos = event->position();
        m_dragPath = QPolygonF{m_pressPos};
        if (m_tool != MapTool::Pan) {
            event->accept();
            return;
        }
        setCursor(Qt::ClosedHandCursor);
    }
    ThemedPlot::mousePressEvent(event);
}

void EmbeddingMapView::mouseMoveEvent(QMouseEvent *event)
{
    const QPointF at = event->position();
    if (m_pressed && event->buttons().testFlag(Qt::LeftButton)) {
        if (!m_dragging && (at - m_pressPos).manhattanLength() >= kClickSlop) {
            m_dragging = true;
            setHovered(-1, event->globalPosition().toPoint());
        }
        if (m_tool == MapTool::Pan) {
            ThemedPlot::mouseMoveEvent(event);
            return;
        }
        if (m_dragging) {
            // A box needs its two corners; a lasso keeps a vertex every 2 px of travel.
            if (m_tool == MapTool::Box)
                m_dragPath = QPolygonF{m_pressPos, at};
            else if ((at - m_dragPath.last()).manhattanLength() >= 2.0)
                m_dragPath.append(at);
            replotOverlay();
        }
        event->accept();
        return;
    }
    if (event->buttons() == Qt::NoButton)
        setHovered(pointAt(at.toPoint()), event->globalPosition().toPoint());
    ThemedPlot::mouseMoveEvent(event);
}

void EmbeddingMapView::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || !m_pressed) {
        ThemedPlot::mouseReleaseEvent(event);
        return;
    }
    const QPointF at = event->position();
    const bool dragged = m_dragging || (at - m_pressPos).manhattanLength() >= kClickSlop;
    m_pressed = false;
    m_dragging = false;
    if (!dragged) {
        // A click never changes the selection, so picking a query keeps what was selected.
        const int point = pointAt(at.toPoint());
        if (point >= 0)
            Q_EMIT pointClicked(point);
    }
    if (m_tool == MapTool::Pan) {
        setCursor(Qt::OpenHandCursor);
        ThemedPlot::mouseReleaseEvent(event);
        return;
    }
    if (dragged) {
        if (m_tool == MapTool::Box)
            m_dragPath = QPolygonF{m_pressPos, at};
        else
            m_dragPath.append(at);
        finishDrag(m_pressAdditive || event->modifiers().testFlag(Qt::ShiftModifier));
    }
    m_dragPath.clear();
    replotOverlay();
    event->accept();
}

void EmbeddingMapView::finishDrag(bool additive)
{
    QVector<int> picked;
    if (m_tool == MapTool::Box) {
        picked = mapgeometry::pointsInRect(m_xy, QRectF(toCoords(m_dragPath.first()), toCoords(m_dragPath.last())));
    } else {
        // Linear axes map the pixel polygon onto a polygon in data coordinates exactly.
        QPolygonF polygon;
        polygon.reserve(m_dragPath.size());
        for (const QPointF &pixel : std::as_const(m_dragPath))
            polygon.append(toCoords(pixel));
        picked = mapgeometry::pointsInPolygon(m_xy, polygon);
    }
    if (additive) {
        QVector<int> merged;
        merged.reserve(m_selection.size() + picked.size());
        std::set_union(m_selection.begin(), m_selection.end(), picked.begin(), picked.end(), std::back_inserter(merged));
        picked = merged;
    }
    setSelection(picked);
    Q_EMIT selectionChanged(m_selection);
}

void EmbeddingMapView::keyPressEvent(QKeyEvent *event)
{
    if (event->key() != Qt::Key_Escape) {
        ThemedPlot::keyPressEvent(event);
        return;
    }
    if (m_pressed && m_tool != MapTool::Pan) {
        // Escape mid-drag drops the box or lasso and keeps the selection.
        m_pressed = false;
        m_dragging = false;
        m_dragPath.clear();
        replotOverlay();
    } else if (!m_selection.isEmpty()) {
        setSelection({});
        Q_EMIT selectionChanged(m_selection);
    }
    event->accept();
}

void EmbeddingMapView::leaveEvent(QEvent *event)
{
    setHovered(-1, QCursor::pos());
    ThemedPlot::leaveEvent(event);
}
