#include "ui/plot/classdistributionplot.h"

#include <QtCore/QMap>

#include <algorithm>
#include <cmath>
#include <limits>

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
    // Counts are whole: steps of 1, 2, 5, 10 … never a fractional tick printed as a repeat.
    QSharedPointer<QCPAxisTickerFixed> counts(new QCPAxisTickerFixed);
    counts->setTickStep(1.0);
    counts->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    yAxis->setTicker(counts);
    xAxis->grid()->setVisible(false);
    setMinimumHeight(120);
    ClassDistributionPlot::applyTheme();
    clearData();
}

void ClassDistributionPlot::setManifest(const Manifest &manifest)
{
    if (manifest.task == TaskKind::Regress) {
        showTargetHistogram(manifest);
        return;
    }
    // Multi-label: a bar per tag, counting the samples that carry it (a sample counts under each of its tags).
    const bool tagged = manifest.task == TaskKind::Multilabel;
    xAxis->setLabel(tagged ? tr("tag (samples carrying it)") : QString());
    QStringList classes = tagged ? manifest.targetNames : manifest.labels;
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
        if (tagged && !record.targets.empty()) {
            for (std::size_t k = 0; k < record.targets.size(); ++k)
                counts[int(record.split)][int(k)] += record.targets[k] > 0.5f ? 1.0 : 0.0;
            continue;
        }
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
    for (int s = 0; s < 3; ++s) {
        m_bars[s]->setWidth(0.8 / 3);
        m_bars[s]->setData(keys, counts[s], true);
    }
    m_group->setSpacingType(QCPBarsGroup::stAbsolute);
    m_group->setSpacing(1);

    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    ticker->addTicks(keys, classes.toVector());
    xAxis->setTicker(ticker);
    xAxis->setTickLabelRotation(classes.size() > 8 ? 45 : 0);
    xAxis->setRange(-0.6, std::max<qsizetype>(1, classes.size()) - 0.4);
    yAxis->setRange(0, top * 1.15);
    setNote(classes.isEmpty() ? tr("No samples") : QString());
    replot(QCustomPlot::rpQueuedReplot);
}

void ClassDistributionPlot::showTargetHistogram(const Manifest &manifest)
{
    // The first target's values in equal-width bins, a bar series per split as for classes.
    double low = std::numeric_limits<double>::infinity();
    double high = -low;
    for (const SampleRecord &record : manifest.samples) {
        if (!record.targets.empty() && std::isfinite(record.targets.front())) {
            low = std::min(low, double(record.targets.front()));
            high = std::max(high, double(record.targets.front()));
        }
    }
    const QString name = manifest.targetNames.value(0);
    xAxis->setLabel(manifest.targetNames.size() > 1
                        ? tr("%1 (the first of %2 targets: %3)").arg(name).arg(manifest.targetNames.size())
                              .arg(manifest.targetNames.join(QStringLiteral(", ")))
                        : name);
    xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    if (!std::isfinite(low)) {
        for (QCPBars *bars : m_bars)
            bars->data()->clear();
        setNote(tr("No sample has a value of %1").arg(name));
        replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    constexpr int kBins = 20;
    const double width = high > low ? (high - low) / kBins : 1.0;
    QVector<double> counts[3];
    for (QVector<double> &c : counts)
        c.fill(0.0, kBins);
    for (const SampleRecord &record : manifest.samples) {
        if (record.targets.empty() || !std::isfinite(record.targets.front()))
            continue;
        const int bin = std::clamp(int((record.targets.front() - low) / width), 0, kBins - 1);
        counts[int(record.split)][bin] += 1.0;
    }
    QVector<double> keys(kBins);
    double top = 1.0;
    for (int i = 0; i < kBins; ++i) {
        keys[i] = low + (i + 0.5) * width;
        for (const QVector<double> &c : counts)
            top = std::max(top, c[i]);
    }
    for (int s = 0; s < 3; ++s) {
        m_bars[s]->setWidth(0.8 * width / 3);
        m_bars[s]->setData(keys, counts[s], true);
    }
    m_group->setSpacingType(QCPBarsGroup::stPlotCoords);
    m_group->setSpacing(0.0);
    xAxis->setTickLabelRotation(0);
    xAxis->setRange(low - 0.6 * width, high + 0.6 * width);
    yAxis->setRange(0, top * 1.15);
    setNote(QString());
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
