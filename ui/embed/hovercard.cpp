#include "ui/embed/hovercard.h"

#include <QtGui/QGuiApplication>
#include <QtGui/QScreen>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>

HoverCard::HoverCard(QWidget *parent) : QFrame(parent, Qt::ToolTip | Qt::FramelessWindowHint)
{
    setObjectName(QStringLiteral("mapHoverCard"));
    setFrameShape(QFrame::StyledPanel);
    setAttribute(Qt::WA_ShowWithoutActivating);
    setBackgroundRole(QPalette::ToolTipBase);
    setForegroundRole(QPalette::ToolTipText);
    setAutoFillBackground(true);
    m_picture = new QLabel(this);
    m_text = new QLabel(this);
    m_text->setTextFormat(Qt::RichText);
    m_text->setWordWrap(true);
    m_text->setMaximumWidth(320);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_picture, 0, Qt::AlignTop);
    layout->addWidget(m_text, 1);
}

void HoverCard::showAt(const QPoint &globalPos, const QString &html, const QPixmap &picture)
{
    m_text->setText(html);
    setPicture(picture);
    adjustSize();
    // Below-right of the pointer, kept on the screen.
    QPoint topLeft = globalPos + QPoint(16, 16);
    if (const QScreen *screen = QGuiApplication::screenAt(globalPos)) {
        const QRect area = screen->availableGeometry();
        if (topLeft.x() + width() > area.right())
            topLeft.setX(globalPos.x() - width() - 16);
        if (topLeft.y() + height() > area.bottom())
            topLeft.setY(globalPos.y() - height() - 16);
    }
    move(topLeft);
    show();
    raise();
}

void HoverCard::setPicture(const QPixmap &picture)
{
    m_picture->setPixmap(picture);
    m_picture->setVisible(!picture.isNull());
    if (isVisible())
        adjustSize();
}

QString HoverCard::text() const
{
    return m_text->text();
}
