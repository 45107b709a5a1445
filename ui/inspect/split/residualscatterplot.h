#pragma once

#include "core/explain/splitexplanation.h"
#include "ui/plot/themedplot.h"

#include <vector>

/**
 * A regression's split at a glance, one target at a time: predicted against true value with
 * the y = x line (left), and the residual (predicted − true) against the true value with the
 * zero line (right). Clicking a point in either emits sampleClicked with that sample's
 * dataset index. Exports like every ThemedPlot. GUI thread.
 */
class ResidualScatterPlot final : public ThemedPlot
{
    Q_OBJECT
public:
    explicit ResidualScatterPlot(QWidget *parent = nullptr);

    /** The samples of one analysed split; `target` indexes their truth / predicted values. */
    void setPredictions(const std::vector<SplitPrediction> &predictions, const QString &targetName, int target);
    void clearData(const QString &why);
    /** Samples drawn (those with a true value for the target). */
    int pointCount() const { return int(m_points.size()); }
    /** The pixel position of point `n` in the predicted-vs-true axes, for tests. */
    QPointF pointPosition(int n) const;

Q_SIGNALS:
    void sampleClicked(int datasetIndex);

protected:
    void applyTheme() override;
    void mousePressEvent(QMouseEvent *event) override;

private:
    struct Point
    {
        int index = -1;
        double truth = 0.0;
        double predicted = 0.0;
    };

    QCPAxisRect *m_residualRect;
    QCPGraph *m_scatter;
    QCPGraph *m_residuals;
    QCPItemStraightLine *m_identity;
    QCPItemStraightLine *m_zero;
    std::vector<Point> m_points;
};
