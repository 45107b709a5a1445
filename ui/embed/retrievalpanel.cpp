#include "ui/embed/retrievalpanel.h"

#include "core/data/modality.h"
#include "ui/data/thumbnailloader.h"
#include "ui/embed/retrievalhitrow.h"
#include "ui/widgets/notelabel.h"

#include <QtCore/QFileInfo>
#include <QtCore/QMimeData>
#include <QtGui/QDragEnterEvent>
#include <QtGui/QDropEvent>
#include <QtGui/QImageReader>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QScrollArea>
#include <QtWidgets/QVBoxLayout>

namespace {

/** Hits' thumbnails share the loader with the map's hover card: keys above every dataset index. */
constexpr int kHitKeyOffset = 1 << 29;

bool isImageFile(const QString &path)
{
    return QImageReader::supportedImageFormats().contains(QFileInfo(path).suffix().toLower().toLatin1());
}

QString localFile(const QMimeData *mime)
{
    if (!mime || !mime->hasUrls() || mime->urls().size() != 1 || !mime->urls().first().isLocalFile())
        return {};
    const QString path = mime->urls().first().toLocalFile();
    return QFileInfo(path).isFile() ? path : QString();
}

} // namespace

RetrievalPanel::RetrievalPanel(ThumbnailLoader *thumbnails, QWidget *parent) : QWidget(parent), m_thumbnails(thumbnails)
{
    setObjectName(QStringLiteral("retrievalPanel"));
    setAcceptDrops(true);
    auto *title = new QLabel(tr("<b>Retrieval</b>"), this);
    m_askWith = new QComboBox(this);
    m_askWith->setObjectName(QStringLiteral("askWithModality"));
    m_askWith->addItems({tr("text"), tr("image"), tr("audio")});
    m_askWith->setCurrentIndex(2);
    m_askWith->setToolTip(tr("Which of a clicked sample's modalities asks; the others answer"));
    m_text = new QLineEdit(this);
    m_text->setObjectName(QStringLiteral("retrievalText"));
    m_text->setPlaceholderText(tr("Type a caption to search the images and recordings…"));
    m_text->setClearButtonEnabled(true);
    m_search = new QPushButton(tr("Search"), this);
    m_search->setObjectName(QStringLiteral("retrievalSearch"));
    m_file = new QPushButton(tr("File…"), this);
    m_file->setToolTip(tr("Ask with an image or audio file (or drop one here)"));
    m_status = new NoteLabel(this);
    m_status->setObjectName(QStringLiteral("retrievalStatus"));
    m_status->setWordWrap(true);

    m_results = new QWidget(this);
    m_resultsLayout = new QVBoxLayout(m_results);
    m_resultsLayout->setContentsMargins(0, 0, 0, 0);
    m_resultsLayout->setSpacing(2);
    m_resultsLayout->addStretch(1);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setWidget(m_results);
    scroll->setFrameShape(QFrame::NoFrame);

    auto *askRow = new QHBoxLayout;
    askRow->addWidget(title);
    askRow->addStretch(1);
    askRow->addWidget(new QLabel(tr("A clicked point asks with its"), this));
    askRow->addWidget(m_askWith);
    auto *textRow = new QHBoxLayout;
    textRow->addWidget(m_text, 1);
    textRow->addWidget(m_search);
    textRow->addWidget(m_file);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(askRow);
    layout->addLayout(textRow);
    layout->addWidget(m_status);
    layout->addWidget(scroll, 1);

    connect(m_search, &QPushButton::clicked, this, &RetrievalPanel::askWithText);
    connect(m_text, &QLineEdit::returnPressed, this, &RetrievalPanel::askWithText);
    connect(m_file, &QPushButton::clicked, this, &RetrievalPanel::chooseFile);
    connect(m_thumbnails, &ThumbnailLoader::thumbnailReady, this, &RetrievalPanel::onThumbnailReady);
    setModel({}, nullptr);
}

void RetrievalPanel::setModel(const EmbedModelInfo &info, std::shared_ptr<const Dataset> dataset)
{
    m_dataset = std::move(dataset);
    m_enabled = m_dataset && info.canRetrieve;
    for (QWidget *input : std::initializer_list<QWidget *>{m_askWith, m_text, m_search, m_file})
        input->setEnabled(m_enabled);
    clearHits();
    if (!m_dataset)
        m_status->setText(tr("Retrieval searches a model's per-modality embeddings once a model is attached to the dataset."));
    else if (!info.canRetrieve)
        m_status->setText(tr("This model has no per-modality embeddings (embed/text, embed/image, embed/audio) to search; a model "
                             "trained with the contrastive or contrastive+classify objective has them."));
    else
        m_status->setText(tr("Click a point on the map, type a caption, or drop an image or audio file here."));
}

void RetrievalPanel::askWithSample(int datasetIndex)
{
    if (!m_enabled || datasetIndex < 0 || datasetIndex >= m_dataset->size())
        return;
    const PresenceMask present = m_dataset->presence(datasetIndex);
    int modality = m_askWith->currentIndex();
    if (!present[std::size_t(modality)])
        modality = present[0] ? 0 : present[1] ? 1 : 2;
    RetrievalQuery query;
    query.kind = RetrievalQuery::Kind::Sample;
    query.datasetIndex = datasetIndex;
    query.modality = modality;
    ask(query);
}

void RetrievalPanel::askWithText()
{
    const QString text = m_text->text().trimmed();
    if (!m_enabled || text.isEmpty())
        return;
    RetrievalQuery query;
    query.kind = RetrievalQuery::Kind::Text;
    query.modality = 0;
    query.value = text;
    ask(query);
}

void RetrievalPanel::askWithFile(const QString &path)
{
    if (!m_enabled)
        return;
    RetrievalQuery query;
    query.kind = RetrievalQuery::Kind::File;
    query.modality = isImageFile(path) ? 1 : 2;
    query.value = path;
    ask(query);
}

void RetrievalPanel::chooseFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Ask with an Image or Audio File"), QString(),
                                                      tr("Images and audio (*.png *.jpg *.jpeg *.bmp *.webp *.wav *.flac *.mp3 *.ogg *.m4a);;All files (*)"));
    if (!path.isEmpty())
        askWithFile(path);
}

void RetrievalPanel::ask(const RetrievalQuery &query)
{
    m_status->setText(tr("Searching…"));
    Q_EMIT queryRequested(query);
}

void RetrievalPanel::showAnswer(const RetrievalAnswer &answer)
{
    clearHits();
    if (!answer.error.isEmpty()) {
        m_status->setText(answer.error);
        return;
    }
    m_status->setText(tr("Nearest to %1 (%2 ms):").arg(answer.query.toHtmlEscaped()).arg(answer.milliseconds, 0, 'f', 1));
    int position = 0;
    for (int target = 0; target < 3; ++target) {
        if (target == answer.queryModality)
            continue;
        const std::vector<RetrievalHit> &hits = answer.hits[std::size_t(target)];
        auto *header = new QLabel(hits.empty() ? tr("<b>%1</b>: no sample has one").arg(modalityName(Modality(target)))
                                               : tr("<b>%1</b>").arg(modalityName(Modality(target))),
                                  m_results);
        m_resultsLayout->insertWidget(position++, header);
        int rank = 0;
        for (const RetrievalHit &hit : hits) {
            auto *row = new RetrievalHitRow(hit, target, ++rank, m_results);
            if (target == 1 && hit.datasetIndex >= 0)
                row->setPicture(m_thumbnails->thumbnail(kHitKeyOffset + hit.datasetIndex, hit.imagePath));
            connect(row, &RetrievalHitRow::activated, this, &RetrievalPanel::hitActivated);
            m_resultsLayout->insertWidget(position++, row);
        }
    }
}

QList<RetrievalHitRow *> RetrievalPanel::hitRows() const
{
    return m_results->findChildren<RetrievalHitRow *>(QString(), Qt::FindDirectChildrenOnly);
}

void RetrievalPanel::clearHits()
{
    // Everything but the trailing stretch.
    while (m_resultsLayout->count() > 1) {
        QLayoutItem *item = m_resultsLayout->takeAt(0);
        delete item->widget();
        delete item;
    }
}

void RetrievalPanel::onThumbnailReady(int key)
{
    if (key < kHitKeyOffset)
        return;
    for (RetrievalHitRow *row : hitRows())
        if (row->hit().datasetIndex == key - kHitKeyOffset && !row->hit().imagePath.isEmpty())
            row->setPicture(m_thumbnails->thumbnail(key, row->hit().imagePath));
}

void RetrievalPanel::dragEnterEvent(QDragEnterEvent *event)
{
    if (m_enabled && !localFile(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void RetrievalPanel::dropEvent(QDropEvent *event)
{
    const QString path = localFile(event->mimeData());
    if (path.isEmpty())
        return;
    event->acceptProposedAction();
    askWithFile(path);
}
