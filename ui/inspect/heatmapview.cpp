#include "ui/inspect/heatmapview.h"

#include "ui/inspect/heatmapcanvas.h"
#include "ui/widgets/notelabel.h"

#include <QtCore/QSignalBlocker>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QGridLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QSlider>
#include <QtWidgets/QVBoxLayout>

HeatmapView::HeatmapView(QWidget *parent) : QWidget(parent)
{
    m_source = new QComboBox(this);
    m_source->setObjectName(QStringLiteral("heatSource"));
    m_source->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_source->setMinimumContentsLength(18);
    m_source->setToolTip(tr("Which attention to show: a summary over the words, the rollout through all layers, "
                            "or one map family's layer and head"));
    m_layer = new QComboBox(this);
    m_layer->setObjectName(QStringLiteral("heatLayer"));
    m_head = new QComboBox(this);
    m_head->setObjectName(QStringLiteral("heatHead"));
    m_opacity = new QSlider(Qt::Horizontal, this);
    m_opacity->setObjectName(QStringLiteral("heatOpacity"));
    m_opacity->setRange(0, 100);
    m_opacity->setValue(60);
    m_opacity->setToolTip(tr("Heat opacity"));
    m_canvas = new HeatmapCanvas(this);
    m_canvas->setObjectName(QStringLiteral("heatmapCanvas"));
    m_caption = new NoteLabel(this);
    m_caption->setObjectName(QStringLiteral("heatCaption"));
    m_caption->setWordWrap(true);

    auto *selectors = new QGridLayout;
    selectors->addWidget(new QLabel(tr("Attention"), this), 0, 0);
    selectors->addWidget(m_source, 0, 1, 1, 3);
    selectors->addWidget(m_layer, 1, 1);
    selectors->addWidget(m_head, 1, 2);
    selectors->addWidget(m_opacity, 1, 3);
    selectors->setColumnStretch(3, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(selectors);
    layout->addWidget(m_canvas, 1);
    layout->addWidget(m_caption);

    connect(m_source, &QComboBox::currentIndexChanged, this, &HeatmapView::onSourceChanged);
    connect(m_layer, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_filling)
            Q_EMIT choiceChanged();
    });
    connect(m_head, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_filling)
            Q_EMIT choiceChanged();
    });
    connect(m_opacity, &QSlider::valueChanged, this, [this](int value) { m_canvas->setOpacity(value / 100.0); });
    clear(tr("No sample"));
}

void HeatmapView::setSample(const ExplainedSample &sample)
{
    const HeatChoice previous = choice();
    m_sample = sample.explanation;
    m_sample.rollouts.clear(); // keep what the selectors need, not a second copy of everything
    m_sample.imageHeats.clear();
    m_sample.audioHeats.clear();
    m_sources = heatSources(sample.explanation);
    {
        const QSignalBlocker blocker(m_source);
        m_source->clear();
        int keep = -1;
        for (int i = 0; i < m_sources.size(); ++i) {
            m_source->addItem(heatSourceLabel(m_sources.at(i)));
            if (m_sources.at(i).kind == previous.kind && m_sources.at(i).name == previous.name)
                keep = i;
        }
        m_source->setCurrentIndex(keep >= 0 ? keep : 0);
        m_source->setEnabled(!m_sources.isEmpty());
    }
    m_filling = true;
    fillLayerAndHead();
    if (previous.kind == HeatChoice::Map && choice().kind == HeatChoice::Map && choice().name == previous.name) {
        m_layer->setCurrentIndex(std::max(0, m_layer->findData(previous.layer)));
        m_head->setCurrentIndex(std::max(0, m_head->findData(previous.head)));
    }
    m_filling = false;
    const SampleExplanation &e = sample.explanation;
    if (sample.image.isNull()) {
        m_canvas->setPlaceholder(e.present[int(Modality::Image)] ? tr("The image could not be read") : tr("This sample has no image"));
    } else {
        m_canvas->setImage(sample.image, e.imageWidth, e.imageHeight);
        m_canvas->setTargetBox(e.hasTargetBox ? e.targetBox : PixelRect());
    }
}

void HeatmapView::clear(const QString &placeholder)
{
    m_sources.clear();
    m_sample = {};
    const QSignalBlocker sourceBlocker(m_source);
    m_source->clear();
    m_filling = true;
    fillLayerAndHead();
    m_filling = false;
    m_canvas->setPlaceholder(placeholder);
    m_caption->clear();
}

HeatChoice HeatmapView::choice() const
{
    HeatChoice chosen = m_sources.value(m_source->currentIndex());
    if (chosen.kind == HeatChoice::Map) {
        chosen.layer = m_layer->currentData().isValid() ? m_layer->currentData().toInt() : -1;
        chosen.head = m_head->currentData().isValid() ? m_head->currentData().toInt() : -1;
    }
    return chosen;
}

void HeatmapView::onSourceChanged()
{
    m_filling = true;
    fillLayerAndHead();
    m_filling = false;
    Q_EMIT choiceChanged();
}

void HeatmapView::fillLayerAndHead()
{
    const HeatChoice chosen = m_sources.value(m_source->currentIndex());
    const bool map = chosen.kind == HeatChoice::Map && !m_sources.isEmpty();
    const QSignalBlocker layerBlocker(m_layer);
    const QSignalBlocker headBlocker(m_head);
    m_layer->clear();
    m_head->clear();
    m_layer->addItem(tr("All layers"), -1);
    m_head->addItem(tr("All heads"), -1);
    if (map) {
        for (int layer : familyLayers(m_sample, chosen.name))
            m_layer->addItem(tr("Layer %1").arg(layer), layer);
        for (int head = 0; head < familyHeads(m_sample, chosen.name); ++head)
            m_head->addItem(tr("Head %1").arg(head), head);
    }
    m_layer->setEnabled(map && m_layer->count() > 2);
    m_head->setEnabled(map && m_head->count() > 2);
    const QString why = tr("Layers and heads belong to one map family; summaries and rollouts combine them");
    m_layer->setToolTip(map ? tr("Layer of %1").arg(chosen.name) : why);
    m_head->setToolTip(map ? tr("Attention head of %1").arg(chosen.name) : why);
}

void HeatmapView::showHeat(const HeatResult &heat, int gridH, int gridW)
{
    m_canvas->setHeat(heat.weights, gridH, gridW);
    if (heat.weights.empty())
        m_caption->setText(m_sources.isEmpty() ? tr("This model returns no attention maps.")
                                               : tr("No attention over the image for this choice."));
    else
        m_caption->setText(heat.caption);
}

QString HeatmapView::caption() const
{
    return m_caption->text();
}
