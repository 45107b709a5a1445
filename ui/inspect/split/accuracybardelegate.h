#pragma once

#include <QtWidgets/QStyledItemDelegate>

/**
 * Draws a cell's share (a double 0..1 in Qt::UserRole) as a bar behind its text, in the
 * palette's highlight colour. GUI thread.
 */
class AccuracyBarDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};
