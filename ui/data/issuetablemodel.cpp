#include "ui/data/issuetablemodel.h"

#include <QtCore/QDir>
#include <QtCore/QFileInfo>

void IssueTableModel::setIssues(const DataIssues &issues, const QString &root)
{
    beginResetModel();
    m_issues = issues;
    m_root = root;
    endResetModel();
}

int IssueTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_issues.size());
}

int IssueTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString IssueTableModel::shownFile(const DataIssue &issue) const
{
    // The field's own path (an image that failed) says more than the manifest the line is in.
    if (!issue.path.isEmpty())
        return issue.field.isEmpty() ? issue.path : QStringLiteral("%1 \"%2\"").arg(issue.field, issue.path);
    if (!issue.field.isEmpty())
        return issue.field;
    if (issue.file.isEmpty() || m_root.isEmpty() || QFileInfo(issue.file).isRelative())
        return issue.file;
    const QString relative = QDir(m_root).relativeFilePath(issue.file);
    // A path outside the dataset (the escape attempts) is shown as written, not as ../../..
    return relative.startsWith(QLatin1String("..")) ? issue.file : relative;
}

QVariant IssueTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_issues.size())
        return {};
    const DataIssue &issue = m_issues.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case LineColumn: return issue.line > 0 ? QVariant(issue.line) : QVariant(QStringLiteral("—"));
        case SampleColumn: return issue.sampleId.isEmpty() ? QStringLiteral("—") : issue.sampleId;
        case FileColumn: return shownFile(issue);
        case ReasonColumn: return issue.reason;
        default: return {};
        }
    case SortRole:
        if (index.column() == LineColumn)
            return issue.line;
        return data(index, Qt::DisplayRole);
    case Qt::ToolTipRole:
        return issue.toString();
    case Qt::TextAlignmentRole:
        return index.column() == LineColumn ? int(Qt::AlignRight | Qt::AlignVCenter)
                                            : int(Qt::AlignLeft | Qt::AlignVCenter);
    default:
        return {};
    }
}

QVariant IssueTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case LineColumn: return tr("Line");
    case SampleColumn: return tr("Sample");
    case FileColumn: return tr("File");
    case ReasonColumn: return tr("Reason");
    default: return {};
    }
}
