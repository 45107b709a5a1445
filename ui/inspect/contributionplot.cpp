#include "ui/inspect/contributionplot.h"

#include "ui/inspect/heatcolors.h"
#include "ui/widgets/notelabel.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

QString measureTitle(int measure, TaskKind task = TaskKind::Classify, bool representation = false)
{
    switch (measure) {
    case ContributionPlot::Shapley:
        return representation ? QObject::tr("Shapley (Δ cosine)")
             : task == TaskKind::Regress ? QObject::tr("Shapley (Δ value)")
             : task == TaskKind::Multilabel ? QObject::tr("Shapley (Δ logit)") : QObject::tr("Shapley (Δ log p)");
    case ContributionPlot::LeaveOneOut:
        return representation ? QObject::tr("Leave-one-out (Δ cosine)")
             : task == TaskKind::Regress ? QObject::tr("Leave-one-out (Δ value)") : QObject::tr("Leave-one-out (Δ p)");
    case ContributionPlot::Gates:
        return QObject::tr("Gate weights");
    default:
        return QObject::tr("Gradient × input");
    }
}

} // namespace

ContributionPlot::ContributionPlot(QWidget *parent) : ThemedPlot(parent)
{
    // A 2×2 grid: a title row above each row of charts.
    plotLayout()->insertRow(0);
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    ticker->addTicks({0, 1, 2}, {tr("text"), tr("image"), tr("audio")});
    for (int m = 0; m < kMeasureCount; ++m) {
        Panel &panel = m_panels[std::size_t(m)];
        const int row = 2 * (m / 2);
        const int column = m % 2;
        panel.rect = m == 0 ? axisRect() : new QCPAxisRect(this);
        if (m > 0)
            plotLayout()->addElement(row + 1, column, panel.rect);
        panel.title = new QCPTextElement(this, measureTitle(m));
        plotLayout()->addElement(row, column, panel.title);
        QCPAxis *x = panel.rect->axis(QCPAxis::atBottom);
        QCPAxis *y = panel.rect->axis(QCPAxis::atLeft);
        x->setTicker(ticker);
        x->setRange(-0.6, 2.6);
        x->grid()->setVisible(false);
        x->setSubTicks(false);
        y->setNumberFormat(QStringLiteral("g"));
        y->setNumberPrecision(2);
        y->ticker()->setTickCount(3);
        for (int k = 0; k < 3; ++k) {
            panel.bars[std::size_t(k)] = new QCPBars(x, y);
            panel.bars[std::size_t(k)]->setWidth(0.65);
            panel.labels[std::size_t(k)] = new QCPItemText(this);
            panel.labels[std::size_t(k)]->setClipAxisRect(panel.rect);
            panel.labels[std::size_t(k)]->position->setAxes(x, y);
        }
        panel.note = new QCPItemText(this);
        panel.note->setClipToAxisRect(false);
        panel.note->position->setType(QCPItemPosition::ptAxisRectRatio);
        panel.note->position->setAxisRect(panel.rect);
        panel.note->position->setCoords(0.5, 0.5);
        panel.note->setPositionAlignment(Qt::AlignCenter);
    }
    plotLayout()->setRowSpacing(0);
    setMinimumHeight(230);
    ContributionPlot::applyTheme();
    clearContribution(tr("No sample"));
}

void ContributionPlot::showPanel(Panel &panel, const std::array<double, 3> &values, unsigned players, const QString &note,
                                 bool percent)
{
    panel.values = values;
    const double scale = percent ? 100.0 : 1.0;
    double low = 0.0;
    double high = 0.0;
    for (int k = 0; k < 3; ++k) {
        QCPBars *bars = panel.bars[std::size_t(k)];
        QCPItemText *label = panel.labels[std::size_t(k)];
        const double value = values[std::size_t(k)] * scale;
        bars->data()->clear();
        label->setVisible(note.isEmpty());
        if (!note.isEmpty())
            continue;
        if (std::isnan(value)) {
            label->setText((players & (1U << k)) ? tr("n/a") : tr("absent"));
            label->position->setCoords(k, 0.0);
            label->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
            continue;
        }
        bars->addData(k, value);
        low = std::min(low, value);
        high = std::max(high, value);
        label->setText(percent ? QStringLiteral("%1 %").arg(value, 0, 'f', 1) : QString::number(value, 'g', 3));
        label->position->setCoords(k, value);
        label->setPositionAlignment(Qt::AlignHCenter | (value >= 0.0 ? Qt::AlignBottom : Qt::AlignTop));
    }
    // Room above and below for the value labels; no scale at all on a panel without bars.
    const double span = std::max(high - low, 1e-6);
    QCPAxis *y = panel.rect->axis(QCPAxis::atLeft);
    if (note.isEmpty())
        y->setRange(low < 0.0 ? low - 0.5 * span : 0.0, high > 0.0 ? high + 0.3 * span : 0.1 * span);
    else
        y->setRange(0.0, 1.0);
    y->setTickLabels(note.isEmpty());
    y->setTicks(note.isEmpty());
    panel.note->setText(note);
    panel.note->setVisible(!note.isEmpty());
}

void ContributionPlot::setContribution(const ModalityContribution &c)
{
    const unsigned players = c.players;
    const auto masked = [&](const std::array<double, 3> &values) {
        std::array<double, 3> out = values;
        for (int k = 0; k < 3; ++k)
            out[std::size_t(k)] = (players & (1U << k)) ? values[std::size_t(k)] : kNaN;
        return out;
    };
    for (int m = 0; m < kMeasureCount; ++m)
        m_panels[std::size_t(m)].title->setText(measureTitle(m, c.task, !c.representation.isEmpty()));
    showPanel(m_panels[Shapley], masked(c.shapley), players, {}, false);
    showPanel(m_panels[LeaveOneOut], masked(c.leaveOneOut), players, {}, false);
    if (c.hasGates)
        showPanel(m_panels[Gates], c.gates, players, {}, true);
    else
        showPanel(m_panels[Gates], {kNaN, kNaN, kNaN}, players, tr("no gates\nin this model"), false);
    showPanel(m_panels[GradInput], masked(c.gradInput), players, {}, false);
    setNote({});
    replot(QCustomPlot::rpQueuedReplot);
}

void ContributionPlot::clearContribution(const QString &note)
{
    for (Panel &panel : m_panels)
        showPanel(panel, {kNaN, kNaN, kNaN}, 0, QStringLiteral(" "), false);
    m_panels[0].note->setText(note);
    replot(QCustomPlot::rpQueuedReplot);
}

std::array<double, 3> ContributionPlot::values(Measure measure) const
{
    return m_panels[std::size_t(measure)].values;
}

QString ContributionPlot::panelNote(Measure measure) const
{
    const Panel &panel = m_panels[std::size_t(measure)];
    return panel.note->visible() ? panel.note->text().trimmed() : QString();
}

void ContributionPlot::applyTheme()
{
    ThemedPlot::applyTheme();
    const QPalette p = palette();
    const QColor text = p.color(QPalette::Text);
    QColor grid = text;
    grid.setAlpha(40);
    for (Panel &panel : m_panels) {
        if (!panel.rect)
            return; // the base constructor's first styling
        for (QCPAxis *axis : panel.rect->axes()) {
            axis->setBasePen(QPen(text, 1));
            axis->setTickPen(QPen(text, 1));
            axis->setSubTickPen(QPen(text, 1));
            axis->setTickLabelColor(text);
            axis->setLabelColor(text);
            axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
            axis->grid()->setZeroLinePen(QPen(text, 1));
            axis->setTickLabelFont(font());
        }
        QFont bold = font();
        bold.setBold(true);
        panel.title->setFont(bold);
        panel.title->setTextColor(text);
        for (int k = 0; k < 3; ++k) {
            const QColor color = modalityColor(Modality(k));
            panel.bars[std::size_t(k)]->setPen(QPen(color.darker(130)));
            panel.bars[std::size_t(k)]->setBrush(color);
            panel.labels[std::size_t(k)]->setColor(text);
            panel.labels[std::size_t(k)]->setFont(font());
        }
        panel.note->setColor(NoteLabel::mutedColor(p));
        panel.note->setFont(font());
    }
}
