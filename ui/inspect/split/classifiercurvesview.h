#pragma once

#include "core/eval/classifiercurves.h"

#include <QtWidgets/QWidget>

class ClassifierCurvesPlot;
class QComboBox;
class QLabel;

/**
 * The split views' "Probabilities" page: a choice of ROC curves, precision-recall curves or
 * the reliability diagram, the plot, and one line with top-k accuracy, macro AUC, macro
 * average precision and the expected calibration error. GUI thread.
 */
class ClassifierCurvesView final : public QWidget
{
    Q_OBJECT
public:
    explicit ClassifierCurvesView(QWidget *parent = nullptr);

    void setCurves(const ClassifierCurves &curves, const QStringList &classNames);
    void clear(const QString &why);
    ClassifierCurvesPlot *plot() const { return m_plot; }
    /** The caption's figures, for tests and screen readers. */
    QString summaryText() const;

private:
    void showKind(int index);

    QComboBox *m_kind;
    ClassifierCurvesPlot *m_plot;
    QLabel *m_summary;
    QLabel *m_caption;
};
