#pragma once

#include "core/data/dataset.h"
#include "ui/embed/embedresults.h"

#include <QtCore/QAbstractTableModel>
#include <QtCore/QVector>

#include <memory>

/**
 * The samples a box or lasso selected on the map: id, split, label and the model's
 * prediction, one row per point. A model rather than a table widget, so selecting 20 000
 * points costs nothing until rows are painted. GUI thread.
 */
class SelectionTableModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    using QAbstractTableModel::QAbstractTableModel;

    /** `points` index `map`; `dataset` is the one map.indices refer to. */
    void setSelection(std::shared_ptr<const Dataset> dataset, const EmbeddingMap *map, const QStringList &classNames,
                      const QVector<int> &points);
    /** Dataset indices (of the attached dataset) of the rows, in row order. */
    QVector<int> datasetIndices() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    std::shared_ptr<const Dataset> m_dataset;
    QStringList m_classNames;
    QVector<int> m_indices;   ///< dataset indices
    QVector<int> m_predicted; ///< -1: none
};
