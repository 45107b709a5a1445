#include "ui/inspect/split/accuracybardelegate.h"

#include <QtGui/QPainter>
#include <algorithm>

void AccuracyBarDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const QVariant share = index.data(Qt::UserRole);
    if (share.isValid()) {
        QColor bar = option.palette.color(QPalette::Highlight);
        bar.setAlpha(80);
        const QRect area = option.rect.adjusted(2, 3, -2, -3);
        const int width = int(area.width() * std::clamp(share.toDouble(), 0.0, 1.0) + 0.5);
        painter->fillRect(QRect(area.left(), area.top(), width, area.height()), bar);
    }
    QStyledItemDelegate::paint(painter, option, index);
}
