#pragma once

#include "core/explain/explanation.h"
#include "ui/plot/themedplot.h"

#include <array>

class QCPTextElement;

/**
 * One sample's modality contributions as four small bar charts in a 2×2 grid, each on its own
 * scale: exact Shapley values, leave-one-out, gate weights (when the model has gates) and
 * gradient × input, one bar per modality in the modality's colour. GUI thread.
 */
class ContributionPlot final : public ThemedPlot
{
    Q_OBJECT
public:
    enum Measure { Shapley = 0, LeaveOneOut, Gates, GradInput };
    static constexpr int kMeasureCount = 4;

    explicit ContributionPlot(QWidget *parent = nullptr);

    void setContribution(const ModalityContribution &contribution);
    void clearContribution(const QString &note);

    /** The bar heights drawn for `measure`, by modality; NaN where no bar is drawn. */
    std::array<double, 3> values(Measure measure) const;
    /** The panel's note ("no gates", ...); empty when it shows bars. */
    QString panelNote(Measure measure) const;

protected:
    void applyTheme() override;

private:
    struct Panel
    {
        QCPAxisRect *rect = nullptr;
        QCPTextElement *title = nullptr;
        std::array<QCPBars *, 3> bars{};
        std::array<QCPItemText *, 3> labels{};
        QCPItemText *note = nullptr;
        std::array<double, 3> values{};
    };

    void showPanel(Panel &panel, const std::array<double, 3> &values, unsigned players, const QString &note, bool percent);

    std::array<Panel, kMeasureCount> m_panels;
};
