#include "ui/inspect/split/confusionmatrixview.h"

#include "ui/widgets/notelabel.h"

#include <QtGui/QHelpEvent>
#include <QtGui/QKeyEvent>
#include <QtGui/QMouseEvent>
#include <QtGui/QPainter>
#include <QtWidgets/QToolTip>
#include <algorithm>

namespace {

constexpr int kMargin = 8;
constexpr int kMaxCell = 64;

} // namespace

ConfusionMatrixView::ConfusionMatrixView(QWidget *parent) : QWidget(parent)
{
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void ConfusionMatrixView::setMatrix(const QStringList &classNames, const std::vector<std::vector<int>> &counts)
{
    m_names = classNames;
    m_counts = counts;
    m_counts.resize(std::size_t(m_names.size()));
    for (std::vector<int> &row : m_counts)
        row.resize(std::size_t(m_names.size()), 0);
    m_hover = {-1, -1};
    updateGeometry();
    update();
}

void ConfusionMatrixView::clear(const QString &why)
{
    setMatrix({}, {});
    m_emptyText = why;
}

int ConfusionMatrixView::count(int truth, int predicted) const
{
    if (truth < 0 || predicted < 0 || truth >= classCount() || predicted >= classCount())
        return 0;
    return m_counts[std::size_t(truth)][std::size_t(predicted)];
}

int ConfusionMatrixView::total() const
{
    int sum = 0;
    for (const std::vector<int> &row : m_counts) {
        for (int value : row)
            sum += value;
    }
    return sum;
}

QSize ConfusionMatrixView::sizeHint() const
{
    const int labels = fontMetrics().height() * 2 + 80;
    const int side = labels + std::max(1, classCount()) * 44;
    return {side, side};
}

QSize ConfusionMatrixView::minimumSizeHint() const
{
    return {160, 160};
}

ConfusionMatrixView::Layout ConfusionMatrixView::layout() const
{
    const QFontMetrics metrics = fontMetrics();
    int nameWidth = metrics.horizontalAdvance(QStringLiteral("predicted"));
    for (const QString &name : m_names)
        nameWidth = std::max(nameWidth, metrics.horizontalAdvance(name));
    nameWidth = std::min(nameWidth, 160);
    // Left: axis title (rotated) + row names. Top: axis title + column names (rotated when long).
    const int left = kMargin + metrics.height() + 6 + nameWidth + 6;
    const int top = kMargin + metrics.height() + 6 + std::min(nameWidth, 90) + 6;
    const int n = std::max(1, classCount());
    const int available = std::min(width() - left - kMargin, height() - top - kMargin);
    Layout result;
    result.cell = std::clamp(available / n, 4, kMaxCell);
    result.grid = QRect(left, top, result.cell * n, result.cell * n);
    return result;
}

QRect ConfusionMatrixView::cellRect(int truth, int predicted) const
{
    if (truth < 0 || predicted < 0 || truth >= classCount() || predicted >= classCount())
        return {};
    const Layout l = layout();
    return {l.grid.left() + predicted * l.cell, l.grid.top() + truth * l.cell, l.cell, l.cell};
}

QPoint ConfusionMatrixView::cellAt(const QPoint &pos) const
{
    const Layout l = layout();
    if (classCount() == 0 || !l.grid.contains(pos))
        return {-1, -1};
    const int predicted = (pos.x() - l.grid.left()) / l.cell;
    const int truth = (pos.y() - l.grid.top()) / l.cell;
    if (truth >= classCount() || predicted >= classCount())
        return {-1, -1};
    return {predicted, truth};
}

QColor ConfusionMatrixView::cellColor(double share) const
{
    // Blend from the view's base to the highlight: reads in light and dark palettes alike.
    const QColor base = palette().color(QPalette::Base);
    const QColor high = palette().color(QPalette::Highlight);
    const double t = std::clamp(share, 0.0, 1.0);
    return QColor::fromRgbF(float(base.redF() + (high.redF() - base.redF()) * t),
                            float(base.greenF() + (high.greenF() - base.greenF()) * t),
                            float(base.blueF() + (high.blueF() - base.blueF()) * t));
}

void ConfusionMatrixView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().color(QPalette::Base));
    const QColor text = palette().color(QPalette::Text);
    if (classCount() == 0) {
        painter.setPen(NoteLabel::mutedColor(palette()));
        painter.drawText(rect().adjusted(16, 16, -16, -16), Qt::AlignCenter | Qt::TextWordWrap,
                         m_emptyText.isEmpty() ? tr("No confusion matrix yet") : m_emptyText);
        return;
    }
    const Layout l = layout();
    const QFontMetrics metrics = fontMetrics();
    const int n = classCount();

    painter.setPen(text);
    // Axis titles.
    painter.drawText(QRect(l.grid.left(), kMargin, l.grid.width(), metrics.height()), Qt::AlignCenter, tr("predicted"));
    painter.save();
    painter.translate(kMargin, l.grid.top() + l.grid.height() / 2);
    painter.rotate(-90);
    painter.drawText(QRect(-l.grid.height() / 2, 0, l.grid.height(), metrics.height()), Qt::AlignCenter, tr("true"));
    painter.restore();

    const int nameRight = l.grid.left() - 6;
    const int nameLeft = kMargin + metrics.height() + 6;
    const int labelBottom = l.grid.top() - 6;
    for (int i = 0; i < n; ++i) {
        const QString name = metrics.elidedText(m_names.at(i), Qt::ElideMiddle, nameRight - nameLeft);
        painter.drawText(QRect(nameLeft, l.grid.top() + i * l.cell, nameRight - nameLeft, l.cell),
                         Qt::AlignRight | Qt::AlignVCenter, name);
        // Column names rotated so long class names never overlap.
        const QString column = metrics.elidedText(m_names.at(i), Qt::ElideMiddle, 90);
        painter.save();
        painter.translate(l.grid.left() + i * l.cell + l.cell / 2 + metrics.ascent() / 2 - 1, labelBottom);
        painter.rotate(-90);
        painter.drawText(0, 0, column);
        painter.restore();
    }

    QFont countFont = font();
    if (l.cell < metrics.height() + 8)
        countFont.setPointSizeF(std::max(5.0, countFont.pointSizeF() * 0.75));
    painter.setFont(countFont);
    const bool showCounts = l.cell >= 14;
    for (int t = 0; t < n; ++t) {
        int rowTotal = 0;
        for (int value : m_counts[std::size_t(t)])
            rowTotal += value;
        for (int p = 0; p < n; ++p) {
            const int value = m_counts[std::size_t(t)][std::size_t(p)];
            const double share = rowTotal > 0 ? double(value) / double(rowTotal) : 0.0;
            const QRect cell = cellRect(t, p);
            const QColor fill = cellColor(share);
            painter.fillRect(cell, fill);
            if (showCounts && value > 0) {
                painter.setPen(fill.lightnessF() < 0.55 ? QColor(Qt::white) : QColor(Qt::black));
                painter.drawText(cell, Qt::AlignCenter, QString::number(value));
            }
        }
    }
    // Grid lines and the diagonal (correct predictions) outlined.
    QColor line = text;
    line.setAlpha(50);
    painter.setPen(QPen(line, 1));
    for (int i = 0; i <= n; ++i) {
        painter.drawLine(l.grid.left(), l.grid.top() + i * l.cell, l.grid.right() + 1, l.grid.top() + i * l.cell);
        painter.drawLine(l.grid.left() + i * l.cell, l.grid.top(), l.grid.left() + i * l.cell, l.grid.bottom() + 1);
    }
    if (m_hover.x() >= 0) {
        painter.setPen(QPen(text, 2));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(cellRect(m_hover.y(), m_hover.x()).adjusted(1, 1, -1, -1));
    }
}

void ConfusionMatrixView::mouseMoveEvent(QMouseEvent *event)
{
    const QPoint cell = cellAt(event->position().toPoint());
    if (cell != m_hover) {
        m_hover = cell;
        setCursor(cell.x() >= 0 && count(cell.y(), cell.x()) > 0 ? Qt::PointingHandCursor : Qt::ArrowCursor);
        update();
    }
}

void ConfusionMatrixView::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return;
    const QPoint cell = cellAt(event->position().toPoint());
    if (cell.x() >= 0)
        Q_EMIT cellClicked(cell.y(), cell.x());
}

void ConfusionMatrixView::keyPressEvent(QKeyEvent *event)
{
    const int n = classCount();
    if (n == 0) {
        QWidget::keyPressEvent(event);
        return;
    }
    QPoint cell = m_hover.x() >= 0 ? m_hover : QPoint(0, 0);
    switch (event->key()) {
    case Qt::Key_Left: cell.rx() = std::max(0, cell.x() - 1); break;
    case Qt::Key_Right: cell.rx() = std::min(n - 1, cell.x() + 1); break;
    case Qt::Key_Up: cell.ry() = std::max(0, cell.y() - 1); break;
    case Qt::Key_Down: cell.ry() = std::min(n - 1, cell.y() + 1); break;
    case Qt::Key_Return:
    case Qt::Key_Enter:
    case Qt::Key_Space:
        if (m_hover.x() >= 0)
            Q_EMIT cellClicked(m_hover.y(), m_hover.x());
        return;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    m_hover = cell;
    update();
}

void ConfusionMatrixView::leaveEvent(QEvent *event)
{
    QWidget::leaveEvent(event);
    unsetCursor();
    if (!hasFocus()) { // keep the keyboard's cell while the matrix has focus
        m_hover = {-1, -1};
        update();
    }
}

bool ConfusionMatrixView::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QPoint cell = cellAt(help->pos());
        if (cell.x() < 0) {
            QToolTip::hideText();
            event->ignore();
            return true;
        }
        const int t = cell.y();
        const int p = cell.x();
        int rowTotal = 0;
        for (int value : m_counts[std::size_t(t)])
            rowTotal += value;
        const int value = count(t, p);
        QToolTip::showText(help->globalPos(),
                           tr("true %1, predicted %2: %3 (%4 % of %1)\nClick to list them.")
                               .arg(m_names.at(t), m_names.at(p),
                                    value == 1 ? tr("1 sample") : tr("%1 samples").arg(value))
                               .arg(rowTotal > 0 ? 100.0 * value / rowTotal : 0.0, 0, 'f', 1),
                           this);
        return true;
    }
    return QWidget::event(event);
}
