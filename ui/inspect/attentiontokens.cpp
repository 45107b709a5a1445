#include "ui/inspect/attentiontokens.h"

#include "ui/inspect/heatcolors.h"
#include "ui/widgets/notelabel.h"

#include <QtGui/QHelpEvent>
#include <QtGui/QKeyEvent>
#include <QtGui/QMouseEvent>
#include <QtGui/QPainter>
#include <QtGui/QPainterPath>
#include <QtWidgets/QToolTip>

#include <algorithm>

namespace {

const QChar kWordStart(0x2581); // SentencePiece's "▁"
constexpr int kPadX = 7;
constexpr int kPadY = 4;
constexpr int kGap = 5;

} // namespace

AttentionTokens::AttentionTokens(QWidget *parent) : QWidget(parent)
{
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
}

void AttentionTokens::setTokens(const QStringList &pieces, const std::vector<float> &weights)
{
    m_pieces = pieces;
    m_weights = weights;
    m_selected = -1;
    m_placeholder.clear();
    updateGeometry();
    update();
}

void AttentionTokens::setPlaceholder(const QString &text)
{
    m_pieces.clear();
    m_weights.clear();
    m_selected = -1;
    m_placeholder = text;
    updateGeometry();
    update();
}

void AttentionTokens::setSelectedToken(int token)
{
    m_selected = token >= 0 && token < m_pieces.size() ? token : -1;
    update();
}

QString AttentionTokens::body(int i) const
{
    const QString &piece = m_pieces.at(i);
    // A lone word-start mark is a real token (the space before a word SentencePiece split off): show it.
    return piece.startsWith(kWordStart) && piece.size() > 1 ? piece.mid(1) : piece;
}

double AttentionTokens::shade(int i) const
{
    if (std::size_t(i) >= m_weights.size())
        return -1.0;
    const auto shown = std::min(m_weights.size(), std::size_t(m_pieces.size()));
    const float top = *std::max_element(m_weights.begin(), m_weights.begin() + std::ptrdiff_t(shown));
    return top > 0.0f ? double(m_weights[std::size_t(i)] / top) : 0.0;
}

QList<QRect> AttentionTokens::layoutChips(int width) const
{
    const QFontMetrics metrics(font());
    const int height = metrics.height() + 2 * kPadY;
    QList<QRect> rects;
    int x = 0;
    int y = 0;
    for (int i = 0; i < m_pieces.size(); ++i) {
        // A word's first piece gets a wider gap: the words stay readable as words.
        const int lead = x > 0 && m_pieces.at(i).startsWith(kWordStart) ? kGap : 0;
        const int w = metrics.horizontalAdvance(body(i)) + 2 * kPadX;
        if (x > 0 && x + lead + w > width) {
            x = 0;
            y += height + kGap;
        } else {
            x += lead;
        }
        rects << QRect(x, y, w, height);
        x += w + 2;
    }
    return rects;
}

QRect AttentionTokens::chipRect(int token) const
{
    const QList<QRect> rects = layoutChips(width());
    return token >= 0 && token < rects.size() ? rects.at(token) : QRect();
}

int AttentionTokens::heightForWidth(int width) const
{
    if (m_pieces.isEmpty())
        return QFontMetrics(font()).height() + 2 * kPadY;
    const QList<QRect> rects = layoutChips(width);
    return rects.last().bottom() + 2;
}

QSize AttentionTokens::sizeHint() const
{
    return {320, heightForWidth(320)};
}

QSize AttentionTokens::minimumSizeHint() const
{
    return {60, QFontMetrics(font()).height() + 2 * kPadY};
}

void AttentionTokens::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette p = palette();
    if (m_pieces.isEmpty()) {
        painter.setPen(NoteLabel::mutedColor(p));
        painter.drawText(rect(), Qt::AlignLeft | Qt::AlignVCenter, m_placeholder);
        return;
    }
    const QList<QRect> rects = layoutChips(width());
    for (int i = 0; i < rects.size(); ++i) {
        const QRectF r = QRectF(rects.at(i)).adjusted(1, 1, -1, -1);
        QPainterPath path;
        path.addRoundedRect(r, 4, 4);
        const double t = shade(i);
        // Weights start at a quarter of inferno: the darkest stop is indistinguishable from black text.
        const QColor fill = t < 0.0 ? p.color(QPalette::Button) : heatColor(0.15 + 0.85 * t);
        painter.fillPath(path, fill);
        if (i == m_selected) {
            painter.setPen(QPen(p.color(QPalette::Highlight), 3));
            painter.drawPath(path);
        } else {
            painter.setPen(QPen(p.color(QPalette::Mid), 1));
            painter.drawPath(path);
        }
        painter.setPen(t < 0.0 ? p.color(QPalette::ButtonText) : textColorOn(fill));
        painter.drawText(rects.at(i), Qt::AlignCenter, body(i));
    }
    if (hasFocus() && m_selected >= 0) {
        painter.setPen(QPen(p.color(QPalette::Highlight), 1, Qt::DotLine));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(rects.value(m_selected).adjusted(-3, -3, 2, 2));
    }
}

void AttentionTokens::choose(int token)
{
    const int chosen = token >= 0 && token < m_pieces.size() ? token : -1;
    if (chosen == m_selected)
        return;
    m_selected = chosen;
    update();
    Q_EMIT tokenSelected(m_selected);
}

void AttentionTokens::mousePressEvent(QMouseEvent *event)
{
    const QList<QRect> rects = layoutChips(width());
    for (int i = 0; i < rects.size(); ++i) {
        if (rects.at(i).contains(event->position().toPoint())) {
            choose(i == m_selected ? -1 : i);
            return;
        }
    }
    choose(-1);
}

void AttentionTokens::keyPressEvent(QKeyEvent *event)
{
    switch (event->key()) {
    case Qt::Key_Left:
        choose(m_selected > 0 ? m_selected - 1 : 0);
        return;
    case Qt::Key_Right:
        choose(std::min(int(m_pieces.size()) - 1, m_selected + 1));
        return;
    case Qt::Key_Escape:
        if (m_selected >= 0) {
            choose(-1);
            return;
        }
        break;
    default:
        break;
    }
    QWidget::keyPressEvent(event);
}

bool AttentionTokens::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(event);
        const QList<QRect> rects = layoutChips(width());
        for (int i = 0; i < rects.size(); ++i) {
            if (rects.at(i).contains(help->pos())) {
                const QString weight = std::size_t(i) < m_weights.size()
                                           ? tr("%1 % of the text attention").arg(double(m_weights[std::size_t(i)]) * 100.0, 0, 'f', 1)
                                           : tr("no attention weight");
                QToolTip::showText(help->globalPos(),
                                   tr("“%1” (position %2): %3. Click to see where it looks.").arg(m_pieces.at(i)).arg(i).arg(weight),
                                   this, rects.at(i));
                return true;
            }
        }
        QToolTip::hideText();
        event->ignore();
        return true;
    }
    return QWidget::event(event);
}
