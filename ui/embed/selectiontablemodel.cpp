#include "ui/embed/selectiontablemodel.h"

#include "core/data/split.h"

namespace {

enum Column { kId, kSplit, kLabel, kPrediction, kColumns };

} // namespace

void SelectionTableModel::setSelection(std::shared_ptr<const Dataset> dataset, const EmbeddingMap *map,
                                       const QStringList &classNames, const QVector<int> &points)
{
    beginResetModel();
    m_dataset = std::move(dataset);
    m_classNames = classNames;
    m_indices.clear();
    m_predicted.clear();
    if (m_dataset && map) {
        m_indices.reserve(points.size());
        m_predicted.reserve(points.size());
        for (int point : points) {
            if (point < 0 || std::size_t(point) >= map->indices.size())
                continue;
            m_indices << map->indices[std::size_t(point)];
            m_predicted << (std::size_t(point) < map->predicted.size() ? map->predicted[std::size_t(point)] : -1);
        }
    }
    endResetModel();
}

QVector<int> SelectionTableModel::datasetIndices() const
{
    return m_indices;
}

int SelectionTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_indices.size());
}

int SelectionTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : kColumns;
}

QVariant SelectionTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || !m_dataset || (role != Qt::DisplayRole && role != Qt::ToolTipRole))
        return {};
    const SampleRecord &record = m_dataset->record(m_indices.at(index.row()));
    switch (index.column()) {
    case kId:
        return role == Qt::ToolTipRole && record.hasText() ? QVariant(record.text) : QVariant(record.id);
    case kSplit:
        return splitName(record.split);
    case kLabel:
        return record.label.isEmpty() ? tr("unlabeled") : record.label;
    case kPrediction: {
        const int column = m_predicted.at(index.row());
        return column >= 0 && column < m_classNames.size() ? m_classNames.at(column) : QString();
    }
    default:
        return {};
    }
}

QVariant SelectionTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case kId: return tr("Sample");
    case kSplit: return tr("Split");
    case kLabel: return tr("Label");
    case kPrediction: return tr("Prediction");
    default: return {};
    }
}
