#pragma once

#include <QtGui/QImage>
#include <QtWidgets/QWidget>

/**
 * Shows an image as large as fits, enlarged by whole pixels (nearest neighbour) so a
 * 64×64 model input stays crisp; larger images are reduced smoothly. GUI thread.
 */
class PixelImageView final : public QWidget
{
    Q_OBJECT
public:
    explicit PixelImageView(QWidget *parent = nullptr);

    void setImage(const QImage &image);
    /** Clears the image and shows `text` in its place. */
    void setPlaceholder(const QString &text);
    QImage image() const { return m_image; }
    QString placeholder() const { return m_placeholder; }

    QSize sizeHint() const override { return {256, 256}; }
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QImage m_image;
    QString m_placeholder;
};
