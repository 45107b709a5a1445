#pragma once

#include "ui/plot/themedplot.h"

#include <array>

/**
 * Mean |Shapley| per modality over a split, one bar per modality with its value written
 * above it; modalities absent from every sample are marked. GUI thread.
 */
class SplitContributionPlot final : public ThemedPlot
{
    Q_OBJECT
public:
    explicit SplitContributionPlot(QWidget *parent = nullptr);

    /** `players`: samples in which each modality was present (text, image, audio). */
    /** `unit`: what the Shapley values are of ("log-probability", "value", "logit"). */
    void setContributions(const std::array<double, 3> &meanAbsShapley, const std::array<int, 3> &players,
                          const QString &unit = QStringLiteral("log-probability"));
    void clearData();
    double value(int modality) const { return m_values[std::size_t(modality)]; }

protected:
    void applyTheme() override;

private:
    std::array<QCPBars *, 3> m_bars{}; ///< one per modality, each in its modality's colour
    std::array<QCPItemText *, 3> m_labels{};
    std::array<double, 3> m_values{};
};
