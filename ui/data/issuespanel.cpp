#include "ui/data/issuespanel.h"

#include "ui/data/issuetablemodel.h"
#include "ui/data/loadsummary.h"

#include <QtCore/QSortFilterProxyModel>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QTableView>
#include <QtWidgets/QVBoxLayout>

IssuesPanel::IssuesPanel(QWidget *parent) : QWidget(parent)
{
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("issuesSummary"));
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_search = new QLineEdit(this);
    m_search->setPlaceholderText(tr("Filter issues"));
    m_search->setClearButtonEnabled(true);
    m_search->setMaximumWidth(260);

    m_model = new IssueTableModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(IssueTableModel::SortRole);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterKeyColumn(-1);
    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("issuesTable"));
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(IssueTableModel::LineColumn, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->setVisible(false);
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    QHeaderView *header = m_view->horizontalHeader();
    header->setSectionResizeMode(IssueTableModel::ReasonColumn, QHeaderView::Stretch);
    header->resizeSection(IssueTableModel::LineColumn, 56);
    header->resizeSection(IssueTableModel::SampleColumn, 90);
    header->resizeSection(IssueTableModel::FileColumn, 150);

    auto *top = new QHBoxLayout;
    top->addWidget(m_summary, 1);
    top->addWidget(m_search);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(top);
    layout->addWidget(m_view, 1);

    connect(m_search, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_view, &QTableView::activated, this, [this](const QModelIndex &index) {
        const QModelIndex source = m_proxy->mapToSource(index);
        if (source.isValid() && source.row() < m_model->issues().size()) {
            const QString id = m_model->issues().at(source.row()).sampleId;
            if (!id.isEmpty())
                Q_EMIT sampleActivated(id);
        }
    });
    clear();
}

void IssuesPanel::setIssues(const Manifest &manifest, const DataIssues &issues, bool decoded)
{
    m_model->setIssues(issues, manifest.root);
    m_summary->setText(summarizeLoad(manifest, issues).text(decoded));
}

void IssuesPanel::clear()
{
    m_model->setIssues({}, {});
    m_summary->setText(tr("No dataset open"));
}

int IssuesPanel::issueCount() const
{
    return m_model->rowCount();
}

QString IssuesPanel::summary() const
{
    return m_summary->text();
}
