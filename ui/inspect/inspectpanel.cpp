#include "ui/inspect/inspectpanel.h"

#include "core/util/progress.h"
#include "ui/inspect/explaincontroller.h"
#include "ui/inspect/overlayexportbar.h"
#include "ui/inspect/sampleinspector.h"
#include "ui/inspect/samplenavigator.h"
#include "ui/inspect/split/splitviews.h"
#include "ui/widgets/notelabel.h"

#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QSettings>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QProgressBar>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QScrollArea>
#include <QtWidgets/QSplitter>
#include <QtWidgets/QTabWidget>
#include <QtWidgets/QTableView>
#include <QtWidgets/QVBoxLayout>

namespace {

const QString kLastModelFolderKey = QStringLiteral("inspect/lastModelFolder");
const QString kPredictingStage = QStringLiteral("predicting");

} // namespace

InspectPanel::InspectPanel(QWidget *parent) : QWidget(parent)
{
    m_controller = new ExplainController(this);

    m_modelLabel = new QLabel(this);
    m_modelLabel->setObjectName(QStringLiteral("modelLabel"));
    m_modelLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont bold = m_modelLabel->font();
    bold.setBold(true);
    m_modelLabel->setFont(bold);
    m_modelSummary = new NoteLabel(this);
    m_modelSummary->setObjectName(QStringLiteral("modelSummary"));
    m_openButton = new QPushButton(tr("Open Model…"), this);
    m_openButton->setObjectName(QStringLiteral("openModelButton"));
    m_openButton->setToolTip(tr("Open a FusionScope model file or any TorchScript model that follows the model contract"));
    m_preparing = new QProgressBar(this);
    m_preparing->setObjectName(QStringLiteral("preparingProgress"));
    m_preparing->setMaximumWidth(260);
    m_preparing->hide();

    m_navigator = new SampleNavigator(this);
    m_navigator->setObjectName(QStringLiteral("sampleNavigator"));
    m_exportBar = new OverlayExportBar(m_controller, m_navigator, this);
    m_exportBar->setObjectName(QStringLiteral("overlayExportBar"));
    connect(m_exportBar, &OverlayExportBar::errorOccurred, this, &InspectPanel::errorOccurred);
    m_inspector = new SampleInspector(this);
    m_inspector->setObjectName(QStringLiteral("sampleInspector"));
    m_inspectorScroll = new QScrollArea(this);
    m_inspectorScroll->setObjectName(QStringLiteral("sampleInspectorScroll"));
    m_inspectorScroll->setWidget(m_inspector);
    m_inspectorScroll->setWidgetResizable(true);
    m_inspectorScroll->setFrameShape(QFrame::NoFrame);
    m_splitViews = new QTabWidget(this);
    m_splitViews->setObjectName(QStringLiteral("splitViews"));
    m_splitViews->setDocumentMode(true);
    m_splitViews->addTab(m_inspectorScroll, tr("Sample"));
    // Split-level views get the model-attached dataset, so their indices are the navigator's.
    auto *splitLevel = new SplitViews(this);
    splitLevel->setObjectName(QStringLiteral("splitLevelViews"));
    m_splitViews->addTab(splitLevel, tr("Split"));
    connect(this, &InspectPanel::modelReady, splitLevel,
            [splitLevel](const QString &path, std::shared_ptr<const Dataset> dataset) {
                splitLevel->setDataset(std::move(dataset));
                splitLevel->setModelPath(path);
            });
    connect(splitLevel, &SplitViews::samplesRequested, this, &InspectPanel::showSamples);
    connect(splitLevel, &SplitViews::errorOccurred, this, &InspectPanel::errorOccurred);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setObjectName(QStringLiteral("inspectSplitter"));
    m_splitter->addWidget(m_navigator);
    m_splitter->addWidget(m_splitViews);
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({440, 1000});

    auto *header = new QHBoxLayout;
    auto *names = new QVBoxLayout;
    names->setSpacing(0);
    names->addWidget(m_modelLabel);
    names->addWidget(m_modelSummary);
    header->addLayout(names, 1);
    header->addWidget(m_preparing);
    header->addWidget(m_exportBar);
    header->addWidget(m_openButton);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(m_splitter, 1);

    connect(m_openButton, &QPushButton::clicked, this, &InspectPanel::chooseModelFile);
    connect(m_controller, &ExplainController::modelOpened, this, &InspectPanel::onModelOpened);
    connect(m_controller, &ExplainController::ready, this, &InspectPanel::onReady);
    connect(m_controller, &ExplainController::failed, this, &InspectPanel::onFailed);
    connect(m_controller, &ExplainController::progressChanged, this, &InspectPanel::onProgress);
    connect(m_controller, &ExplainController::sampleExplained, this, &InspectPanel::onSampleExplained);
    connect(m_controller, &ExplainController::predictionsArrived, m_navigator, &SampleNavigator::addOutcomes);
    connect(m_controller, &ExplainController::predictionsFinished, this, &InspectPanel::onPredictionsFinished);
    connect(m_navigator, &SampleNavigator::currentSampleChanged, this, &InspectPanel::onCurrentSampleChanged);
    connect(m_navigator, &SampleNavigator::splitChanged, this, &InspectPanel::startPredictions);
    updateHeader();
}

InspectPanel::~InspectPanel() = default;

QString InspectPanel::modelPath() const
{
    return m_controller->model().path;
}

void InspectPanel::setDataset(std::shared_ptr<const Dataset> dataset)
{
    m_dataset = std::move(dataset);
    m_preparing->hide();
    m_controller->setDataset(m_dataset);
    m_navigator->setDataset(m_dataset);
    m_exportBar->updateState();
    if (auto *splitLevel = findChild<SplitViews *>(QStringLiteral("splitLevelViews")))
        splitLevel->setDataset(nullptr); // until modelReady brings the model-attached copy
    updateHeader();
}

void InspectPanel::openModel(const QString &modelPath)
{
    m_openingPath = QDir::cleanPath(QFileInfo(modelPath).absoluteFilePath());
    m_controller->openModel(m_openingPath);
    updateHeader();
}

void InspectPanel::chooseModelFile()
{
    QSettings settings;
    const QString file = QFileDialog::getOpenFileName(
        this, tr("Open Model File"), settings.value(kLastModelFolderKey, QDir::homePath()).toString(),
        tr("TorchScript models (*.pt *.pth *.torchscript);;All files (*)"));
    if (file.isEmpty())
        return;
    settings.setValue(kLastModelFolderKey, QFileInfo(file).absolutePath());
    openModel(file);
}

void InspectPanel::onModelOpened(const ExplainModelInfo &)
{
    m_openingPath.clear();
    updateHeader();
}

void InspectPanel::onReady(const ExplainModelInfo &, std::shared_ptr<const Dataset> dataset)
{
    m_preparing->hide();
    m_inspector->setDataset(dataset);
    updateHeader();
    startPredictions();
    explainCurrent();
    Q_EMIT modelReady(m_controller->model().path, dataset);
}

void InspectPanel::onFailed(const QString &message, const QString &details)
{
    m_openingPath.clear();
    m_preparing->hide();
    m_exportBar->updateState();
    updateHeader();
    Q_EMIT errorOccurred(message, details);
}

void InspectPanel::onProgress(const Progress &progress)
{
    if (progress.stage == kPredictingStage) {
        m_navigator->setPredictionProgress(progress.done, progress.total);
        return;
    }
    // Rereading the data with the model's preprocessing.
    m_preparing->setRange(0, int(std::max<qint64>(1, progress.total)));
    m_preparing->setValue(int(progress.done));
    m_preparing->setFormat(progress.stage);
    m_preparing->setToolTip(progress.stage);
    m_preparing->setVisible(progress.total <= 0 || progress.done < progress.total);
}

void InspectPanel::startPredictions()
{
    m_navigator->clearOutcomes();
    if (!m_controller->isReady()) {
        m_navigator->setPredictionProgress(0, 0);
        return;
    }
    const bool predicts = m_controller->model().predicts;
    m_navigator->setPredicts(predicts);
    if (!predicts) // learnt without labels: no class to predict, nothing to list or filter by
        return;
    const std::vector<int> indices = m_navigator->splitIndices();
    m_navigator->setPredictionProgress(0, qint64(indices.size()));
    m_controller->predict(indices);
}

void InspectPanel::onPredictionsFinished(const QString &error)
{
    m_navigator->setPredictionProgress(1, 1);
    if (!error.isEmpty())
        Q_EMIT errorOccurred(tr("Predicting the samples of the split failed."), error);
}

void InspectPanel::onCurrentSampleChanged(int datasetIndex)
{
    // A sample picked by the user comes to the front; one picked by a filter change does not
    // take the view away from a split-level view.
    if (m_navigator->table()->hasFocus())
        m_splitViews->setCurrentWidget(m_inspectorScroll);
    if (datasetIndex >= 0)
        explainCurrent();
}

void InspectPanel::explainCurrent()
{
    const int index = m_navigator->currentSample();
    if (index < 0 || !m_controller->isReady())
        return;
    const std::shared_ptr<const Dataset> dataset = m_controller->dataset();
    m_inspector->setStatus(index < dataset->size() ? tr("Explaining %1…").arg(dataset->record(index).id) : QString());
    m_controller->explain(index);
}

void InspectPanel::onSampleExplained(const ExplainedSample &sample)
{
    m_inspector->setStatus({});
    m_inspector->setSample(sample);
}

void InspectPanel::showSamples(const QVector<int> &datasetIndices, const QString &title)
{
    m_navigator->showSamples(datasetIndices, title);
}

void InspectPanel::updateHeader()
{
    const ExplainModelInfo &model = m_controller->model();
    if (!m_openingPath.isEmpty()) {
        m_modelLabel->setText(tr("Opening %1…").arg(QDir::toNativeSeparators(m_openingPath)));
    } else if (model.path.isEmpty()) {
        m_modelLabel->setText(tr("No model"));
    } else {
        m_modelLabel->setText(tr("Model: %1").arg(QDir::toNativeSeparators(model.path)));
    }
    QString summary = model.summary;
    if (!m_dataset)
        summary = tr("Open a dataset to inspect (File ▸ Open Dataset…).");
    else if (model.path.isEmpty())
        summary = tr("Open a model file to see why it decides: File ▸ Open Model File… (Ctrl+M), or drop a .pt file on the window.");
    else if (!m_controller->isReady())
        summary += tr(" · preparing %1…").arg(QFileInfo(m_dataset->root()).fileName());
    else
        summary += tr(" · explaining %1").arg(QFileInfo(m_dataset->root()).fileName());
    m_modelSummary->setText(summary);
    if (!m_controller->isReady() && !m_inspector->hasSample())
        m_inspector->clear(model.path.isEmpty() ? tr("No model open") : tr("Preparing…"));
}

QByteArray InspectPanel::saveLayout() const
{
    return m_splitter->saveState();
}

void InspectPanel::restoreLayout(const QByteArray &state)
{
    m_splitter->restoreState(state);
}
