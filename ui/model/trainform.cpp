#include "ui/model/trainform.h"

#include "ui/model/formfields.h"
#include "ui/model/targetchooser.h"

#include "core/util/precision.h"

#include <QtWidgets/QComboBox>
#include <QtWidgets/QDoubleSpinBox>
#include <QtWidgets/QFormLayout>
#include <QtWidgets/QGroupBox>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QSpinBox>
#include <QtWidgets/QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <limits>

namespace {

QSpinBox *spinBox(QWidget *parent, int low, int high)
{
    auto *box = new QSpinBox(parent);
    box->setRange(low, high);
    box->setKeyboardTracking(false);
    return box;
}

QDoubleSpinBox *fractionBox(QWidget *parent, double high, double step)
{
    auto *box = new QDoubleSpinBox(parent);
    box->setRange(0.0, high);
    box->setSingleStep(step);
    box->setDecimals(3);
    box->setKeyboardTracking(false);
    return box;
}

/** The typed number, or NaN when the text is not one (validate() then names the field). */
double typedNumber(const QLineEdit *edit, bool *ok)
{
    const double value = edit->text().trimmed().toDouble(ok);
    return *ok ? value : std::nan("");
}

QString numberText(double value)
{
    return QString::number(value, 'g', 6);
}

} // namespace

TrainForm::TrainForm(QWidget *parent) : QWidget(parent)
{
    using formfields::addRow;

    auto *taskBox = new QGroupBox(tr("Task"), this);
    auto *taskForm = new QFormLayout(taskBox);
    m_task = new QComboBox(taskBox);
    formfields::addChoice(m_task, tr("auto (from the labels)"), QStringLiteral("auto"),
                          tr("Class names → classify; numbers (not a handful of integers) or objects of numbers → regress; "
                             "lists of tags or \"tag1|tag2\" → multilabel."));
    formfields::addChoice(m_task, tr("classify"), QStringLiteral("classify"), tr("One class per sample: cross-entropy, accuracy."));
    formfields::addChoice(m_task, tr("regress"), QStringLiteral("regress"),
                          tr("One or more numbers per sample, standardised on the train split: mean R²."));
    formfields::addChoice(m_task, tr("multilabel"), QStringLiteral("multilabel"),
                          tr("A set of tags per sample: binary cross-entropy per tag, thresholds tuned on val, mAP."));
    m_objective = new QComboBox(taskBox);
    formfields::addChoice(m_objective, tr("supervised (learn the labels)"), QStringLiteral("supervised"),
                          tr("Learn the task from the labelled samples."));
    formfields::addChoice(m_objective, tr("contrastive (no labels)"), QStringLiteral("contrastive"),
                          tr("Align each sample's text, image and audio embeddings with one another (CLIP's InfoNCE); no labels "
                             "are needed, and labels, if any, only measure the embeddings (retrieval, linear probe). Fine-tune "
                             "the result on a few labels with train --init."));
    formfields::addChoice(m_objective, tr("reconstruct (no labels)"), QStringLiteral("reconstruct"),
                          tr("Masked-modality autoencoding: hide one modality of each sample and predict what its input held "
                             "(pooled image, mel bands, caption words) from the others' fused embedding; no labels are needed, "
                             "and labels, if any, only measure the fused embedding (linear probe). Fine-tune with train --init."));
    formfields::addChoice(m_objective, tr("contrastive + supervised"), QStringLiteral("semi"),
                          tr("Semi-supervised: the alignment on every sample, the task on the labelled ones."));
    m_regressionLoss = new QComboBox(taskBox);
    formfields::addChoice(m_regressionLoss, tr("mse"), QStringLiteral("mse"), tr("Squared error on standardised targets."));
    formfields::addChoice(m_regressionLoss, tr("huber"), QStringLiteral("huber"),
                          tr("Squared near the target, linear beyond one standard deviation: robust to outliers."));
    formfields::addChoice(m_regressionLoss, tr("l1"), QStringLiteral("l1"), tr("Absolute error: predicts the median."));
    m_datasetTask = new QLabel(tr("Open a dataset to see what its labels are."), taskBox);
    m_datasetTask->setObjectName(QStringLiteral("datasetTaskLabel"));
    m_datasetTask->setWordWrap(true);
    m_datasetTask->setTextInteractionFlags(Qt::TextSelectableByMouse);
    addRow(taskForm, tr("&Task:"), m_task,
           tr("What the labels are. Changing it reads the dataset's labels again (the decoded media are cached)."));
    addRow(taskForm, tr("&Objective:"), m_objective,
           tr("How the run learns: from the labels, by aligning the modalities (no labels), or both."));
    addRow(taskForm, tr("Regression &loss:"), m_regressionLoss, tr("The loss of a regression, on standardised targets."));
    taskForm->addRow(tr("Dataset:"), m_datasetTask);
    m_targets = new TargetChooser(taskBox);
    addRow(taskForm, tr("Lea&rn:"), m_targets,
           tr("The regression targets or tags this run learns (all by default). The model outputs only the checked "
              "ones; a sample with none of the checked targets is left out of a regression."));
    m_targetsLabel = taskForm->labelForField(m_targets);
    m_targetsLabel->setVisible(false);

    auto *optimiser = new QGroupBox(tr("Optimiser and schedule"), this);
    auto *optimiserForm = new QFormLayout(optimiser);
    m_epochs = spinBox(optimiser, 0, 100000);
    m_epochs->setSpecialValueText(tr("auto"));
    m_batchSize = spinBox(optimiser, 1, 65536);
    m_learningRate = new QLineEdit(optimiser);
    m_weightDecay = new QLineEdit(optimiser);
    m_warmupSteps = spinBox(optimiser, 0, 10000000);
    m_warmupSteps->setSpecialValueText(tr("fraction"));
    m_warmupFraction = fractionBox(optimiser, 0.99, 0.01);
    m_gradClip = fractionBox(optimiser, 1000.0, 0.5);
    m_gradClip->setSpecialValueText(tr("off"));
    m_precision = new QComboBox(optimiser);
    const bool nativeBf16 = cpuHasNativeBf16();
    formfields::addChoice(m_precision, nativeBf16 ? tr("auto (bf16 on this CPU)") : tr("auto (fp32 on this CPU)"),
                          QStringLiteral("auto"),
                          tr("bf16 where the CPU multiplies it natively (AVX-512 BF16 or AMX), fp32 elsewhere."));
    formfields::addChoice(m_precision, tr("fp32"), QStringLiteral("fp32"), tr("Full single precision everywhere."));
    formfields::addChoice(m_precision, tr("bf16"), QStringLiteral("bf16"),
                          nativeBf16 ? tr("The forward's matrix products in bfloat16.")
                                     : tr("The forward's matrix products in bfloat16; this CPU has no native bf16, so it is slow."));
    addRow(optimiserForm, tr("&Epochs:"), m_epochs, tr("Passes over the training split; auto (0) picks enough for about %1 optimiser steps "
              "(3 to 100 epochs).").arg(TrainConfig::kAutoEpochSteps));
    addRow(optimiserForm, tr("&Batch size:"), m_batchSize, tr("Samples per optimiser step."));
    addRow(optimiserForm, tr("Learning &rate:"), m_learningRate,
           tr("Peak AdamW learning rate, reached after the warm-up, then decayed along a cosine. "
              "Type a number such as 0.001 or 3e-4."));
    addRow(optimiserForm, tr("&Weight decay:"), m_weightDecay,
           tr("AdamW's decoupled weight decay, applied to weight matrices only (not to biases or norms)."));
    addRow(optimiserForm, tr("Warm-up &steps:"), m_warmupSteps,
           tr("Steps of linear learning-rate warm-up; 0 uses the warm-up fraction of all steps instead."));
    addRow(optimiserForm, tr("Warm-up &fraction:"), m_warmupFraction,
           tr("Share of all steps spent warming up when warm-up steps is 0."));
    addRow(optimiserForm, tr("&Gradient clip:"), m_gradClip,
           tr("Clips the gradient's global norm to this value; 0 turns clipping off."));
    addRow(optimiserForm, tr("&Precision:"), m_precision,
           tr("Arithmetic of the forward pass in training and evaluation. bf16 autocasts the matrix products "
              "(about 1.5x faster where the CPU has native bf16); weights, optimiser state, checkpoints and the "
              "exported model stay fp32."));

    auto *regularisation = new QGroupBox(tr("Regularisation and stopping"), this);
    auto *regularisationForm = new QFormLayout(regularisation);
    m_labelSmoothing = fractionBox(regularisation, 0.99, 0.05);
    m_modalityDropout = fractionBox(regularisation, 0.99, 0.05);
    m_patience = spinBox(regularisation, 0, 10000);
    m_patience->setSpecialValueText(tr("off"));
    m_classWeights = new QComboBox(regularisation);
    formfields::addChoice(m_classWeights, tr("none"), QStringLiteral("none"), tr("Every sample weighs the same."));
    formfields::addChoice(m_classWeights, tr("balanced"), QStringLiteral("balanced"),
                          tr("Rare classes weigh more, so every class counts the same in the loss."));
    m_seed = spinBox(regularisation, 0, std::numeric_limits<int>::max());
    addRow(regularisationForm, tr("&Label smoothing:"), m_labelSmoothing,
           tr("Moves this much probability mass from the true class to the others, in [0, 1)."));
    addRow(regularisationForm, tr("&Modality dropout:"), m_modalityDropout,
           tr("Drops each present modality of a training sample with this probability (never all of them), "
              "so the model learns to cope with missing inputs."));
    addRow(regularisationForm, tr("Early stopping &patience:"), m_patience,
           tr("Stops after this many epochs without a lower validation loss and keeps the best weights; 0 = off."));
    addRow(regularisationForm, tr("&Class weights:"), m_classWeights, tr("Weights of the classes in the loss."));
    addRow(regularisationForm, tr("S&eed:"), m_seed,
           tr("Seeds weight initialisation, shuffling and dropout: the same seed repeats a run exactly."));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(taskBox);
    layout->addWidget(optimiser);
    layout->addWidget(regularisation);

    m_fields = {{QStringLiteral("task"), m_task},
                {QStringLiteral("objective"), m_objective},
                {QStringLiteral("regression_loss"), m_regressionLoss},
                {QStringLiteral("targets"), m_targets},
                {QStringLiteral("epochs"), m_epochs},
                {QStringLiteral("batch_size"), m_batchSize},
                {QStringLiteral("learning_rate"), m_learningRate},
                {QStringLiteral("weight_decay"), m_weightDecay},
                {QStringLiteral("warmup_steps"), m_warmupSteps},
                {QStringLiteral("warmup_fraction"), m_warmupFraction},
                {QStringLiteral("grad_clip_norm"), m_gradClip},
                {QStringLiteral("precision"), m_precision},
                {QStringLiteral("label_smoothing"), m_labelSmoothing},
                {QStringLiteral("modality_dropout"), m_modalityDropout},
                {QStringLiteral("early_stopping_patience"), m_patience},
                {QStringLiteral("class_weights"), m_classWeights},
                {QStringLiteral("seed"), m_seed}};
    for (auto it = m_fields.begin(); it != m_fields.end(); ++it)
        it.value()->setObjectName(QStringLiteral("train_") + it.key());

    setConfig(TrainConfig{});
    for (QSpinBox *box : {m_epochs, m_batchSize, m_warmupSteps, m_patience, m_seed})
        connect(box, &QSpinBox::valueChanged, this, &TrainForm::changed);
    for (QDoubleSpinBox *box : {m_warmupFraction, m_gradClip, m_labelSmoothing, m_modalityDropout})
        connect(box, &QDoubleSpinBox::valueChanged, this, &TrainForm::changed);
    for (QLineEdit *edit : {m_learningRate, m_weightDecay})
        connect(edit, &QLineEdit::textChanged, this, &TrainForm::changed);
    for (QComboBox *combo : {m_classWeights, m_precision, m_regressionLoss})
        connect(combo, &QComboBox::currentIndexChanged, this, &TrainForm::changed);
    connect(m_objective, &QComboBox::currentIndexChanged, this, [this] {
        updateTaskFields();
        Q_EMIT changed();
    });
    connect(m_targets, &TargetChooser::changed, this, [this] {
        Q_EMIT changed();
        Q_EMIT targetsChosen();
    });
    connect(m_task, &QComboBox::currentIndexChanged, this, [this] {
        updateTaskFields();
        Q_EMIT changed();
        Q_EMIT taskChosen(m_task->currentData().toString());
    });
}

void TrainForm::updateTaskFields()
{
    const QString task = m_task->currentData().toString();
    const QString objective = m_objective->currentData().toString();
    const bool supervised = objective != QLatin1String("contrastive") && objective != QLatin1String("reconstruct");
    m_regressionLoss->setEnabled(supervised && (task == QLatin1String("regress") || task == QLatin1String("auto")));
    m_classWeights->setEnabled(supervised);
    m_labelSmoothing->setEnabled(supervised);
}

void TrainForm::setDatasetTask(const QString &description)
{
    m_datasetTask->setText(description.isEmpty() ? tr("Open a dataset to see what its labels are.") : description);
}

void TrainForm::setDatasetTargets(const QStringList &names)
{
    m_targets->setNames(names);
    m_targetsLabel->setVisible(!names.isEmpty());
}

QString TrainForm::datasetTaskText() const
{
    return m_datasetTask->text();
}

TrainConfig TrainForm::config() const
{
    TrainConfig config;
    bool ok = false;
    config.epochs = m_epochs->value();
    config.batchSize = m_batchSize->value();
    config.learningRate = typedNumber(m_learningRate, &ok);
    config.weightDecay = typedNumber(m_weightDecay, &ok);
    config.warmupSteps = m_warmupSteps->value();
    config.warmupFraction = m_warmupFraction->value();
    config.gradClipNorm = m_gradClip->value();
    config.precision = m_precision->currentData().toString();
    config.labelSmoothing = m_labelSmoothing->value();
    config.modalityDropout = m_modalityDropout->value();
    config.earlyStoppingPatience = m_patience->value();
    config.classWeights = m_classWeights->currentData().toString();
    config.seed = std::uint64_t(m_seed->value());
    config.task = m_task->currentData().toString();
    const QString objective = m_objective->currentData().toString();
    config.reconstruct = objective == QLatin1String("reconstruct");
    config.supervised = objective != QLatin1String("contrastive") && !config.reconstruct;
    config.contrastiveWeight = objective == QLatin1String("supervised") || config.reconstruct ? 0.0 : std::max(m_contrastiveWeight, 1e-6);
    config.regressionLoss = m_regressionLoss->currentData().toString();
    config.targets = m_targets->chosen();
    return config;
}

void TrainForm::setConfig(const TrainConfig &config)
{
    const QSignalBlocker blockers[] = {
        QSignalBlocker(m_epochs),         QSignalBlocker(m_batchSize),       QSignalBlocker(m_learningRate),
        QSignalBlocker(m_weightDecay),    QSignalBlocker(m_warmupSteps),     QSignalBlocker(m_warmupFraction),
        QSignalBlocker(m_gradClip),       QSignalBlocker(m_labelSmoothing),  QSignalBlocker(m_modalityDropout),
        QSignalBlocker(m_patience),       QSignalBlocker(m_classWeights),    QSignalBlocker(m_seed),
        QSignalBlocker(m_precision),      QSignalBlocker(m_task),            QSignalBlocker(m_regressionLoss),
        QSignalBlocker(m_objective)};
    m_epochs->setValue(config.epochs);
    m_batchSize->setValue(config.batchSize);
    m_learningRate->setText(numberText(config.learningRate));
    m_weightDecay->setText(numberText(config.weightDecay));
    m_warmupSteps->setValue(config.warmupSteps);
    m_warmupFraction->setValue(config.warmupFraction);
    m_gradClip->setValue(config.gradClipNorm);
    formfields::selectData(m_precision, config.precision);
    m_labelSmoothing->setValue(config.labelSmoothing);
    m_modalityDropout->setValue(config.modalityDropout);
    m_patience->setValue(config.earlyStoppingPatience);
    formfields::selectData(m_classWeights, config.classWeights);
    m_seed->setValue(int(std::min<std::uint64_t>(config.seed, std::uint64_t(std::numeric_limits<int>::max()))));
    formfields::selectData(m_task, config.task);
    formfields::selectData(m_objective, config.reconstruct ? QStringLiteral("reconstruct")
                                        : !config.supervised ? QStringLiteral("contrastive")
                                        : config.contrastiveWeight > 0.0 ? QStringLiteral("semi") : QStringLiteral("supervised"));
    m_contrastiveWeight = config.contrastiveWeight > 0.0 ? config.contrastiveWeight : 1.0; // a config file's weight is kept
    formfields::selectData(m_regressionLoss, config.regressionLoss);
    m_targets->setChosen(config.targets);
    updateTaskFields();
    Q_EMIT changed();
}

QString TrainForm::parseError() const
{
    if (m_targets->count() > 0 && m_targets->checkedCount() == 0)
        return tr("train config: targets must include at least one of the dataset's targets or tags");
    bool ok = false;
    typedNumber(m_learningRate, &ok);
    if (!ok)
        return tr("train config: learning_rate \"%1\" is not a number").arg(m_learningRate->text());
    typedNumber(m_weightDecay, &ok);
    if (!ok)
        return tr("train config: weight_decay \"%1\" is not a number").arg(m_weightDecay->text());
    return {};
}
