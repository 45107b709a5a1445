#include "ui/train/configcomparison.h"

#include <QtCore/QEvent>
#include <QtCore/QHash>
#include <QtWidgets/QHeaderView>

ConfigComparison::ConfigComparison(QWidget *parent) : QTableWidget(parent)
{
    setObjectName(QStringLiteral("configComparison"));
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSelectionMode(QAbstractItemView::NoSelection);
    setAlternatingRowColors(false);
    setWordWrap(false);
    horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    horizontalHeader()->setStretchLastSection(true);
    verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    setToolTip(tr("The selected runs' configurations; highlighted rows differ between them."));
}

void ConfigComparison::setRuns(const QList<RunRecord> &runs)
{
    QStringList fields;
    QList<QHash<QString, QString>> values;
    for (const RunRecord &run : runs) {
        QHash<QString, QString> column;
        for (const auto &row : runhistory::configRows(run)) {
            if (!fields.contains(row.first))
                fields << row.first;
            column.insert(row.first, row.second);
        }
        values << column;
    }
    // Differences first: those are what a comparison is for.
    m_differing.clear();
    QStringList same;
    for (const QString &field : std::as_const(fields)) {
        bool differs = false;
        for (int c = 1; c < values.size() && !differs; ++c)
            differs = values[c].value(field, QStringLiteral("—")) != values[0].value(field, QStringLiteral("—"));
        (differs ? m_differing : same) << field;
    }
    const QStringList ordered = m_differing + same;

    clear();
    setColumnCount(int(runs.size()));
    setRowCount(int(ordered.size()));
    QStringList headers;
    for (const RunRecord &run : runs)
        headers << run.name;
    setHorizontalHeaderLabels(headers);
    setVerticalHeaderLabels(ordered);
    for (int r = 0; r < ordered.size(); ++r) {
        for (int c = 0; c < runs.size(); ++c) {
            auto *item = new QTableWidgetItem(values[c].value(ordered[r], QStringLiteral("—")));
            item->setToolTip(item->text());
            setItem(r, c, item);
        }
    }
    highlight();
    resizeColumnsToContents();
}

void ConfigComparison::changeEvent(QEvent *event)
{
    QTableWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        highlight();
}

void ConfigComparison::highlight()
{
    QColor tint = palette().color(QPalette::Highlight);
    tint.setAlpha(60);
    for (int r = 0; r < rowCount(); ++r) {
        const bool differs = r < m_differing.size();
        if (QTableWidgetItem *header = verticalHeaderItem(r)) {
            QFont font = header->font();
            font.setBold(differs);
            header->setFont(font);
        }
        for (int c = 0; c < columnCount(); ++c) {
            if (QTableWidgetItem *cell = item(r, c)) {
                cell->setBackground(differs ? QBrush(tint) : QBrush());
                QFont font = cell->font();
                font.setBold(differs);
                cell->setFont(font);
            }
        }
    }
}
