#include "ui/inspect/split/disagreementtable.h"

#include <QtWidgets/QHeaderView>

namespace {

/** "+0.12 / −0.05 / +0.30", with a note when the signs conflict; "—" for absent modalities. */
QString shapleyText(const DisagreementCase &c)
{
    QStringList parts;
    for (int m = 0; m < 3; ++m) {
        if (c.unimodal[std::size_t(m)].isEmpty())
            parts << QStringLiteral("—");
        else
            parts << QStringLiteral("%1%2").arg(c.shapley[std::size_t(m)] >= 0 ? QStringLiteral("+") : QString())
                         .arg(c.shapley[std::size_t(m)], 0, 'f', 2);
    }
    QString text = parts.join(QStringLiteral(" / "));
    if (c.signConflict)
        text += DisagreementTable::tr("  (pull both ways)");
    return text;
}

} // namespace

DisagreementTable::DisagreementTable(QWidget *parent) : QTableWidget(parent)
{
    setColumnCount(8);
    setHorizontalHeaderLabels({tr("Sample"), tr("True"), tr("Predicted"), tr("Text alone"), tr("Image alone"),
                               tr("Audio alone"), tr("Disagreement"), tr("Shapley text / image / audio")});
    horizontalHeaderItem(6)->setToolTip(
        tr("Mean total-variation distance between the predictions of each modality alone (0 = agree, 1 = disjoint)."));
    verticalHeader()->setVisible(false);
    horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    horizontalHeader()->setStretchLastSection(true);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setWordWrap(false);
    connect(this, &QTableWidget::cellClicked, this, [this](int row, int) {
        if (row >= 0 && row < int(m_cases.size()))
            Q_EMIT sampleClicked(m_cases[std::size_t(row)].index, m_cases[std::size_t(row)].sampleId);
    });
    // Keyboard users activate a row with Enter.
    connect(this, &QTableWidget::cellActivated, this, [this](int row, int) {
        if (row >= 0 && row < int(m_cases.size()))
            Q_EMIT sampleClicked(m_cases[std::size_t(row)].index, m_cases[std::size_t(row)].sampleId);
    });
}

void DisagreementTable::setCases(const std::vector<DisagreementCase> &cases)
{
    m_cases = cases;
    setRowCount(int(cases.size()));
    for (int row = 0; row < int(cases.size()); ++row) {
        const DisagreementCase &c = cases[std::size_t(row)];
        const QString dash = QStringLiteral("—");
        const QStringList cells{c.sampleId,
                                c.label.isEmpty() ? dash : c.label,
                                c.predicted,
                                c.unimodal[0].isEmpty() ? dash : c.unimodal[0],
                                c.unimodal[1].isEmpty() ? dash : c.unimodal[1],
                                c.unimodal[2].isEmpty() ? dash : c.unimodal[2],
                                QString::number(c.score, 'f', 2),
                                shapleyText(c)};
        for (int column = 0; column < cells.size(); ++column) {
            auto *item = new QTableWidgetItem(cells.at(column));
            if (column == 6)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            if (column == 2 && !c.label.isEmpty() && c.label != c.predicted) {
                item->setText(tr("%1 (wrong)").arg(c.predicted));
                QFont bold = item->font();
                bold.setBold(true);
                item->setFont(bold);
            }
            item->setToolTip(c.reason);
            setItem(row, column, item);
        }
    }
}

void DisagreementTable::clearCases()
{
    m_cases.clear();
    setRowCount(0);
}

int DisagreementTable::indexAt(int row) const
{
    return row >= 0 && row < int(m_cases.size()) ? m_cases[std::size_t(row)].index : -1;
}
