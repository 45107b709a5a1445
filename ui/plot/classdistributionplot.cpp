#include "ui/plot/classdistributionplot.h"

#include <QtCore/QMap>

ClassDistributionPlot::ClassDistributionPlot(QWidget *parent) : ThemedPlot(parent)
{
    m_group = new QCPBarsGroup(this);
    m_group->setSpacingType(QCPBarsGroup::stAbsolute);
    m_group->setSpacing(1);
    for (Split split : {Split::Train, Split::Val, Split::Test}) {
        QCPBars *bars = new QCPBars(xAxis, yAxis);
        bars->setName(splitName(split));
        bars->setWidth(0.8 / 3);
        bars->setBarsGroup(m_group);
        m_bars[int(split)] = bars;
    }
    legend->setVisible(true);
    axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    yAxis->setLabel(tr("samples"));
    yAxis->setNumberFormat(QStringLiteral("f"));
    yAxis->setNumberPrecision(0);
    xAxis->grid()->setVisible(false);
    setMinimumHeight(120);
    ClassDistributionPlot::applyTheme();
    clearData();
}

void ClassDistributionPlot::setManifest(const Manifest &manifest)
{
    QStringList classes = manifest.labels;
    bool unlabeled = false;
    for (const SampleRecord &record : manifest.samples)
        unlabeled = unlabeled || record.label.isEmpty();
    if (unlabeled)
        classes << tr("(unlabeled)");
    QHash<QString, int> column;
    for (int i = 0; i < classes.size(); ++i)
        column.insert(classes.at(i), i);

    QVector<double> counts[3];
    for (QVector<double> &c : counts)
        c.fill(0.0, classes.size());
    for (const SampleRecord &record : manifest.samples) {
        const int c = column.value(record.label.isEmpty() ? classes.last() : record.label, -1);
        if (c >= 0)
            counts[int(record.split)][c] += 1.0;
    }
    QVector<double> keys(classes.size());
    double top = 1.0;
    for (int i = 0; i < classes.size(); ++i) {
        keys[i] = i;
        for (const QVector<double> &c : counts)
            top = std::max(top, c[i]);
    }
    for (int s = 0; s < 3; ++s)
        m_bars[s]->setData(keys, counts[s], true);

    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    ticker->addTicks(keys, classes.toVector());
    xAxis->setTicker(ticker);
    xAxis->setTickLabelRotation(classes.size() > 8 ? 45 : 0);
    xAxis->setRange(-0.6, std::max<qsizetype>(1, classes.size()) - 0.4);
    yAxis->setRange(0, top * 1.15);
    setNote(classes.isEmpty() ? tr("No samples") : QString());
    replot(QCustomPlot::rpQueuedReplot);
}

void ClassDistributionPlot::clearData()
{
    for (QCPBars *bars : m_bars)
        bars->data()->clear();
    xAxis->setTicker(QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText));
    xAxis->setRange(0, 1);
    yAxis->setRange(0, 1);
    setNote(tr("No dataset"));
    replot(QCustomPlot::rpQueuedReplot);
}

int ClassDistributionPlot::total(Split split) const
{
    double sum = 0.0;
    for (auto it = m_bars[int(split)]->data()->constBegin(); it != m_bars[int(split)]->data()->constEnd(); ++it)
        sum += it->value;
    return int(sum);
}

void ClassDistributionPlot::applyTheme()
{
    ThemedPlot::applyTheme();
    for (int s = 0; s < 3; ++s) {
        const QColor color = seriesColor(palette(), s);
        m_bars[s]->setPen(QPen(color.darker(120)));
        m_bars[s]->setBrush(color);
    }
}
