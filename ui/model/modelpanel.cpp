#include "ui/model/modelpanel.h"

#include "core/train/trainingjob.h"
#include "ui/model/formfields.h"
#include "ui/model/modelbackground.h"
#include "ui/model/modelfilecard.h"
#include "ui/model/modelform.h"
#include "ui/model/modelsummaryview.h"
#include "ui/model/trainform.h"

#include <QtCore/QFileInfo>
#include <QtCore/QJsonDocument>
#include <QtCore/QSettings>
#include <QtCore/QTimer>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QScrollArea>
#include <QtWidgets/QSplitter>
#include <QtWidgets/QVBoxLayout>

namespace {

const QString kModelKey = QStringLiteral("modelPanel/modelConfig");
const QString kTrainKey = QStringLiteral("modelPanel/trainConfig");
const QString kModelFolderKey = QStringLiteral("modelPanel/lastModelFolder");
constexpr int kSummaryDelayMs = 120; // a spin box held down rebuilds once it rests, not per tick

/** "dim (18) must be a multiple of heads (4)" without the "model config: " prefix. */
QString readable(const QString &message)
{
    const int colon = message.indexOf(QStringLiteral("config: "));
    return colon >= 0 && colon < 8 ? message.mid(colon + 8) : message;
}

} // namespace

ModelPanel::ModelPanel(QWidget *parent) : QWidget(parent)
{
    m_modelForm = new ModelForm(this);
    m_trainForm = new TrainForm(this);
    m_error = formfields::createErrorLabel(this);
    m_error->setObjectName(QStringLiteral("modelValidationMessage"));
    m_summary = new ModelSummaryView(this);
    m_fileCard = new ModelFileCard(this);
    m_background = new ModelBackground(this);
    m_summaryDelay = new QTimer(this);
    m_summaryDelay->setSingleShot(true);
    m_summaryDelay->setInterval(kSummaryDelayMs);

    auto *reset = new QPushButton(tr("Reset to &Defaults"), this);
    reset->setObjectName(QStringLiteral("resetModelButton"));
    reset->setToolTip(tr("Restore the default model and training settings"));

    // The two forms side by side, scrolling together when the window is short.
    auto *forms = new QWidget;
    auto *formColumns = new QHBoxLayout;
    formColumns->addWidget(m_modelForm, 1, Qt::AlignTop);
    formColumns->addWidget(m_trainForm, 1, Qt::AlignTop);
    auto *formLayout = new QVBoxLayout(forms);
    formLayout->addLayout(formColumns);
    formLayout->addStretch(1);
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(forms);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);

    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(scroll, 1);
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_error, 1);
    bottom->addStretch(0);
    bottom->addWidget(reset, 0, Qt::AlignTop | Qt::AlignRight);
    leftLayout->addLayout(bottom);

    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_summary, 3);
    rightLayout->addWidget(m_fileCard, 2);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(QStringLiteral("modelSplitter"));
    splitter->addWidget(left);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    right->setMinimumWidth(480);
    splitter->setChildrenCollapsible(false);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    connect(m_modelForm, &ModelForm::changed, this, &ModelPanel::onFormChanged);
    connect(m_trainForm, &TrainForm::changed, this, [this] {
        validate(); // training settings do not change the model: no new summary
        if (!m_restoring)
            saveConfigs();
        Q_EMIT configChanged();
    });
    connect(m_trainForm, &TrainForm::targetsChosen, this, [this] {
        updateShapesNote();
        m_summary->setPending(true);
        m_summaryDelay->start(); // the output layer's size changed
    });
    connect(m_trainForm, &TrainForm::taskChosen, this, [this] { Q_EMIT taskRequested(taskRequest()); });
    connect(m_summaryDelay, &QTimer::timeout, this, &ModelPanel::requestSummary);
    connect(m_background, &ModelBackground::summaryReady, this, &ModelPanel::onSummary);
    connect(m_background, &ModelBackground::fileInspected, this, &ModelPanel::onFileInspected);
    connect(m_fileCard, &ModelFileCard::openRequested, this, &ModelPanel::chooseModelFile);
    connect(reset, &QPushButton::clicked, this, [this] {
        setModelConfig(ModelConfig{});
        setTrainConfig(TrainConfig{});
    });

    restoreConfigs();
    updateShapesNote();
    validate();
    requestSummary();
}

void ModelPanel::setDataset(std::shared_ptr<const Dataset> dataset)
{
    m_dataset = std::move(dataset);
    QString task;
    if (m_dataset) {
        // The task as read, and what the model will output: classes, targets or tags.
        const bool classes = m_dataset->task() == TaskKind::Classify;
        const QStringList names = classes ? m_dataset->labels() : m_dataset->targetNames();
        const QString kind = classes ? tr("classes") : m_dataset->task() == TaskKind::Regress ? tr("targets") : tr("tags");
        QStringList shown = names.mid(0, 8);
        if (names.size() > shown.size())
            shown << QStringLiteral("…");
        task = tr("%1 · %2 %3: %4").arg(m_dataset->manifest().taskReason).arg(names.size()).arg(kind, shown.join(QStringLiteral(", ")));
    }
    m_trainForm->setDatasetTask(task);
    m_trainForm->setDatasetTargets(m_dataset && m_dataset->task() != TaskKind::Classify ? m_dataset->targetNames() : QStringList());
    updateShapesNote();
    validate();
    m_summaryDelay->start();
}

ModelConfig ModelPanel::modelConfig() const
{
    ModelConfig config = m_modelForm->config();
    if (m_dataset) {
        applyDatasetShapes(&config, *m_dataset);
        const QStringList chosen = m_trainForm->config().targets; // the run learns only these
        if (m_dataset->task() != TaskKind::Classify && !chosen.isEmpty())
            config.numClasses = int(chosen.size());
        if (!m_trainForm->config().supervised) { // contrastive or reconstruct: no task outputs, as the trainer builds it
            config.numClasses = 0;
            config.valueOutputs = false;
        }
    }
    return config;
}

TrainConfig ModelPanel::trainConfig() const
{
    return m_trainForm->config();
}

void ModelPanel::setModelConfig(const ModelConfig &config)
{
    m_modelForm->setConfig(config);
}

void ModelPanel::setTrainConfig(const TrainConfig &config)
{
    const TaskRequest before = taskRequest();
    m_trainForm->setConfig(config);
    if (taskRequest() != before)
        Q_EMIT taskRequested(taskRequest());
}

TaskRequest ModelPanel::taskRequest() const
{
    TaskRequest request = TaskRequest::Auto;
    parseTaskRequest(m_trainForm->config().task, &request);
    return request;
}

qint64 ModelPanel::parameterCount() const
{
    return m_summaryDelay->isActive() || m_background->isSummarizing() ? -1 : m_summary->parameters();
}

void ModelPanel::onFormChanged()
{
    validate();
    if (m_dataset)
        updateShapesNote(); // the objective decides whether there are task outputs
    if (!m_restoring)
        saveConfigs();
    m_summary->setPending(true);
    m_summaryDelay->start();
    Q_EMIT configChanged();
}

void ModelPanel::validate()
{
    QString error = modelConfig().validate();
    if (error.isEmpty())
        error = m_trainForm->parseError();
    if (error.isEmpty())
        error = trainConfig().validate();

    const QString key = formfields::fieldKey(error);
    QWidget *bad = m_modelForm->field(key);
    if (!bad)
        bad = m_trainForm->field(key);
    for (QWidget *field : m_modelForm->fields() + m_trainForm->fields())
        formfields::markInvalid(field, field == bad ? readable(error) : QString());
    formfields::setErrorText(m_error, error.isEmpty() ? QString() : QStringLiteral("⚠ ") + readable(error));

    const bool changed = error != m_validationError;
    m_validationError = error;
    if (changed)
        Q_EMIT validityChanged(error.isEmpty(), error.isEmpty() ? QString() : readable(error));
}

void ModelPanel::requestSummary()
{
    if (!m_validationError.isEmpty() && m_modelForm->field(formfields::fieldKey(m_validationError))) {
        m_summary->setPending(false);
        m_summary->setUnavailable(tr("Fix the highlighted field to see the model summary."));
        Q_EMIT summaryUpdated(-1);
        return;
    }
    const ModelConfig config = modelConfig();
    if (const QString error = config.validate(); !error.isEmpty()) {
        m_summary->setPending(false);
        m_summary->setUnavailable(readable(error));
        Q_EMIT summaryUpdated(-1);
        return;
    }
    m_background->requestSummary(config);
}

void ModelPanel::onSummary(const ModelSummary &summary, const ModelConfig &config)
{
    if (m_summaryDelay->isActive())
        return; // a newer edit is about to ask again
    m_summary->setSummary(summary, config);
    Q_EMIT summaryUpdated(m_summary->parameters());
}

void ModelPanel::updateShapesNote()
{
    if (!m_dataset) {
        m_summary->setShapesNote(tr("No dataset loaded: input shapes are placeholders (2 classes). Open a dataset "
                                    "for the real parameter count."));
        return;
    }
    const ModelConfig shapes = modelConfig();
    const bool one = shapes.numClasses == 1;
    const QString outputs = shapes.numClasses == 0 ? tr("no task outputs (contrastive: the per-modality embeddings are the product)")
                            : m_dataset->task() == TaskKind::Regress     ? (one ? tr("1 target") : tr("%1 targets").arg(shapes.numClasses))
                            : m_dataset->task() == TaskKind::Multilabel ? (one ? tr("1 tag") : tr("%1 tags").arg(shapes.numClasses))
                                                                        : tr("%1 classes").arg(shapes.numClasses);
    m_summary->setShapesNote(tr("Input shapes from %1: %2, %3 text tokens (vocabulary %4), %5 px images, "
                                "%6 mel bins × %7 frames.")
                                 .arg(QFileInfo(m_dataset->root()).fileName(), outputs)
                                 .arg(shapes.textLength)
                                 .arg(shapes.vocabSize)
                                 .arg(shapes.imageSize)
                                 .arg(shapes.melBins)
                                 .arg(shapes.audioFrames));
}

void ModelPanel::chooseModelFile()
{
    QSettings settings;
    const QString file = QFileDialog::getOpenFileName(this, tr("Open Model File"),
                                                      settings.value(kModelFolderKey).toString(),
                                                      tr("TorchScript models (*.pt *.pth *.ts);;All files (*)"));
    if (file.isEmpty())
        return;
    settings.setValue(kModelFolderKey, QFileInfo(file).absolutePath());
    openModelFile(file);
}

void ModelPanel::openModelFile(const QString &path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    m_fileCard->setLoading(absolute);
    std::optional<PreprocessConfig> shapes;
    int classes = 0;
    if (m_dataset) {
        shapes = m_dataset->preprocess();
        classes = int(m_dataset->labels().size());
    }
    m_background->inspectFile(absolute, shapes, classes);
}

void ModelPanel::onFileInspected(const ModelFileInfo &info)
{
    m_fileInfo = info;
    m_fileCard->setInfo(info);
    if (info.error.isEmpty())
        Q_EMIT modelFileOpened(info.path);
    else
        Q_EMIT modelFileFailed(info.path, info.error);
}

void ModelPanel::saveConfigs() const
{
    QSettings settings;
    settings.setValue(kModelKey, QJsonDocument(m_modelForm->config().toJson()).toJson(QJsonDocument::Compact));
    settings.setValue(kTrainKey, QJsonDocument(m_trainForm->config().toJson()).toJson(QJsonDocument::Compact));
}

void ModelPanel::restoreConfigs()
{
    // A config saved by another version may not parse: then the defaults stay.
    QSettings settings;
    m_restoring = true;
    QString error;
    const QJsonObject model = QJsonDocument::fromJson(settings.value(kModelKey).toByteArray()).object();
    if (!model.isEmpty()) {
        const ModelConfig config = ModelConfig::fromJson(model, &error);
        if (error.isEmpty())
            m_modelForm->setConfig(config);
    }
    const QJsonObject train = QJsonDocument::fromJson(settings.value(kTrainKey).toByteArray()).object();
    if (!train.isEmpty()) {
        const TrainConfig config = TrainConfig::fromJson(train, &error);
        if (error.isEmpty())
            m_trainForm->setConfig(config);
    }
    m_restoring = false;
}
