#pragma once

#include "core/eval/classifiercurves.h"
#include "ui/plot/themedplot.h"

#include <QtCore/QStringList>

/**
 * What a classifier's probabilities say, as one of three views: ROC curves (one line per
 * class against the rest, AUC in the legend, the chance diagonal), precision-recall curves
 * (average precision in the legend) or the reliability diagram (accuracy per confidence bin
 * against the diagonal of perfect calibration, with the expected calibration error). Used by
 * the Inspect panel's split views and the HTML run report. GUI thread.
 */
class ClassifierCurvesPlot final : public ThemedPlot
{
    Q_OBJECT
public:
    enum class Kind { Roc, PrecisionRecall, Calibration };

    explicit ClassifierCurvesPlot(Kind kind, QWidget *parent = nullptr);

    void setKind(Kind kind);
    Kind kind() const { return m_kind; }
    /** Replaces what is drawn; an empty `curves` shows `why` instead. */
    void setCurves(const ClassifierCurves &curves, const QStringList &classNames, const QString &why = {});
    /** Plottables drawn (class lines or bins, and the reference diagonal), for tests. */
    int seriesCount() const { return plottableCount(); }

protected:
    void applyTheme() override;

private:
    void rebuild();
    void showRoc();
    void showPrecisionRecall();
    void showCalibration();

    Kind m_kind;
    ClassifierCurves m_curves;
    QStringList m_classNames;
    QString m_emptyNote;
};
