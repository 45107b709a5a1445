#include "ui/inspect/split/classifiercurvesview.h"

#include "ui/plot/classifiercurvesplot.h"
#include "ui/widgets/notelabel.h"

#include <QtWidgets/QComboBox>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QVBoxLayout>

#include <cmath>

namespace {

QString percent(double rate)
{
    return QStringLiteral("%1 %").arg(100.0 * rate, 0, 'f', 1);
}

QString fixed3(double value)
{
    return std::isfinite(value) ? QString::number(value, 'f', 3) : QStringLiteral("–");
}

} // namespace

ClassifierCurvesView::ClassifierCurvesView(QWidget *parent) : QWidget(parent)
{
    m_kind = new QComboBox(this);
    m_kind->setObjectName(QStringLiteral("curveKind"));
    m_kind->addItem(tr("ROC curves (each class against the rest)"), int(ClassifierCurvesPlot::Kind::Roc));
    m_kind->addItem(tr("Precision–recall curves"), int(ClassifierCurvesPlot::Kind::PrecisionRecall));
    m_kind->addItem(tr("Calibration (reliability diagram)"), int(ClassifierCurvesPlot::Kind::Calibration));
    m_plot = new ClassifierCurvesPlot(ClassifierCurvesPlot::Kind::Roc, this);
    m_plot->setObjectName(QStringLiteral("classifierCurvesPlot"));
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("curvesSummary"));
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_caption = new NoteLabel(this);
    m_caption->setWordWrap(true);

    auto *top = new QHBoxLayout;
    top->addWidget(m_kind);
    top->addWidget(m_summary, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(top);
    layout->addWidget(m_plot, 1);
    layout->addWidget(m_caption);
    connect(m_kind, &QComboBox::currentIndexChanged, this, &ClassifierCurvesView::showKind);
    showKind(0);
    clear(tr("No split analysed"));
}

void ClassifierCurvesView::setCurves(const ClassifierCurves &curves, const QStringList &classNames)
{
    m_plot->setCurves(curves, classNames);
    if (curves.isEmpty()) {
        m_summary->setText(tr("No labeled samples: nothing to score."));
        return;
    }
    QStringList topK;
    for (std::size_t k = 0; k < curves.topK.size(); ++k)
        topK << tr("top-%1 %2").arg(k + 1).arg(percent(curves.topK[k]));
    m_summary->setText(tr("%1 · AUC %2 · AP %3 · ECE %4")
                           .arg(topK.join(QStringLiteral(", ")), fixed3(curves.macroAuc), fixed3(curves.macroAveragePrecision),
                                percent(curves.expectedCalibrationError)));
}

void ClassifierCurvesView::clear(const QString &why)
{
    m_plot->setCurves(ClassifierCurves(), {}, why);
    m_summary->setText(QString());
}

QString ClassifierCurvesView::summaryText() const
{
    return m_summary->text();
}

void ClassifierCurvesView::showKind(int index)
{
    const auto kind = ClassifierCurvesPlot::Kind(m_kind->itemData(index).toInt());
    m_plot->setKind(kind);
    switch (kind) {
    case ClassifierCurvesPlot::Kind::Roc:
        m_caption->setText(tr("One curve per class: that class's probability as the score, every other class as "
                              "negative. AUC is the chance that a random sample of the class outscores a random "
                              "sample of another; macro AUC averages the classes (scikit-learn's one-vs-rest)."));
        break;
    case ClassifierCurvesPlot::Kind::PrecisionRecall:
        m_caption->setText(tr("Precision against recall as the threshold on a class's probability falls; the "
                              "area under each step curve is its average precision (AP)."));
        break;
    case ClassifierCurvesPlot::Kind::Calibration:
        m_caption->setText(tr("Samples binned by their top probability (%1 equal-width bins): bars are the "
                              "accuracy in each bin, dots the bin's mean confidence. On the diagonal the model's "
                              "confidence means what it says; ECE weighs each bin's gap by its share of samples.")
                               .arg(ClassifierCurves::kCalibrationBins));
        break;
    }
}
