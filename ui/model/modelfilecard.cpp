#include "ui/model/modelfilecard.h"

#include "ui/model/formfields.h"
#include "ui/widgets/notelabel.h"

#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonObject>
#include <QtCore/QLocale>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QVBoxLayout>

namespace {

QString escaped(const QString &text)
{
    return text.toHtmlEscaped();
}

QString labelList(const QStringList &labels)
{
    constexpr int kShown = 6;
    QStringList shown = labels.mid(0, kShown);
    if (labels.size() > kShown)
        shown << QStringLiteral("… %1 more").arg(labels.size() - kShown);
    return shown.join(QStringLiteral(", "));
}

QString row(const QString &name, const QString &value)
{
    return QStringLiteral("<tr><td style='padding-right:12px'><b>%1</b></td><td>%2</td></tr>").arg(name, value);
}

} // namespace

ModelFileCard::ModelFileCard(QWidget *parent) : QGroupBox(tr("Model file"), parent)
{
    m_open = new QPushButton(tr("&Open Model File…"), this);
    m_open->setObjectName(QStringLiteral("openModelFileButton"));
    m_open->setToolTip(tr("Open a model exported by FusionScope or any TorchScript model that follows the "
                          "model contract, to see what it is and inspect it."));
    m_path = new NoteLabel(this);
    m_path->setObjectName(QStringLiteral("modelFilePath"));
    m_path->setText(tr("No model file opened. Exported runs (model.pt) and external TorchScript files are accepted."));
    m_info = new QLabel(this);
    m_info->setObjectName(QStringLiteral("modelFileInfo"));
    m_info->setWordWrap(true);
    m_info->setTextFormat(Qt::RichText);
    m_info->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error = formfields::createErrorLabel(this);
    m_error->setObjectName(QStringLiteral("modelFileError"));

    auto *top = new QHBoxLayout;
    top->addWidget(m_open);
    top->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_path);
    layout->addWidget(m_error);
    layout->addWidget(m_info);
    layout->addStretch(1);
    connect(m_open, &QPushButton::clicked, this, &ModelFileCard::openRequested);
}

void ModelFileCard::setLoading(const QString &path)
{
    m_path->setText(tr("Opening %1…").arg(QDir::toNativeSeparators(path)));
    m_info->clear();
    formfields::setErrorText(m_error, {});
    m_open->setEnabled(false);
}

void ModelFileCard::setInfo(const ModelFileInfo &info)
{
    m_open->setEnabled(true);
    const QLocale locale;
    m_path->setText(tr("%1 — %2").arg(QDir::toNativeSeparators(info.path), locale.formattedDataSize(info.fileBytes)));
    if (!info.error.isEmpty()) {
        m_info->clear();
        formfields::setErrorText(m_error, tr("This file cannot be used: %1").arg(info.error));
        return;
    }
    formfields::setErrorText(m_error, {});
    QString rows;
    if (info.hasMeta && info.meta.builtIn) {
        const ModelConfig &model = info.meta.model;
        rows += row(tr("Kind"), tr("FusionScope model"));
        rows += row(tr("Fusion"), escaped(model.fusion));
        rows += row(tr("Encoders"), escaped(tr("text %1, image %2, audio %3")
                                                .arg(model.textEncoder, QFileInfo(model.imageEncoder).fileName(),
                                                     QFileInfo(model.audioEncoder).fileName())));
        const bool deep = model.fusion == QLatin1String("attention") || model.fusion == QLatin1String("graph");
        rows += row(tr("Sizes"), deep ? tr("dim %1, %2 heads, %3 fusion layers").arg(model.dim).arg(model.heads).arg(model.fusionLayers())
                                      : tr("dim %1").arg(model.dim));
    } else {
        rows += row(tr("Kind"), info.hasMeta ? tr("external model with FusionScope metadata")
                                             : tr("external TorchScript model (no FusionScope metadata)"));
    }
    rows += row(tr("Parameters"), locale.toString(info.parameters));
    if (info.hasMeta) {
        const PreprocessConfig &pre = info.meta.preprocess;
        if (!info.meta.task.hasTaskOutputs())
            rows += row(tr("Task"), tr("contrastive: no task outputs; its per-modality embeddings (embed/text, embed/image, "
                                       "embed/audio) are aligned. Fine-tune it on labels with train --init."));
        else
            rows += row(tr("Labels"), info.meta.hasLabels()
                                          ? escaped(QStringLiteral("%1: %2").arg(info.meta.labels.size()).arg(labelList(info.meta.labels)))
                                          : tr("not in the file: the dataset's labels, in sorted order"));
        if (!info.meta.assumed.isEmpty())
            rows += row(tr("Assumed"), escaped(tr("%1 (not in fusionscope/meta.json: defaults taken)")
                                                   .arg(info.meta.assumed.join(QStringLiteral(", ")))));
        if (!info.meta.hasPreprocess())
            rows += row(tr("Preprocessing"), tr("not in the file: measured on the dataset as for a new run "
                                                "(text %1 tokens, image %2×%2 px)")
                                                 .arg(info.meta.preprocess.textLength)
                                                 .arg(info.meta.preprocess.imageSize));
        else
            rows += row(tr("Preprocessing"),
                        escaped(tr("image %1×%1 px; audio %2 mel bins × %3 frames (%4 s at %5 Hz); text %6 tokens, vocabulary %7")
                                    .arg(pre.imageSize)
                                    .arg(pre.mel.melBins)
                                    .arg(pre.audioFrames())
                                    .arg(pre.audioSeconds, 0, 'f', 2)
                                    .arg(pre.mel.sampleRate)
                                    .arg(pre.textLength)
                                    .arg(pre.vocabSize)));
        const QJsonObject metrics = info.meta.metrics;
        if (metrics.contains(QStringLiteral("test_accuracy"))) {
            rows += row(tr("Test accuracy"), QStringLiteral("%1 % (%2 samples)")
                                                 .arg(metrics.value(QStringLiteral("test_accuracy")).toDouble() * 100.0, 0, 'f', 1)
                                                 .arg(metrics.value(QStringLiteral("test_samples")).toInt()));
        }
        const QJsonObject train = info.meta.trainConfig;
        if (!train.isEmpty()) {
            rows += row(tr("Trained with"), escaped(tr("%1 epochs, batch %2, learning rate %3")
                                                        .arg(train.value(QStringLiteral("epochs")).toInt())
                                                        .arg(train.value(QStringLiteral("batch_size")).toInt())
                                                        .arg(train.value(QStringLiteral("learning_rate")).toDouble())));
        }
    } else if (info.contractChecked) {
        rows += row(tr("Contract"), tr("checked with the loaded dataset's shapes: %1 classes").arg(info.classes));
    } else {
        rows += row(tr("Contract"), tr("forward signature checked; open a dataset to check it with real shapes"));
    }
    if (!info.hasTokenizer)
        rows += row(tr("Tokenizer"), tr("none in the file: one is trained on the dataset's train split when the "
                                        "model is used, exactly as a new run would"));
    rows += row(tr("Forward"), QStringLiteral("<code>%1</code>").arg(escaped(info.forwardSchema)));
    m_info->setText(QStringLiteral("<table>%1</table>").arg(rows));
}

QString ModelFileCard::infoText() const
{
    return m_info->text();
}

QString ModelFileCard::errorText() const
{
    return m_error->isVisible() || !m_error->text().isEmpty() ? m_error->text() : QString();
}
