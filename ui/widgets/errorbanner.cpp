#include "ui/widgets/errorbanner.h"

#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QPlainTextEdit>
#include <QtWidgets/QStyle>
#include <QtWidgets/QToolButton>
#include <QtWidgets/QVBoxLayout>

namespace {

QColor blend(const QColor &a, const QColor &b, double t)
{
    return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t), float(a.greenF() * (1 - t) + b.greenF() * t),
                            float(a.blueF() * (1 - t) + b.blueF() * t));
}

} // namespace

ErrorBanner::ErrorBanner(QWidget *parent) : QFrame(parent)
{
    setObjectName(QStringLiteral("errorBanner"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);

    m_icon = new QLabel(this);
    const int iconSize = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    m_icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning, nullptr, this).pixmap(iconSize));
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("errorBannerMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_detailsButton = new QToolButton(this);
    m_detailsButton->setText(tr("Details"));
    m_detailsButton->setCheckable(true);
    m_closeButton = new QToolButton(this);
    m_closeButton->setText(tr("Dismiss"));
    m_closeButton->setAutoRaise(true);
    m_details = new QPlainTextEdit(this);
    m_details->setReadOnly(true);
    m_details->setMaximumHeight(120);
    m_details->setVisible(false);

    auto *row = new QHBoxLayout;
    row->addWidget(m_icon, 0, Qt::AlignTop);
    row->addWidget(m_message, 1);
    row->addWidget(m_detailsButton, 0, Qt::AlignTop);
    row->addWidget(m_closeButton, 0, Qt::AlignTop);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 6);
    layout->addLayout(row);
    layout->addWidget(m_details);

    connect(m_detailsButton, &QToolButton::toggled, m_details, &QWidget::setVisible);
    connect(m_closeButton, &QToolButton::clicked, this, &ErrorBanner::dismiss);
    applyTint();
    setVisible(false);
}

void ErrorBanner::showError(const QString &message, const QString &details)
{
    m_message->setText(message);
    m_details->setPlainText(details);
    m_detailsButton->setVisible(!details.isEmpty());
    m_detailsButton->setChecked(false);
    setVisible(true);
}

void ErrorBanner::dismiss()
{
    setVisible(false);
    m_message->clear();
    m_details->clear();
}

QString ErrorBanner::message() const
{
    return isHidden() ? QString() : m_message->text();
}

void ErrorBanner::changeEvent(QEvent *event)
{
    QFrame::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && !m_tinting)
        applyTint();
}

void ErrorBanner::applyTint()
{
    // A red wash over the window colour: visible on light and dark palettes alike.
    m_tinting = true;
    QPalette p = parentWidget() ? parentWidget()->palette() : palette();
    const QColor window = p.color(QPalette::Window);
    p.setColor(QPalette::Window, blend(window, QColor(215, 58, 50), window.lightness() > 128 ? 0.16 : 0.28));
    setPalette(p);
    m_tinting = false;
}
