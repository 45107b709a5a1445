#include "ui/plot/classifiercurvesplot.h"

#include <cmath>

namespace {

// Marks the reference diagonal (chance for ROC, perfect calibration) so applyTheme greys it.
const char kReferenceProperty[] = "fusionscopeReference";

QString fixed3(double value)
{
    return std::isfinite(value) ? QString::number(value, 'f', 3) : QStringLiteral("–");
}

} // namespace

ClassifierCurvesPlot::ClassifierCurvesPlot(Kind kind, QWidget *parent) : ThemedPlot(parent), m_kind(kind)
{
    xAxis->setRange(-0.01, 1.01);
    yAxis->setRange(-0.01, 1.03);
    legend->setVisible(true);
    // The legend sits right of the axes (as in the robustness plot) so it never hides a curve.
    QCPLayoutGrid *side = new QCPLayoutGrid;
    plotLayout()->addElement(0, 1, side);
    side->addElement(0, 0, legend);
    side->addElement(1, 0, new QCPLayoutElement(this));
    side->setRowStretchFactor(0, 0.001);
    side->setRowStretchFactor(1, 1);
    side->setMargins(QMargins(0, 4, 4, 4));
    plotLayout()->setColumnStretchFactor(1, 0.001);
    setMinimumHeight(220);
    m_emptyNote = tr("No split analysed");
    rebuild();
}

void ClassifierCurvesPlot::setKind(Kind kind)
{
    if (kind == m_kind)
        return;
    m_kind = kind;
    rebuild();
}

void ClassifierCurvesPlot::setCurves(const ClassifierCurves &curves, const QStringList &classNames, const QString &why)
{
    m_curves = curves;
    m_classNames = classNames;
    m_emptyNote = why.isEmpty() ? tr("No labeled samples to score") : why;
    rebuild();
}

void ClassifierCurvesPlot::rebuild()
{
    clearPlottables();
    switch (m_kind) {
    case Kind::Roc:
        xAxis->setLabel(tr("false-positive rate"));
        yAxis->setLabel(tr("true-positive rate"));
        break;
    case Kind::PrecisionRecall:
        xAxis->setLabel(tr("recall"));
        yAxis->setLabel(tr("precision"));
        break;
    case Kind::Calibration:
        xAxis->setLabel(tr("confidence (top probability)"));
        yAxis->setLabel(tr("accuracy"));
        break;
    }
    if (m_curves.isEmpty()) {
        setNote(m_emptyNote);
    } else {
        setNote(QString());
        switch (m_kind) {
        case Kind::Roc: showRoc(); break;
        case Kind::PrecisionRecall: showPrecisionRecall(); break;
        case Kind::Calibration: showCalibration(); break;
        }
    }
    applyTheme();
    replot(QCustomPlot::rpQueuedReplot);
}

void ClassifierCurvesPlot::showRoc()
{
    QCPGraph *chance = addGraph();
    chance->setName(tr("chance (AUC 0.5)"));
    chance->setProperty(kReferenceProperty, true);
    chance->setData({0.0, 1.0}, {0.0, 1.0}, true);
    for (std::size_t c = 0; c < m_curves.perClass.size(); ++c) {
        const OneVsRestCurves &curve = m_curves.perClass[c];
        if (!curve.hasAuc())
            continue; // a class absent from the split (or the only one present) has no ROC curve
        QCPGraph *graph = addGraph();
        graph->setName(tr("%1 (AUC %2)").arg(m_classNames.value(int(c), QString::number(c)), fixed3(curve.auc)));
        QVector<double> x;
        QVector<double> y;
        for (const CurvePoint &point : curve.roc) {
            x << point.x;
            y << point.y;
        }
        graph->setData(x, y, true);
    }
}

void ClassifierCurvesPlot::showPrecisionRecall()
{
    for (std::size_t c = 0; c < m_curves.perClass.size(); ++c) {
        const OneVsRestCurves &curve = m_curves.perClass[c];
        if (curve.pr.empty())
            continue;
        QCPGraph *graph = addGraph();
        graph->setName(tr("%1 (AP %2)").arg(m_classNames.value(int(c), QString::number(c)), fixed3(curve.averagePrecision)));
        // Each recall step takes the precision at its right end: the area drawn is the AP.
        graph->setLineStyle(QCPGraph::lsStepRight);
        QVector<double> x;
        QVector<double> y;
        for (const CurvePoint &point : curve.pr) {
            x << point.x;
            y << point.y;
        }
        graph->setData(x, y, true);
    }
}

void ClassifierCurvesPlot::showCalibration()
{
    QCPGraph *perfect = addGraph();
    perfect->setName(tr("perfectly calibrated"));
    perfect->setProperty(kReferenceProperty, true);
    perfect->setData({0.0, 1.0}, {0.0, 1.0}, true);
    auto *bars = new QCPBars(xAxis, yAxis);
    bars->setName(tr("accuracy per bin (ECE %1 %)").arg(100.0 * m_curves.expectedCalibrationError, 0, 'f', 1));
    QVector<double> centres;
    QVector<double> accuracy;
    double width = 1.0 / ClassifierCurves::kCalibrationBins;
    for (const CalibrationBin &bin : m_curves.calibration) {
        width = bin.upper - bin.lower;
        if (bin.count == 0)
            continue;
        centres << 0.5 * (bin.lower + bin.upper);
        accuracy << bin.accuracy;
    }
    bars->setWidth(0.9 * width);
    bars->setData(centres, accuracy, true);
    // Where the samples' confidence actually lies in each bin: the gap to the bar is the error.
    QCPGraph *confidence = addGraph();
    confidence->setName(tr("mean confidence in bin"));
    confidence->setLineStyle(QCPGraph::lsNone);
    QVector<double> x;
    QVector<double> y;
    for (const CalibrationBin &bin : m_curves.calibration) {
        if (bin.count == 0)
            continue;
        x << bin.confidence;
        y << bin.accuracy;
    }
    confidence->setData(x, y, true);
}

void ClassifierCurvesPlot::applyTheme()
{
    ThemedPlot::applyTheme();
    const QColor reference = palette().color(QPalette::Mid);
    int series = 0;
    for (int i = 0; i < plottableCount(); ++i) {
        QCPAbstractPlottable *item = plottable(i);
        if (item->property(kReferenceProperty).toBool()) {
            item->setPen(QPen(reference, 1.5, Qt::DashLine));
            continue;
        }
        const QColor color = seriesColor(palette(), series);
        if (auto *bars = qobject_cast<QCPBars *>(item)) {
            QColor fill = color;
            fill.setAlpha(110);
            bars->setPen(QPen(color, 1));
            bars->setBrush(fill);
        } else if (auto *graph = qobject_cast<QCPGraph *>(item)) {
            if (m_kind == Kind::Calibration) {
                graph->setPen(QPen(palette().color(QPalette::Text)));
                graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, palette().color(QPalette::Text),
                                                       palette().color(QPalette::Base), 6));
            } else {
                // Six hues, then the same hues dashed: ten classes stay apart.
                graph->setPen(QPen(color, 2, series < 6 ? Qt::SolidLine : Qt::DashLine));
            }
        }
        ++series;
    }
}
