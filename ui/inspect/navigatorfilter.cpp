#include "ui/inspect/navigatorfilter.h"

NavigatorFilter::NavigatorFilter(QObject *parent) : QSortFilterProxyModel(parent)
{
    setSortRole(Qt::DisplayRole);
}

void NavigatorFilter::setClassName(const QString &name)
{
    if (name == m_className)
        return;
    m_className = name;
    invalidateFilter();
}

void NavigatorFilter::setOutcome(OutcomeFilter outcome)
{
    if (outcome == m_outcome)
        return;
    m_outcome = outcome;
    invalidateFilter();
}

void NavigatorFilter::setDisagreeOnly(bool only)
{
    if (only == m_disagreeOnly)
        return;
    m_disagreeOnly = only;
    invalidateFilter();
}

void NavigatorFilter::setExplicitSamples(const QSet<int> &indices, bool active)
{
    m_explicit = indices;
    m_explicitActive = active;
    invalidateFilter();
}

bool NavigatorFilter::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (m_explicitActive && !m_explicit.contains(index.data(NavigatorModel::IndexRole).toInt()))
        return false;
    if (!m_className.isEmpty() && index.data(NavigatorModel::LabelRole).toString() != m_className)
        return false;
    const int outcome = index.data(NavigatorModel::OutcomeRole).toInt();
    if (m_outcome == CorrectOnly && outcome != NavigatorModel::Correct)
        return false;
    if (m_outcome == IncorrectOnly && outcome != NavigatorModel::Incorrect)
        return false;
    return !m_disagreeOnly || index.data(NavigatorModel::DisagreeRole).toBool();
}
