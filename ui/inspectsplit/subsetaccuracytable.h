#pragma once

#include <QtCore/QMap>
#include <QtWidgets/QTableWidget>

/**
 * Accuracy of every modality subset (each modality alone, each pair, all three), one row
 * per subset with the accuracy drawn as a bar behind its number. GUI thread.
 */
class SubsetAccuracyTable final : public QTableWidget
{
    Q_OBJECT
public:
    explicit SubsetAccuracyTable(QWidget *parent = nullptr);

    /** Keys as EvalReport::subsetNames(); `labeled` counts the samples the rates are over. */
    void setAccuracies(const QMap<QString, double> &accuracy, int labeled);
    void clearAccuracies();

private:
    void fitHeight();
};
