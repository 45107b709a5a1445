#pragma once

#include "core/data/dataissue.h"

#include <QtCore/QAbstractTableModel>

/** Every DataIssue of the open dataset as a row: line, sample, file, reason. GUI thread. */
class IssueTableModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { LineColumn, SampleColumn, FileColumn, ReasonColumn, ColumnCount };
    /** Sorting key: numbers sort as numbers. */
    static constexpr int SortRole = Qt::UserRole + 1;

    using QAbstractTableModel::QAbstractTableModel;

    /** `root` makes file paths relative to the dataset folder. */
    void setIssues(const DataIssues &issues, const QString &root);
    const DataIssues &issues() const { return m_issues; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QString shownFile(const DataIssue &issue) const;

    DataIssues m_issues;
    QString m_root;
};
