#pragma once

#include "core/explain/splitexplanation.h"
#include "ui/plot/themedplot.h"

#include <vector>

/**
 * Robustness curves: the task's score as one modality is degraded with growing severity, one line
 * per corruption, coloured by corruption and dashed by modality, with a legend. GUI thread.
 */
class RobustnessPlot final : public ThemedPlot
{
    Q_OBJECT
public:
    explicit RobustnessPlot(QWidget *parent = nullptr);

    /** `scoreName`: what the curves measure, the task's score ("accuracy", "mean R²", "mAP"). */
    void setCurves(const std::vector<RobustnessCurve> &curves, const QString &scoreName = QStringLiteral("accuracy"));
    /** Clears and shows `why` over the empty plot. */
    void clearData(const QString &why);
    int curveCount() const { return graphCount(); }

protected:
    void applyTheme() override;

private:
    std::vector<RobustnessCurve> m_curves;
};
