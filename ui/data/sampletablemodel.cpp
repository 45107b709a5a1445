#include "ui/data/sampletablemodel.h"

#include "ui/data/thumbnailloader.h"
#include "ui/widgets/notelabel.h"

#include <QtCore/QDir>
#include <QtGui/QGuiApplication>
#include <QtGui/QPalette>

namespace {

const QString kAbsent = QStringLiteral("—");
const QString kPresent = QStringLiteral("✓");
const QString kFailed = QStringLiteral("✗");

QString relativePath(const Manifest &manifest, const QString &path)
{
    return QDir(manifest.root).relativeFilePath(path);
}

} // namespace

SampleTableModel::SampleTableModel(ThumbnailLoader *thumbnails, QObject *parent)
    : QAbstractTableModel(parent), m_thumbnails(thumbnails)
{
    connect(m_thumbnails, &ThumbnailLoader::thumbnailReady, this, &SampleTableModel::onThumbnailReady);
}

void SampleTableModel::setSource(std::shared_ptr<const Manifest> manifest, std::shared_ptr<const Dataset> dataset)
{
    beginResetModel();
    // Rows index the dataset's own records once it exists (presence is per dataset row).
    m_manifest = dataset ? std::shared_ptr<const Manifest>(dataset, &dataset->manifest()) : std::move(manifest);
    m_dataset = std::move(dataset);
    m_thumbnails->clear();
    endResetModel();
}

const SampleRecord *SampleTableModel::record(int row) const
{
    if (!m_manifest || row < 0 || row >= int(m_manifest->samples.size()))
        return nullptr;
    return &m_manifest->samples[std::size_t(row)];
}

PresenceMask SampleTableModel::presence(int row) const
{
    if (m_dataset && row < m_dataset->size())
        return m_dataset->presence(row);
    const SampleRecord *r = record(row);
    if (!r)
        return {false, false, false};
    return {r->hasText(), r->hasImage(), r->hasAudio()};
}

bool SampleTableModel::decodeFailed(const SampleRecord &record, int row, Modality modality) const
{
    if (!m_dataset)
        return false;
    const bool listed = modality == Modality::Image ? record.hasImage()
                      : modality == Modality::Audio ? record.hasAudio()
                                                    : record.hasText();
    return listed && !presence(row)[std::size_t(modality)];
}

int SampleTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() || !m_manifest ? 0 : int(m_manifest->samples.size());
}

int SampleTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SampleTableModel::data(const QModelIndex &index, int role) const
{
    const SampleRecord *r = record(index.row());
    if (!r)
        return {};
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return displayData(*r, index.row(), column);
    case Qt::ToolTipRole:
        return toolTipData(*r, index.row(), column);
    case Qt::DecorationRole:
        if (column == ImageColumn && presence(index.row())[std::size_t(Modality::Image)])
            return m_thumbnails->thumbnail(index.row(), r->imagePath);
        return {};
    case Qt::TextAlignmentRole:
        if (column == AudioColumn || column == ImageColumn)
            return int(Qt::AlignCenter);
        return int(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ForegroundRole: {
        const QString shown = displayData(*r, index.row(), column).toString();
        if (shown == kAbsent)
            return NoteLabel::mutedColor(QGuiApplication::palette());
        return {};
    }
    case SampleIndexRole:
        return index.row();
    default:
        return {};
    }
}

QVariant SampleTableModel::displayData(const SampleRecord &r, int row, int column) const
{
    switch (column) {
    case IdColumn:
        return r.id;
    case SplitColumn:
        return splitName(r.split);
    case LabelColumn:
        return r.label.isEmpty() ? kAbsent : r.label;
    case TextColumn:
        if (decodeFailed(r, row, Modality::Text))
            return kFailed;
        return r.hasText() ? r.text.simplified() : kAbsent;
    case ImageColumn:
        if (decodeFailed(r, row, Modality::Image))
            return kFailed;
        return r.hasImage() ? QVariant() : QVariant(kAbsent);
    case AudioColumn:
        if (decodeFailed(r, row, Modality::Audio))
            return kFailed;
        return r.hasAudio() ? kPresent : kAbsent;
    default:
        return {};
    }
}

QVariant SampleTableModel::toolTipData(const SampleRecord &r, int row, int column) const
{
    switch (column) {
    case IdColumn:
        return tr("%1 — manifest line %2").arg(r.id).arg(r.line);
    case SplitColumn:
        return r.splitFromHash ? tr("No split in the manifest: assigned from a hash of the id") : QVariant();
    case TextColumn:
        if (!r.textFile.isEmpty())
            return tr("%1\n\nfrom %2").arg(r.text, relativePath(*m_manifest, r.textFile));
        return r.hasText() ? QVariant(r.text) : QVariant(tr("No text"));
    case ImageColumn:
        if (!r.hasImage())
            return tr("No image");
        if (decodeFailed(r, row, Modality::Image))
            return tr("%1 could not be decoded (see Data Issues)").arg(relativePath(*m_manifest, r.imagePath));
        return relativePath(*m_manifest, r.imagePath);
    case AudioColumn:
        if (!r.hasAudio())
            return tr("No audio");
        if (decodeFailed(r, row, Modality::Audio))
            return tr("%1 could not be decoded (see Data Issues)").arg(relativePath(*m_manifest, r.audioPath));
        return relativePath(*m_manifest, r.audioPath);
    default:
        return {};
    }
}

QVariant SampleTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case IdColumn: return tr("ID");
    case SplitColumn: return tr("Split");
    case LabelColumn: return tr("Label");
    case TextColumn: return tr("Text");
    case ImageColumn: return tr("Image");
    case AudioColumn: return tr("Audio");
    default: return {};
    }
}

void SampleTableModel::onThumbnailReady(int row)
{
    if (row >= 0 && row < rowCount()) {
        const QModelIndex cell = index(row, ImageColumn);
        Q_EMIT dataChanged(cell, cell, {Qt::DecorationRole});
    }
}
