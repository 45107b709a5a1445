#include "ui/inspect/navigatormodel.h"

#include <QtGui/QColor>

namespace {

const QColor kCorrect(46, 160, 67);
const QColor kWrong(218, 54, 51);

} // namespace

NavigatorModel::NavigatorModel(QObject *parent) : QAbstractTableModel(parent) {}

void NavigatorModel::setSamples(std::shared_ptr<const Dataset> dataset, const std::vector<int> &indices)
{
    beginResetModel();
    m_dataset = std::move(dataset);
    m_indices = QVector<int>(indices.begin(), indices.end());
    m_rowOf.clear();
    for (int row = 0; row < m_indices.size(); ++row)
        m_rowOf.insert(m_indices.at(row), row);
    m_outcomes.clear();
    endResetModel();
}

void NavigatorModel::addOutcomes(const QVector<SampleOutcome> &outcomes)
{
    int first = int(m_indices.size());
    int last = -1;
    for (const SampleOutcome &outcome : outcomes) {
        const int row = rowOf(outcome.index);
        if (row < 0)
            continue;
        m_outcomes.insert(outcome.index, outcome);
        first = std::min(first, row);
        last = std::max(last, row);
    }
    if (last >= first)
        Q_EMIT dataChanged(index(first, 0), index(last, ColumnCount - 1));
}

void NavigatorModel::clearOutcomes()
{
    if (m_outcomes.isEmpty())
        return;
    m_outcomes.clear();
    if (!m_indices.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(int(m_indices.size()) - 1, ColumnCount - 1));
}

NavigatorModel::Outcome NavigatorModel::outcome(int row) const
{
    const int sample = datasetIndex(row);
    const auto it = m_outcomes.constFind(sample);
    if (it == m_outcomes.constEnd() || !m_dataset)
        return Unknown;
    if (!m_dataset->record(sample).hasLabel())
        return Unlabeled;
    return it->verdict == 1 ? Correct : it->verdict == 0 ? Incorrect : Unknown; // a regression has no verdict
}

int NavigatorModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_indices.size());
}

int NavigatorModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant NavigatorModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || !m_dataset || index.row() >= m_indices.size())
        return {};
    const int sample = m_indices.at(index.row());
    const SampleRecord &record = m_dataset->record(sample);
    const auto found = m_outcomes.constFind(sample);
    const SampleOutcome *outcome = found == m_outcomes.constEnd() ? nullptr : &*found;
    switch (role) {
    case IndexRole:
        return sample;
    case LabelRole:
        return record.label;
    case OutcomeRole:
        return int(this->outcome(index.row()));
    case DisagreeRole:
        return outcome && outcome->modalitiesDisagree();
    default:
        break;
    }
    const int column = index.column();
    if (role == Qt::DisplayRole) {
        switch (column) {
        case IdColumn:
            return record.id;
        case LabelColumn:
            return record.label;
        case PredictedColumn: {
            if (!outcome)
                return QStringLiteral("…");
            const Outcome result = this->outcome(index.row());
            const QString mark = result == Correct ? QStringLiteral("✓ ") : result == Incorrect ? QStringLiteral("✗ ") : QString();
            return mark + outcome->predicted;
        }
        default: {
            if (!outcome)
                return {};
            const QString &says = outcome->unimodal[std::size_t(column - TextColumn)];
            return says.isEmpty() ? QStringLiteral("—") : says;
        }
        }
    }
    if (role == Qt::ForegroundRole && outcome) {
        if (column == PredictedColumn) {
            const Outcome result = this->outcome(index.row());
            return result == Correct ? kCorrect : result == Incorrect ? kWrong : QVariant();
        }
        if (column >= TextColumn && !record.label.isEmpty()) {
            const QString &says = outcome->unimodal[std::size_t(column - TextColumn)];
            if (!says.isEmpty())
                return says == record.label ? kCorrect : QVariant();
        }
    }
    if (role == Qt::ToolTipRole && outcome) {
        QStringList lines;
        lines << tr("%1: predicted %2, true %3").arg(record.id, outcome->predicted, record.label.isEmpty() ? tr("unlabeled") : record.label);
        for (Modality m : kAllModalities) {
            const QString &says = outcome->unimodal[std::size_t(int(m))];
            lines << (says.isEmpty() ? tr("%1: absent").arg(modalityName(m)) : tr("%1 alone: %2").arg(modalityName(m), says));
        }
        if (outcome->modalitiesDisagree())
            lines << tr("The modalities disagree (mean distance %1).").arg(outcome->disagreement, 0, 'f', 2);
        return lines.join(QLatin1Char('\n'));
    }
    return {};
}

QVariant NavigatorModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case IdColumn:
            return tr("ID");
        case LabelColumn:
            return tr("Label");
        case PredictedColumn:
            return tr("Predicted");
        case TextColumn:
            return tr("Text");
        case ImageColumn:
            return tr("Image");
        case AudioColumn:
            return tr("Audio");
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole && section >= TextColumn)
        return tr("What the model predicts from this modality alone (the others masked as absent)");
    return {};
}
