#pragma once

#include "ui/embed/embedresults.h"

#include <QtWidgets/QFrame>

class QLabel;

/**
 * One neighbour in the retrieval panel: its picture (image hits), score, id, label and
 * caption or file, a Play button for a recording, and a click anywhere opens it in Inspect.
 * GUI thread.
 */
class RetrievalHitRow final : public QFrame
{
    Q_OBJECT
public:
    RetrievalHitRow(const RetrievalHit &hit, int targetModality, int rank, QWidget *parent = nullptr);

    const RetrievalHit &hit() const { return m_hit; }
    /** The modality this hit answers in: 0 text, 1 image, 2 audio. */
    int targetModality() const { return m_target; }
    void setPicture(const QPixmap &picture);

Q_SIGNALS:
    void activated(int datasetIndex);

protected:
    void mouseReleaseEvent(QMouseEvent *event) override;

private:
    RetrievalHit m_hit;
    int m_target;
    QLabel *m_picture = nullptr;
};
