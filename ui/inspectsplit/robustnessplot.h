#pragma once

#include "core/explain/splitexplanation.h"
#include "ui/plot/themedplot.h"

#include <vector>

/**
 * Robustness curves: accuracy as one modality is degraded with growing severity, one line
 * per corruption, coloured by corruption and dashed by modality, with a legend. GUI thread.
 */
class RobustnessPlot final : public ThemedPlot
{
    Q_OBJECT
public:
    explicit RobustnessPlot(QWidget *parent = nullptr);

    void setCurves(const std::vector<RobustnessCurve> &curves);
    /** Clears and shows `why` over the empty plot. */
    void clearData(const QString &why);
    int curveCount() const { return graphCount(); }

protected:
    void applyTheme() override;

private:
    std::vector<RobustnessCurve> m_curves;
};
