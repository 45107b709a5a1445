#pragma once

#include "core/data/dataset.h"
#include "ui/inspect/explainresults.h"

#include <QtCore/QAbstractTableModel>
#include <QtCore/QHash>
#include <memory>
#include <vector>

/**
 * The samples of one split for the Inspect navigator: id, true label, the prediction and what
 * each modality alone predicts, filled in as the worker's predictions pass reports. GUI thread.
 */
class NavigatorModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { IdColumn, LabelColumn, PredictedColumn, TextColumn, ImageColumn, AudioColumn, ColumnCount };
    enum Role {
        IndexRole = Qt::UserRole + 1, ///< dataset index (int)
        LabelRole,                    ///< true class name
        OutcomeRole,                  ///< Outcome
        DisagreeRole,                 ///< bool: modalities alone disagree
    };
    enum Outcome { Unknown = 0, Correct, Incorrect, Unlabeled };

    explicit NavigatorModel(QObject *parent = nullptr);

    /** Lists `indices` of `dataset` (in that order), forgetting predictions. */
    void setSamples(std::shared_ptr<const Dataset> dataset, const std::vector<int> &indices);
    void addOutcomes(const QVector<SampleOutcome> &outcomes);
    void clearOutcomes();

    int datasetIndex(int row) const { return m_indices.value(row, -1); }
    int rowOf(int datasetIndex) const { return m_rowOf.value(datasetIndex, -1); }
    const QVector<int> &indices() const { return m_indices; }
    int predictedCount() const { return int(m_outcomes.size()); }
    Outcome outcome(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::shared_ptr<const Dataset> m_dataset;
    QVector<int> m_indices;
    QHash<int, int> m_rowOf;
    QHash<int, SampleOutcome> m_outcomes; ///< by dataset index
};
