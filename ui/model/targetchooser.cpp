#include "ui/model/targetchooser.h"

#include <QtCore/QSignalBlocker>

#include <algorithm>

TargetChooser::TargetChooser(QWidget *parent) : QListWidget(parent)
{
    setSelectionMode(QAbstractItemView::NoSelection);
    setVisible(false);
    connect(this, &QListWidget::itemChanged, this, [this] {
        m_wanted = chosen();
        Q_EMIT changed();
    });
}

void TargetChooser::setNames(const QStringList &names)
{
    {
        const QSignalBlocker blocker(this);
        clear();
        for (const QString &name : names) {
            auto *item = new QListWidgetItem(name, this);
            item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        }
        applyWish();
    }
    // As tall as its rows (two targets take two lines), scrolling beyond six.
    const int rows = std::clamp(int(names.size()), 1, 6);
    setFixedHeight(rows * std::max(sizeHintForRow(0), fontMetrics().height()) + 2 * frameWidth() + 2);
    setVisible(!names.isEmpty());
}

QStringList TargetChooser::chosen() const
{
    QStringList names;
    for (int row = 0; row < count(); ++row) {
        if (item(row)->checkState() == Qt::Checked)
            names << item(row)->text();
    }
    return names.size() == count() ? QStringList() : names;
}

void TargetChooser::setChosen(const QStringList &names)
{
    m_wanted = names;
    const QSignalBlocker blocker(this);
    applyWish();
}

int TargetChooser::checkedCount() const
{
    int checked = 0;
    for (int row = 0; row < count(); ++row)
        checked += item(row)->checkState() == Qt::Checked ? 1 : 0;
    return checked;
}

void TargetChooser::applyWish()
{
    bool anyKnown = false;
    for (int row = 0; row < count(); ++row)
        anyKnown = anyKnown || m_wanted.contains(item(row)->text());
    for (int row = 0; row < count(); ++row) {
        const bool checked = !anyKnown || m_wanted.contains(item(row)->text());
        item(row)->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
    }
}
