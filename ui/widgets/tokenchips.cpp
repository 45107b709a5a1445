#include "ui/widgets/tokenchips.h"

#include "ui/widgets/notelabel.h"

#include <QtGui/QHelpEvent>
#include <QtGui/QPainter>
#include <QtGui/QPainterPath>
#include <QtWidgets/QToolTip>

namespace {

const QChar kWordStart(0x2581); // SentencePiece's "▁"
constexpr int kPadX = 5;
constexpr int kPadY = 2;
constexpr int kGap = 4;

} // namespace

TokenChips::TokenChips(QWidget *parent) : QWidget(parent)
{
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
}

void TokenChips::setTokens(const QStringList &pieces, const QList<qint64> &ids)
{
    m_pieces = pieces;
    m_ids = ids;
    updateGeometry();
    update();
}

bool TokenChips::startsWord(int i) const
{
    return m_pieces.at(i).startsWith(kWordStart);
}

QString TokenChips::body(int i) const
{
    return startsWord(i) ? m_pieces.at(i).mid(1) : m_pieces.at(i);
}

QList<QRect> TokenChips::layoutChips(int width) const
{
    const QFontMetrics metrics(font());
    const int markWidth = metrics.horizontalAdvance(kWordStart);
    const int height = metrics.height() + 2 * kPadY;
    QList<QRect> rects;
    int x = 0;
    int y = 0;
    for (int i = 0; i < m_pieces.size(); ++i) {
        const int w = metrics.horizontalAdvance(body(i)) + (startsWord(i) ? markWidth : 0) + 2 * kPadX;
        if (x > 0 && x + w > width) {
            x = 0;
            y += height + kGap;
        }
        rects << QRect(x, y, w, height);
        x += w + kGap;
    }
    return rects;
}

int TokenChips::heightForWidth(int width) const
{
    const QList<QRect> rects = layoutChips(width);
    return rects.isEmpty() ? 0 : rects.last().bottom() + 1;
}

QSize TokenChips::sizeHint() const
{
    return {300, heightForWidth(300)};
}

QSize TokenChips::minimumSizeHint() const
{
    return {60, 0};
}

void TokenChips::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette p = palette();
    QColor fill = p.color(QPalette::Highlight);
    fill.setAlpha(40);
    QColor border = p.color(QPalette::Highlight);
    border.setAlpha(140);
    const QFontMetrics metrics(font());
    const int markWidth = metrics.horizontalAdvance(kWordStart);
    const QList<QRect> rects = layoutChips(width());
    for (int i = 0; i < rects.size(); ++i) {
        const QRectF r = QRectF(rects.at(i)).adjusted(0.5, 0.5, -0.5, -0.5);
        QPainterPath path;
        path.addRoundedRect(r, 4, 4);
        painter.fillPath(path, fill);
        painter.setPen(border);
        painter.drawPath(path);
        QRect text = rects.at(i).adjusted(kPadX, kPadY, -kPadX, -kPadY);
        if (startsWord(i)) {
            painter.setPen(NoteLabel::mutedColor(p));
            painter.drawText(text, Qt::AlignLeft | Qt::AlignVCenter, QString(kWordStart));
            text.setLeft(text.left() + markWidth);
        }
        painter.setPen(p.color(QPalette::Text));
        painter.drawText(text, Qt::AlignLeft | Qt::AlignVCenter, body(i));
    }
}

bool TokenChips::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(event);
        const QList<QRect> rects = layoutChips(width());
        for (int i = 0; i < rects.size(); ++i) {
            if (rects.at(i).contains(help->pos())) {
                const QString id = i < m_ids.size() ? tr("id %1").arg(m_ids.at(i)) : tr("id unknown");
                QToolTip::showText(help->globalPos(), tr("“%1” — %2").arg(m_pieces.at(i), id), this, rects.at(i));
                return true;
            }
        }
        QToolTip::hideText();
        event->ignore();
        return true;
    }
    return QWidget::event(event);
}
