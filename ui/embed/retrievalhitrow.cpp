#include "ui/embed/retrievalhitrow.h"

#include "ui/widgets/audioplayerbar.h"

#include <QtCore/QFileInfo>
#include <QtGui/QMouseEvent>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>

namespace {

constexpr int kPictureSide = 56;

} // namespace

RetrievalHitRow::RetrievalHitRow(const RetrievalHit &hit, int targetModality, int rank, QWidget *parent)
    : QFrame(parent), m_hit(hit), m_target(targetModality)
{
    setObjectName(QStringLiteral("retrievalHit"));
    setFrameShape(QFrame::StyledPanel);
    setCursor(hit.datasetIndex >= 0 ? Qt::PointingHandCursor : Qt::ArrowCursor);
    setToolTip(hit.datasetIndex >= 0 ? tr("Click to open %1 in the Inspect tab").arg(hit.id) : QString());
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 3, 4, 3);
    if (targetModality == 1) {
        m_picture = new QLabel(this);
        m_picture->setFixedSize(kPictureSide, kPictureSide);
        m_picture->setAlignment(Qt::AlignCenter);
        layout->addWidget(m_picture);
    }
    QString detail;
    if (targetModality == 0)
        detail = QStringLiteral("“%1”").arg(hit.text.toHtmlEscaped());
    else
        detail = QFileInfo(targetModality == 1 ? hit.imagePath : hit.audioPath).fileName().toHtmlEscaped();
    auto *text = new QLabel(tr("%1. <b>%2</b> &nbsp;%3 · %4<br/>%5")
                                .arg(rank)
                                .arg(hit.score, 0, 'f', 3)
                                .arg(hit.id.toHtmlEscaped(), hit.label.isEmpty() ? tr("unlabeled") : hit.label.toHtmlEscaped(), detail),
                            this);
    text->setTextFormat(Qt::RichText);
    text->setWordWrap(true);
    layout->addWidget(text, 1);
    if (targetModality == 2) {
        auto *player = new AudioPlayerBar(this);
        player->setSource(hit.audioPath);
        layout->addWidget(player);
    }
}

void RetrievalHitRow::setPicture(const QPixmap &picture)
{
    if (m_picture && !picture.isNull())
        m_picture->setPixmap(picture.scaled(kPictureSide, kPictureSide, Qt::KeepAspectRatio, Qt::SmoothTransformation));
}

void RetrievalHitRow::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && rect().contains(event->position().toPoint()) && m_hit.datasetIndex >= 0)
        Q_EMIT activated(m_hit.datasetIndex);
    QFrame::mouseReleaseEvent(event);
}
