#pragma once

#include <QtCore/QMap>
#include <QtWidgets/QTableWidget>

/**
 * The task's score of every modality subset (each modality alone, each pair, all three):
 * accuracy, mean R² or mAP, one row per subset with the score drawn as a bar behind its
 * number (R² below 0 draws none). GUI thread.
 */
class SubsetAccuracyTable final : public QTableWidget
{
    Q_OBJECT
public:
    explicit SubsetAccuracyTable(QWidget *parent = nullptr);

    /** Keys as EvalReport::subsetNames(); `labeled` counts the samples the rates are over. */
    void setAccuracies(const QMap<QString, double> &accuracy, int labeled);
    /** The same for another score: "mean R²" or "mAP", written as numbers, not percentages. */
    void setScores(const QMap<QString, double> &scores, int labeled, const QString &scoreName);
    void clearAccuracies();

private:
    void fill(const QMap<QString, double> &scores, int labeled, bool percent);
    void fitHeight();
};
