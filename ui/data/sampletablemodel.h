#pragma once

#include "core/data/dataset.h"
#include "core/data/manifest.h"

#include <QtCore/QAbstractTableModel>
#include <memory>

class ThumbnailLoader;

/**
 * The dataset's samples as table rows (one per manifest record). Shows the manifest as soon
 * as it is read and the decoded presence once the Dataset arrives. Thumbnails come lazily
 * from a ThumbnailLoader, only for rows a view asks about. GUI thread.
 */
class SampleTableModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { IdColumn, SplitColumn, LabelColumn, TextColumn, ImageColumn, AudioColumn, ColumnCount };
    enum Role { SampleIndexRole = Qt::UserRole + 1 };

    explicit SampleTableModel(ThumbnailLoader *thumbnails, QObject *parent = nullptr);

    /** Shows `manifest`; `dataset` (may be null) adds what survived decoding. */
    void setSource(std::shared_ptr<const Manifest> manifest, std::shared_ptr<const Dataset> dataset);
    std::shared_ptr<const Manifest> manifest() const { return m_manifest; }
    std::shared_ptr<const Dataset> dataset() const { return m_dataset; }
    /** nullptr when row is out of range. */
    const SampleRecord *record(int row) const;
    /** Which modalities the row carries: decoded presence when known, else the manifest's. */
    PresenceMask presence(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void onThumbnailReady(int row);
    QVariant displayData(const SampleRecord &record, int row, int column) const;
    QVariant toolTipData(const SampleRecord &record, int row, int column) const;
    /** Has the manifest's file for `modality` failed to decode? */
    bool decodeFailed(const SampleRecord &record, int row, Modality modality) const;

    ThumbnailLoader *m_thumbnails;
    std::shared_ptr<const Manifest> m_manifest;
    std::shared_ptr<const Dataset> m_dataset;
};
