#include "ui/widgets/noticebar.h"

#include "ui/widgets/notelabel.h"

#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QStyle>
#include <QtWidgets/QToolButton>

NoticeBar::NoticeBar(QWidget *parent) : QFrame(parent)
{
    setObjectName(QStringLiteral("noticeBar"));
    setFrameShape(QFrame::NoFrame);
    auto *icon = new QLabel(this);
    const int iconSize = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxInformation, nullptr, this).pixmap(iconSize));
    m_text = new NoteLabel(this);
    m_text->setObjectName(QStringLiteral("noticeBarText"));
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_closeButton = new QToolButton(this);
    m_closeButton->setText(tr("Dismiss"));
    m_closeButton->setAutoRaise(true);
    auto *row = new QHBoxLayout(this);
    row->setContentsMargins(8, 4, 8, 4);
    row->addWidget(icon, 0, Qt::AlignTop);
    row->addWidget(m_text, 1);
    row->addWidget(m_closeButton, 0, Qt::AlignTop);
    connect(m_closeButton, &QToolButton::clicked, this, &NoticeBar::dismiss);
    setVisible(false);
}

void NoticeBar::addNotice(const QString &key, const QString &text)
{
    if (text.isEmpty() || m_shown.contains(key))
        return;
    m_shown.insert(key);
    m_lines << text;
    m_text->setText(m_lines.join(QLatin1Char('\n')));
    setVisible(true);
}

QString NoticeBar::text() const
{
    return isHidden() ? QString() : m_text->text();
}

void NoticeBar::dismiss()
{
    m_lines.clear();
    m_text->clear();
    setVisible(false);
}
