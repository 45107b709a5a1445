#pragma once

#include "ui/train/runhistory.h"

#include <QtWidgets/QTableWidget>

/**
 * The selected runs' configurations side by side: one column per run, one row per field,
 * rows whose values differ highlighted and listed first. GUI thread.
 */
class ConfigComparison final : public QTableWidget
{
    Q_OBJECT
public:
    explicit ConfigComparison(QWidget *parent = nullptr);

    void setRuns(const QList<RunRecord> &runs);
    /** The fields whose values differ between the shown runs. */
    QStringList differingFields() const { return m_differing; }

protected:
    void changeEvent(QEvent *event) override;

private:
    void highlight();

    QStringList m_differing;
};
