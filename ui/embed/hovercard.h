#pragma once

#include <QtWidgets/QFrame>

class QLabel;

/**
 * The small card that follows the mouse over the map: a sample's thumbnail, its id, label and
 * caption. A tool-tip window of its own (QToolTip would need the image as a file or a
 * resource, and hides when its text changes). GUI thread.
 */
class HoverCard final : public QFrame
{
    Q_OBJECT
public:
    explicit HoverCard(QWidget *parent = nullptr);

    /** Shows the card near `globalPos`; a null pixmap leaves the picture out. */
    void showAt(const QPoint &globalPos, const QString &html, const QPixmap &picture);
    /** Replaces the picture of the card on show (a thumbnail that arrived late). */
    void setPicture(const QPixmap &picture);
    QString text() const;

private:
    QLabel *m_picture;
    QLabel *m_text;
};
