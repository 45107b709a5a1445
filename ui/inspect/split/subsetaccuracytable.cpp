#include "ui/inspect/split/subsetaccuracytable.h"

#include "core/eval/evalreport.h"
#include "ui/inspect/split/accuracybardelegate.h"

#include <QtWidgets/QHeaderView>
#include <algorithm>
#include <cmath>

namespace {

/** "text+image" → "text + image"; the full set says so. */
QString displayName(const QString &key)
{
    const QStringList parts = key.split(QLatin1Char('+'));
    if (parts.size() == 3)
        return SubsetAccuracyTable::tr("all (%1)").arg(parts.join(QStringLiteral(" + ")));
    return parts.join(QStringLiteral(" + "));
}

} // namespace

SubsetAccuracyTable::SubsetAccuracyTable(QWidget *parent) : QTableWidget(parent)
{
    setColumnCount(2);
    setHorizontalHeaderLabels({tr("Modalities used"), tr("Accuracy")});
    verticalHeader()->setVisible(false);
    horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSelectionMode(QAbstractItemView::NoSelection);
    setFocusPolicy(Qt::NoFocus);
    setItemDelegateForColumn(1, new AccuracyBarDelegate(this));
    setToolTip(tr("Accuracy when the model sees only these modalities (the others marked absent)."));
    clearAccuracies();
}

void SubsetAccuracyTable::setAccuracies(const QMap<QString, double> &accuracy, int labeled)
{
    setHorizontalHeaderLabels({tr("Modalities used"), tr("Accuracy")});
    setToolTip(tr("Accuracy when the model sees only these modalities (the others marked absent)."));
    fill(accuracy, labeled, true);
}

void SubsetAccuracyTable::setScores(const QMap<QString, double> &scores, int labeled, const QString &scoreName)
{
    setHorizontalHeaderLabels({tr("Modalities used"), scoreName});
    setToolTip(tr("%1 when the model sees only these modalities (the others marked absent).").arg(scoreName));
    fill(scores, labeled, false);
}

void SubsetAccuracyTable::fill(const QMap<QString, double> &accuracy, int labeled, bool percent)
{
    const QStringList keys = EvalReport::subsetNames();
    setRowCount(int(keys.size()));
    for (int row = 0; row < keys.size(); ++row) {
        const QString &key = keys.at(row);
        auto *name = new QTableWidgetItem(displayName(key));
        const bool known = accuracy.contains(key) && std::isfinite(accuracy.value(key));
        auto *value = new QTableWidgetItem(!known  ? tr("n/a")
                                           : percent ? tr("%1 %").arg(100.0 * accuracy.value(key), 0, 'f', 1)
                                                     : QString::number(accuracy.value(key), 'f', 3));
        value->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        if (known)
            value->setData(Qt::UserRole, std::clamp(accuracy.value(key), 0.0, 1.0));
        value->setToolTip(percent ? tr("%1 of %2 labeled samples").arg(qRound(accuracy.value(key) * labeled)).arg(labeled)
                                  : tr("over %1 labeled samples").arg(labeled));
        if (row == keys.size() - 1) {
            QFont bold = name->font();
            bold.setBold(true);
            name->setFont(bold);
            value->setFont(bold);
        }
        setItem(row, 0, name);
        setItem(row, 1, value);
    }
    fitHeight();
}

void SubsetAccuracyTable::clearAccuracies()
{
    setRowCount(0);
    fitHeight();
}

void SubsetAccuracyTable::fitHeight()
{
    // Seven short rows: no scrolling and no empty band below them.
    const int rows = std::max(rowCount(), 7);
    setFixedHeight(horizontalHeader()->sizeHint().height() + rows * verticalHeader()->defaultSectionSize()
                   + 2 * frameWidth());
}
