#include "ui/data/samplefilterproxy.h"

#include "ui/data/sampletablemodel.h"

SampleFilterProxy::SampleFilterProxy(SampleTableModel *source, QObject *parent)
    : QSortFilterProxyModel(parent), m_source(source)
{
    setSourceModel(source);
    // Thumbnails arriving must not re-run filter and sort for their rows.
    setDynamicSortFilter(false);
}

void SampleFilterProxy::setSearchText(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed == m_search)
        return;
    m_search = trimmed;
    refilter();
}

void SampleFilterProxy::setSplitFilter(std::optional<Split> split)
{
    if (split == m_split)
        return;
    m_split = split;
    refilter();
}

void SampleFilterProxy::refilter()
{
    // invalidateFilter() reports each removed run of rows separately: with matches scattered
    // over 100 000 rows that is tens of thousands of rowsRemoved signals and takes seconds.
    // One layout change rebuilds the mapping in a single pass.
    invalidate();
}

bool SampleFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &) const
{
    const SampleRecord *r = m_source->record(sourceRow);
    if (!r)
        return false;
    if (m_split && r->split != *m_split)
        return false;
    if (m_search.isEmpty())
        return true;
    return r->id.contains(m_search, Qt::CaseInsensitive) || r->label.contains(m_search, Qt::CaseInsensitive)
        || r->text.contains(m_search, Qt::CaseInsensitive);
}

bool SampleFilterProxy::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const SampleRecord *a = m_source->record(left.row());
    const SampleRecord *b = m_source->record(right.row());
    if (!a || !b)
        return false;
    const auto byPresence = [this](int row, Modality m) { return m_source->presence(row)[std::size_t(m)]; };
    switch (left.column()) {
    case SampleTableModel::SplitColumn:
        if (a->split != b->split)
            return int(a->split) < int(b->split);
        break;
    case SampleTableModel::LabelColumn:
        if (a->label != b->label)
            return a->label < b->label;
        break;
    case SampleTableModel::TextColumn:
        if (const int c = a->text.compare(b->text, Qt::CaseInsensitive))
            return c < 0;
        break;
    case SampleTableModel::ImageColumn:
        if (byPresence(left.row(), Modality::Image) != byPresence(right.row(), Modality::Image))
            return byPresence(left.row(), Modality::Image);
        break;
    case SampleTableModel::AudioColumn:
        if (byPresence(left.row(), Modality::Audio) != byPresence(right.row(), Modality::Audio))
            return byPresence(left.row(), Modality::Audio);
        break;
    default:
        break;
    }
    // Ties (and the ID column) fall back to manifest order, which keeps sorting stable.
    if (left.column() == SampleTableModel::IdColumn && a->id != b->id)
        return a->id < b->id;
    return left.row() < right.row();
}
