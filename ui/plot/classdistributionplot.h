#pragma once

#include "core/data/manifest.h"
#include "ui/plot/themedplot.h"

/**
 * Samples per class, one bar series per split (train / val / test) side by side; for a
 * regression dataset, a histogram of the first target's values per split; for a multi-label
 * one, the samples carrying each tag. GUI thread.
 */
class ClassDistributionPlot final : public ThemedPlot
{
    Q_OBJECT
public:
    explicit ClassDistributionPlot(QWidget *parent = nullptr);

    void setManifest(const Manifest &manifest);
    void clearData();
    /** Samples counted in a split's bars (tests and tooltips). */
    int total(Split split) const;

protected:
    void applyTheme() override;

private:
    void showTargetHistogram(const Manifest &manifest);

    QCPBars *m_bars[3];
    QCPBarsGroup *m_group;
};
