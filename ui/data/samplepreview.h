#pragma once

#include "core/data/dataset.h"
#include "core/data/manifest.h"

#include <QtCore/QThreadPool>
#include <QtGui/QImage>
#include <QtWidgets/QWidget>
#include <memory>

class AudioPreview;
class PixelImageView;
class QLabel;
class QToolButton;
class TokenChips;

/**
 * Everything about one sample: the image (original file or the decoded model input), the
 * text with its SentencePiece tokens, and its audio (AudioPreview). Image files are read on
 * a private thread pool; only the newest request's answer is shown.
 * GUI thread.
 */
class SamplePreview final : public QWidget
{
    Q_OBJECT
public:
    explicit SamplePreview(QWidget *parent = nullptr);
    ~SamplePreview() override;

    /** Shows row `index` of `manifest`; `dataset` (may be null) adds tokens and decoded features. */
    void showSample(std::shared_ptr<const Manifest> manifest, std::shared_ptr<const Dataset> dataset, int index);
    void clear();
    QString shownText() const;
    QString sampleId() const { return m_sampleId; }

private:
    void showImage();
    void showTokens(const SampleRecord &record);
    void requestOriginalImage(const QString &path);
    void onOriginalImage(int serial, const QImage &image, const QString &path);

    QLabel *m_title;
    PixelImageView *m_image;
    QLabel *m_imageCaption;
    QToolButton *m_originalButton;
    QToolButton *m_modelInputButton;
    QLabel *m_text;
    TokenChips *m_tokens;
    QLabel *m_tokenNote;
    AudioPreview *m_audio;

    QThreadPool m_pool;
    int m_serial = 0; // bumps per shown sample: late answers for older ones are dropped
    QString m_sampleId;
    std::shared_ptr<const Manifest> m_manifest;
    std::shared_ptr<const Dataset> m_dataset;
    int m_index = -1;
    QImage m_originalImage;
    QImage m_modelInput;
};
