#include "ui/model/modelform.h"

#include "ui/model/encoderchoice.h"
#include "ui/model/formfields.h"

#include <QtWidgets/QComboBox>
#include <QtWidgets/QDoubleSpinBox>
#include <QtWidgets/QFormLayout>
#include <QtWidgets/QGroupBox>
#include <QtWidgets/QSpinBox>
#include <QtWidgets/QVBoxLayout>

namespace {

QSpinBox *spinBox(QWidget *parent, int low, int high, int step = 1)
{
    auto *box = new QSpinBox(parent);
    box->setRange(low, high);
    box->setSingleStep(step);
    box->setKeyboardTracking(false); // one change per finished edit, not per keystroke
    return box;
}

} // namespace

ModelForm::ModelForm(QWidget *parent) : QWidget(parent)
{
    using formfields::addChoice;
    using formfields::addRow;

    auto *encoders = new QGroupBox(tr("Encoders"), this);
    auto *encoderForm = new QFormLayout(encoders);
    m_text = new QComboBox(encoders);
    addChoice(m_text, tr("mean — averaged embeddings"), QStringLiteral("mean"),
              tr("Averages the token embeddings: fast, ignores word order."));
    addChoice(m_text, tr("conv1d — n-gram convolutions"), QStringLiteral("conv1d"),
              tr("1-D convolutions over the embeddings: sees short phrases."));
    addChoice(m_text, tr("gru — recurrent"), QStringLiteral("gru"),
              tr("A bidirectional GRU over the tokens: reads the whole sentence in order."));
    addChoice(m_text, tr("transformer — self-attention"), QStringLiteral("transformer"),
              tr("Transformer encoder layers over the tokens (see Text layers)."));
    m_image = new EncoderChoice({{QStringLiteral("cnn"), tr("A small CNN that emits a grid of image tokens.")}},
                                /*allowFile=*/true, encoders);
    m_audio = new EncoderChoice({{QStringLiteral("cnn"), tr("A CNN over the log-mel spectrogram, emitting time tokens.")},
                                 {QStringLiteral("gru"), tr("A GRU over the spectrogram frames.")}},
                                /*allowFile=*/true, encoders);
    addRow(encoderForm, tr("&Text:"), m_text, tr("How the text tokens become features."));
    addRow(encoderForm, tr("&Image:"), m_image,
           tr("How the image becomes a grid of tokens: the built-in CNN, or a TorchScript encoder file."));
    addRow(encoderForm, tr("&Audio:"), m_audio,
           tr("How the log-mel spectrogram becomes time tokens: built-in CNN or GRU, or a TorchScript file."));

    auto *fusionBox = new QGroupBox(tr("Fusion"), this);
    auto *fusionForm = new QFormLayout(fusionBox);
    m_fusion = new QComboBox(fusionBox);
    addChoice(m_fusion, tr("concat — early fusion"), QStringLiteral("concat"),
              tr("Concatenates the pooled modality features and classifies them together."));
    addChoice(m_fusion, tr("late — averaged predictions"), QStringLiteral("late"),
              tr("One classifier per modality; their logits are averaged."));
    addChoice(m_fusion, tr("gated — per-sample weights"), QStringLiteral("gated"),
              tr("Learns a weight per modality for every sample (shown in Inspect)."));
    addChoice(m_fusion, tr("tensor — TFN outer product"), QStringLiteral("tensor"),
              tr("Tensor Fusion Network: the outer product of the three feature vectors."));
    addChoice(m_fusion, tr("lowrank — LMF"), QStringLiteral("lowrank"),
              tr("Low-rank Multimodal Fusion: the tensor fusion factorised to a small rank."));
    addChoice(m_fusion, tr("attention — cross-modal transformer"), QStringLiteral("attention"),
              tr("Self- and cross-attention over text, image and audio tokens; attention maps are explainable."));
    addChoice(m_fusion, tr("graph — GNN over tokens"), QStringLiteral("graph"),
              tr("Graph attention over text-token, image-patch and audio-frame nodes with intra- and cross-modal edges."));
    addRow(fusionForm, tr("&Strategy:"), m_fusion, tr("How the three modalities are combined into one prediction."));

    auto *sizes = new QGroupBox(tr("Sizes"), this);
    auto *sizeForm = new QFormLayout(sizes);
    m_dim = spinBox(sizes, 8, 1024, 8);
    m_heads = spinBox(sizes, 1, 64);
    m_layers = spinBox(sizes, 0, 8);
    m_layers->setSpecialValueText(tr("default"));
    m_dropout = new QDoubleSpinBox(sizes);
    m_dropout->setRange(0.0, 0.95);
    m_dropout->setSingleStep(0.05);
    m_dropout->setDecimals(2);
    m_dropout->setKeyboardTracking(false);
    m_textLayers = spinBox(sizes, 1, 4);
    m_norm = new QComboBox(sizes);
    addChoice(m_norm, tr("batch"), QStringLiteral("batch"), tr("Batch normalisation: best with batches of 16 or more."));
    addChoice(m_norm, tr("group"), QStringLiteral("group"), tr("Group normalisation: independent of the batch size."));
    m_rank = spinBox(sizes, 1, 64);
    addRow(sizeForm, tr("&Width (dim):"), m_dim,
           tr("Feature width shared by all encoders and the fusion. Must be a multiple of the heads "
              "(and of 8 with group norm). Parameters grow roughly with its square."));
    addRow(sizeForm, tr("&Heads:"), m_heads,
           tr("Attention heads in the attention and graph fusions and the transformer text encoder."));
    addRow(sizeForm, tr("&Layers:"), m_layers,
           tr("Fusion depth of the attention and graph fusions; default = 1 attention layer, 2 graph layers."));
    addRow(sizeForm, tr("&Dropout:"), m_dropout, tr("Dropout probability inside the encoders and the fusion, in [0, 1)."));
    addRow(sizeForm, tr("Te&xt layers:"), m_textLayers, tr("Layers of the transformer text encoder (1–4)."));
    addRow(sizeForm, tr("&Norm:"), m_norm, tr("Normalisation in the CNN encoders."));
    addRow(sizeForm, tr("&Rank:"), m_rank, tr("Rank of the low-rank (LMF) fusion's factors."));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(encoders);
    layout->addWidget(fusionBox);
    layout->addWidget(sizes);

    m_fields = {{QStringLiteral("fusion"), m_fusion},       {QStringLiteral("text_encoder"), m_text},
                {QStringLiteral("image_encoder"), m_image}, {QStringLiteral("audio_encoder"), m_audio},
                {QStringLiteral("dim"), m_dim},             {QStringLiteral("heads"), m_heads},
                {QStringLiteral("layers"), m_layers},       {QStringLiteral("dropout"), m_dropout},
                {QStringLiteral("text_layers"), m_textLayers}, {QStringLiteral("norm"), m_norm},
                {QStringLiteral("rank"), m_rank}};
    for (auto it = m_fields.begin(); it != m_fields.end(); ++it)
        it.value()->setObjectName(QStringLiteral("model_") + it.key());

    setConfig(ModelConfig{});
    const auto emitChanged = [this] {
        updateRelevance();
        Q_EMIT changed();
    };
    for (QComboBox *combo : {m_fusion, m_text, m_norm})
        connect(combo, &QComboBox::currentIndexChanged, this, emitChanged);
    for (EncoderChoice *choice : {m_image, m_audio})
        connect(choice, &EncoderChoice::changed, this, emitChanged);
    for (QSpinBox *box : {m_dim, m_heads, m_layers, m_textLayers, m_rank})
        connect(box, &QSpinBox::valueChanged, this, emitChanged);
    connect(m_dropout, &QDoubleSpinBox::valueChanged, this, emitChanged);
}

ModelConfig ModelForm::config() const
{
    ModelConfig config;
    config.fusion = m_fusion->currentData().toString();
    config.textEncoder = m_text->currentData().toString();
    config.imageEncoder = m_image->value();
    config.audioEncoder = m_audio->value();
    config.dim = m_dim->value();
    config.heads = m_heads->value();
    config.layers = m_layers->value();
    config.dropout = m_dropout->value();
    config.textLayers = m_textLayers->value();
    config.norm = m_norm->currentData().toString();
    config.rank = m_rank->value();
    return config;
}

void ModelForm::setConfig(const ModelConfig &config)
{
    const QSignalBlocker blockers[] = {QSignalBlocker(m_fusion), QSignalBlocker(m_text), QSignalBlocker(m_image),
                                       QSignalBlocker(m_audio), QSignalBlocker(m_dim), QSignalBlocker(m_heads),
                                       QSignalBlocker(m_layers), QSignalBlocker(m_dropout), QSignalBlocker(m_textLayers),
                                       QSignalBlocker(m_norm), QSignalBlocker(m_rank)};
    formfields::selectData(m_fusion, config.fusion);
    formfields::selectData(m_text, config.textEncoder);
    m_image->setValue(config.imageEncoder);
    m_audio->setValue(config.audioEncoder);
    m_dim->setValue(config.dim);
    m_heads->setValue(config.heads);
    m_layers->setValue(config.layers);
    m_dropout->setValue(config.dropout);
    m_textLayers->setValue(config.textLayers);
    formfields::selectData(m_norm, config.norm);
    m_rank->setValue(config.rank);
    updateRelevance();
    Q_EMIT changed();
}

void ModelForm::updateRelevance()
{
    const QString fusion = m_fusion->currentData().toString();
    const bool tokenFusion = fusion == QLatin1String("attention") || fusion == QLatin1String("graph");
    const bool transformerText = m_text->currentData().toString() == QLatin1String("transformer");
    // Heads stay editable: the width must divide by them whatever the fusion.
    m_layers->setEnabled(tokenFusion);
    m_textLayers->setEnabled(transformerText);
    m_rank->setEnabled(fusion == QLatin1String("lowrank"));
}
