#pragma once

#include "core/explain/splitexplanation.h"

#include <QtWidgets/QTableWidget>
#include <vector>

/**
 * The samples whose modalities disagree most (what each modality alone predicts, the
 * disagreement score, why), most disagreeing first. Clicking a row emits sampleClicked.
 * GUI thread.
 */
class DisagreementTable final : public QTableWidget
{
    Q_OBJECT
public:
    explicit DisagreementTable(QWidget *parent = nullptr);

    void setCases(const std::vector<DisagreementCase> &cases);
    void clearCases();
    /** Dataset index of a row, -1 when out of range. */
    int indexAt(int row) const;

Q_SIGNALS:
    void sampleClicked(int datasetIndex, const QString &sampleId);

private:
    std::vector<DisagreementCase> m_cases;
};
