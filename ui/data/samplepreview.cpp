#include "ui/data/samplepreview.h"

#include "ui/data/audiopreview.h"
#include "ui/data/thumbnailloader.h"
#include "ui/widgets/notelabel.h"
#include "ui/widgets/pixelimageview.h"
#include "ui/widgets/tokenchips.h"

#include <QtCore/QDir>
#include <QtWidgets/QButtonGroup>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QToolButton>
#include <QtWidgets/QVBoxLayout>

namespace {

QLabel *sectionLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    QFont font = label->font();
    font.setBold(true);
    label->setFont(font);
    return label;
}

/** CHW bytes → an RGB QImage. */
QImage imageFromChw(const std::uint8_t *chw, int size)
{
    QImage image(size, size, QImage::Format_RGB888);
    const std::size_t plane = std::size_t(size) * std::size_t(size);
    for (int y = 0; y < size; ++y) {
        uchar *line = image.scanLine(y);
        for (int x = 0; x < size; ++x) {
            const std::size_t at = std::size_t(y) * std::size_t(size) + std::size_t(x);
            line[3 * x + 0] = chw[at];
            line[3 * x + 1] = chw[plane + at];
            line[3 * x + 2] = chw[2 * plane + at];
        }
    }
    return image;
}

} // namespace

SamplePreview::SamplePreview(QWidget *parent) : QWidget(parent)
{
    m_pool.setMaxThreadCount(2);

    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("previewTitle"));
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.15);
    m_title->setFont(titleFont);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_image = new PixelImageView(this);
    m_image->setObjectName(QStringLiteral("previewImage"));
    m_image->setMaximumWidth(280);
    m_imageCaption = new NoteLabel(this);
    m_originalButton = new QToolButton(this);
    m_originalButton->setText(tr("Original"));
    m_originalButton->setToolTip(tr("The image file as stored"));
    m_modelInputButton = new QToolButton(this);
    m_modelInputButton->setText(tr("Model input"));
    m_modelInputButton->setToolTip(tr("The decoded, resized image the model sees"));
    auto *imageModes = new QButtonGroup(this);
    for (QToolButton *button : {m_originalButton, m_modelInputButton}) {
        button->setCheckable(true);
        imageModes->addButton(button);
    }
    m_originalButton->setChecked(true);
    connect(imageModes, &QButtonGroup::buttonToggled, this, [this](QAbstractButton *, bool on) {
        if (on)
            showImage();
    });

    m_text = new QLabel(this);
    m_text->setObjectName(QStringLiteral("previewText"));
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::PlainText);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_text->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_tokens = new TokenChips(this);
    m_tokens->setObjectName(QStringLiteral("previewTokens"));
    m_tokenNote = new NoteLabel(this);
    m_tokenNote->setObjectName(QStringLiteral("tokenNote"));

    m_audio = new AudioPreview(this);

    auto *imageModeRow = new QHBoxLayout;
    imageModeRow->setSpacing(2);
    imageModeRow->addWidget(m_originalButton);
    imageModeRow->addWidget(m_modelInputButton);
    imageModeRow->addStretch(1);
    auto *imageColumn = new QVBoxLayout;
    imageColumn->addWidget(sectionLabel(tr("Image"), this));
    imageColumn->addWidget(m_image);
    imageColumn->addLayout(imageModeRow);
    imageColumn->addWidget(m_imageCaption);
    imageColumn->addStretch(1);
    auto *textColumn = new QVBoxLayout;
    textColumn->addWidget(sectionLabel(tr("Text"), this));
    textColumn->addWidget(m_text);
    textColumn->addSpacing(4);
    textColumn->addWidget(m_tokens);
    textColumn->addWidget(m_tokenNote);
    textColumn->addStretch(1);
    auto *top = new QHBoxLayout;
    top->addLayout(imageColumn, 0);
    top->addSpacing(12);
    top->addLayout(textColumn, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addLayout(top);
    layout->addSpacing(6);
    layout->addWidget(m_audio, 1);
    clear();
}

SamplePreview::~SamplePreview()
{
    ++m_serial;
    m_pool.clear();
    m_pool.waitForDone();
}

QString SamplePreview::shownText() const
{
    return m_text->text();
}

void SamplePreview::clear()
{
    ++m_serial;
    m_sampleId.clear();
    m_manifest.reset();
    m_dataset.reset();
    m_index = -1;
    m_originalImage = {};
    m_modelInput = {};
    m_title->setText(tr("No sample selected"));
    m_image->setPlaceholder(tr("Select a sample"));
    m_imageCaption->clear();
    m_modelInputButton->setEnabled(false);
    m_text->clear();
    m_tokens->setTokens({});
    m_tokenNote->clear();
    m_audio->clear();
}

void SamplePreview::showSample(std::shared_ptr<const Manifest> manifest, std::shared_ptr<const Dataset> dataset,
                               int index)
{
    if (!manifest || index < 0 || index >= int(manifest->samples.size())) {
        clear();
        return;
    }
    const SampleRecord &record = manifest->samples[std::size_t(index)];
    // The same sample again (its dataset just finished decoding): keep what was already read.
    const bool same = record.id == m_sampleId && m_manifest && m_manifest->root == manifest->root;
    if (!same) {
        ++m_serial;
        m_originalImage = {};
    }
    m_manifest = std::move(manifest);
    m_dataset = std::move(dataset);
    m_index = index;
    m_sampleId = record.id;

    QStringList title{record.id, splitName(record.split)};
    title << (record.label.isEmpty() ? tr("unlabeled") : record.label);
    m_title->setText(title.join(QStringLiteral("  ·  ")));

    m_modelInput = {};
    if (m_dataset && m_dataset->presence(index)[std::size_t(Modality::Image)]) {
        if (const std::uint8_t *chw = m_dataset->image(index))
            m_modelInput = imageFromChw(chw, m_dataset->preprocess().imageSize);
    }
    m_modelInputButton->setEnabled(!m_modelInput.isNull());
    if (record.hasImage() && m_originalImage.isNull())
        requestOriginalImage(record.imagePath);
    showImage();

    m_text->setText(record.hasText() ? record.text : tr("No text"));
    showTokens(record);
    m_audio->showAudio(m_manifest->root, record, m_dataset.get(), index, same);
}

void SamplePreview::showImage()
{
    const SampleRecord *record = m_index >= 0 ? &m_manifest->samples[std::size_t(m_index)] : nullptr;
    if (!record || !record->hasImage()) {
        m_image->setPlaceholder(tr("No image"));
        m_imageCaption->clear();
        return;
    }
    const bool decodedOnly = m_modelInputButton->isChecked() && !m_modelInput.isNull();
    const QImage &image = decodedOnly ? m_modelInput : m_originalImage;
    const QString file = QDir(m_manifest->root).relativeFilePath(record->imagePath);
    if (image.isNull()) {
        m_image->setPlaceholder(tr("Loading…"));
        m_imageCaption->setText(file);
        return;
    }
    m_image->setImage(image);
    m_imageCaption->setText(decodedOnly ? tr("model input %1×%1").arg(image.width())
                                        : tr("%1 (%2×%3)").arg(file).arg(image.width()).arg(image.height()));
}

void SamplePreview::requestOriginalImage(const QString &path)
{
    const int serial = m_serial;
    m_pool.start([this, serial, path] {
        // Big enough for the preview box at high DPI; a huge photo is reduced while decoding.
        const QImage image = ThumbnailLoader::readScaled(path, QSize(1024, 1024));
        QMetaObject::invokeMethod(this, [this, serial, image, path] { onOriginalImage(serial, image, path); },
                                  Qt::QueuedConnection);
    });
}

void SamplePreview::onOriginalImage(int serial, const QImage &image, const QString &path)
{
    if (serial != m_serial)
        return;
    m_originalImage = image;
    if (image.isNull() && !m_modelInputButton->isChecked()) {
        m_image->setPlaceholder(tr("Cannot read %1").arg(QDir(m_manifest->root).relativeFilePath(path)));
        return;
    }
    showImage();
}

void SamplePreview::showTokens(const SampleRecord &record)
{
    if (!record.hasText()) {
        m_tokens->setTokens({});
        m_tokenNote->clear();
        return;
    }
    if (!m_dataset || !m_dataset->tokenizer().isLoaded()) {
        m_tokens->setTokens({});
        m_tokenNote->setText(tr("Tokens appear once the dataset is decoded and its tokenizer is ready."));
        return;
    }
    const QStringList pieces = m_dataset->tokenizer().pieces(record.text);
    const std::vector<std::int64_t> &ids = m_dataset->tokens(m_index);
    QList<qint64> shownIds;
    for (int i = 0; i < pieces.size() && i < int(ids.size()); ++i)
        shownIds << qint64(ids[std::size_t(i)]);
    m_tokens->setTokens(pieces, shownIds);
    const int length = m_dataset->preprocess().textLength;
    m_tokenNote->setText(pieces.size() > length
                             ? tr("%1 tokens, truncated to the text length T = %2").arg(pieces.size()).arg(length)
                             : tr("%1 tokens of T = %2 (the rest is padding)").arg(pieces.size()).arg(length));
}
