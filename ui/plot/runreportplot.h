#pragma once

#include "ui/plot/themedplot.h"

struct RunReportData;

/**
 * A finished run's curves drawn from its metrics.jsonl records: the loss view (training loss
 * per logged step, training and validation loss per epoch) or the accuracy view (validation
 * accuracy per epoch, the test accuracy as a reference line). GUI thread.
 */
class RunReportPlot final : public ThemedPlot
{
    Q_OBJECT
public:
    enum class Kind { Loss, Accuracy };

    explicit RunReportPlot(Kind kind, QWidget *parent = nullptr);

    /** Replaces the curves with the run's; shows a note when there is nothing to draw. */
    void setRun(const RunReportData &run);
    Kind kind() const { return m_kind; }

protected:
    void applyTheme() override;

private:
    void showLoss(const RunReportData &run);
    void showAccuracy(const RunReportData &run);
    void styleGraphs();
    void padRanges();

    Kind m_kind;
    bool m_unboundedBelow = false; ///< the score is R²
};
