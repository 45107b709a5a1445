#include "ui/widgets/loadprogresswidget.h"

#include "ui/data/loadsummary.h"

#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QProgressBar>
#include <QtWidgets/QToolButton>

LoadProgressWidget::LoadProgressWidget(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("loadProgress"));
    m_label = new QLabel(this);
    m_label->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_bar = new QProgressBar(this);
    m_bar->setFixedWidth(180);
    m_bar->setTextVisible(false);
    m_cancel = new QToolButton(this);
    m_cancel->setObjectName(QStringLiteral("cancelLoadButton"));
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolTip(tr("Stop decoding; the samples already listed stay shown"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_label);
    layout->addWidget(m_bar);
    layout->addWidget(m_cancel);
    connect(m_cancel, &QToolButton::clicked, this, [this] {
        m_cancel->setEnabled(false);
        m_label->setText(tr("Cancelling…"));
        Q_EMIT cancelRequested();
    });
    setVisible(false);
}

void LoadProgressWidget::start(const QString &stage)
{
    m_label->setText(stage);
    m_bar->setRange(0, 0);
    m_cancel->setEnabled(true);
    setVisible(true);
}

void LoadProgressWidget::setProgress(const Progress &progress)
{
    if (!m_cancel->isEnabled())
        return; // keep saying "Cancelling…"
    QString text = progress.stage;
    if (!text.isEmpty())
        text[0] = text[0].toUpper();
    if (progress.total > 0) {
        // QProgressBar holds ints; scale so huge counts still fit.
        const int scale = progress.total > 1'000'000'000 ? 1000 : 1;
        m_bar->setRange(0, int(progress.total / scale));
        m_bar->setValue(int(progress.done / scale));
        text += QStringLiteral(" %1 / %2").arg(groupedNumber(progress.done), groupedNumber(progress.total));
    } else {
        m_bar->setRange(0, 0);
    }
    if (!progress.detail.isEmpty())
        text += QStringLiteral(" · ") + progress.detail;
    m_label->setText(text);
}

void LoadProgressWidget::finish()
{
    setVisible(false);
}
