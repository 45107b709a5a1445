#include "ui/inspect/split/splitcontributionplot.h"

#include "ui/inspect/split/modalitycolors.h"

#include <algorithm>

SplitContributionPlot::SplitContributionPlot(QWidget *parent) : ThemedPlot(parent)
{
    for (QCPBars *&bars : m_bars) {
        bars = new QCPBars(xAxis, yAxis);
        bars->setWidth(0.6);
    }
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    ticker->addTicks({0, 1, 2}, {tr("text"), tr("image"), tr("audio")});
    xAxis->setTicker(ticker);
    xAxis->grid()->setVisible(false);
    xAxis->setRange(-0.6, 2.6);
    yAxis->setLabel(tr("mean |Shapley| (log-probability)"));
    for (QCPItemText *&label : m_labels) {
        label = new QCPItemText(this);
        label->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
        label->setPadding(QMargins(0, 0, 0, 3));
    }
    setMinimumHeight(160);
    SplitContributionPlot::applyTheme();
    clearData();
}

void SplitContributionPlot::setContributions(const std::array<double, 3> &meanAbsShapley, const std::array<int, 3> &players,
                                             const QString &unit)
{
    yAxis->setLabel(tr("mean |Shapley| (%1)").arg(unit));
    m_values = meanAbsShapley;
    double top = 0.0;
    for (int m = 0; m < 3; ++m) {
        const bool present = players[std::size_t(m)] > 0;
        m_values[std::size_t(m)] = present ? meanAbsShapley[std::size_t(m)] : 0.0;
        top = std::max(top, m_values[std::size_t(m)]);
    }
    for (int m = 0; m < 3; ++m)
        m_bars[std::size_t(m)]->setData({double(m)}, {m_values[std::size_t(m)]}, true);
    top = top > 0.0 ? top * 1.2 : 1.0;
    yAxis->setRange(0, top);
    for (int m = 0; m < 3; ++m) {
        QCPItemText *label = m_labels[std::size_t(m)];
        label->position->setCoords(m, m_values[std::size_t(m)]);
        label->setText(players[std::size_t(m)] > 0 ? QString::number(m_values[std::size_t(m)], 'f', 3) : tr("absent"));
        label->setVisible(true);
    }
    setNote(QString());
    replot(QCustomPlot::rpQueuedReplot);
}

void SplitContributionPlot::clearData()
{
    m_values = {};
    for (QCPBars *bars : m_bars)
        bars->data()->clear();
    for (QCPItemText *label : m_labels)
        label->setVisible(false);
    yAxis->setRange(0, 1);
    setNote(tr("No split analysed"));
    replot(QCustomPlot::rpQueuedReplot);
}

void SplitContributionPlot::applyTheme()
{
    ThemedPlot::applyTheme();
    for (int m = 0; m < 3; ++m) {
        const QColor color = modalityColor(palette(), m);
        m_bars[std::size_t(m)]->setPen(QPen(color.darker(120)));
        m_bars[std::size_t(m)]->setBrush(color);
    }
    for (QCPItemText *label : m_labels) {
        label->setColor(palette().color(QPalette::Text));
        label->setFont(font());
    }
}
