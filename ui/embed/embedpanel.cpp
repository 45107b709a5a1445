#include "ui/embed/embedpanel.h"

#include "core/data/split.h"
#include "ui/data/thumbnailloader.h"
#include "ui/embed/embedcontroller.h"
#include "ui/embed/embeddingmapview.h"
#include "ui/embed/hovercard.h"
#include "ui/embed/mapcolouring.h"
#include "ui/embed/retrievalpanel.h"
#include "ui/embed/selectiontablemodel.h"
#include "ui/widgets/notelabel.h"

#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QSettings>
#include <QtGui/QStandardItemModel>
#include <QtWidgets/QButtonGroup>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLabel>
#include <QtWidgets/QProgressBar>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QSplitter>
#include <QtWidgets/QTableView>
#include <QtWidgets/QToolButton>
#include <QtWidgets/QVBoxLayout>

namespace {

const QString kLastModelFolderKey = QStringLiteral("mainWindow/lastModelFolder");

/** How an output reads in the Embedding choice. */
QString outputTitle(const QString &output)
{
    if (output == QLatin1String("joint"))
        return QObject::tr("joint (mean of the modalities)");
    if (output == QLatin1String("embedding"))
        return QObject::tr("fused");
    if (output.startsWith(QLatin1String("embed/")))
        return output.mid(6);
    return output;
}

QToolButton *toolButton(const QString &text, const QString &tip, QWidget *parent)
{
    auto *button = new QToolButton(parent);
    button->setText(text);
    button->setToolTip(tip);
    button->setCheckable(true);
    button->setAutoRaise(true);
    return button;
}

} // namespace

EmbedPanel::EmbedPanel(QWidget *parent) : QWidget(parent)
{
    m_controller = new EmbedController(this);
    m_thumbnails = new ThumbnailLoader(QSize(128, 128), this);

    m_modelLabel = new QLabel(this);
    m_modelLabel->setObjectName(QStringLiteral("embedModelLabel"));
    m_modelLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_openModel = new QPushButton(tr("Open Model…"), this);
    m_split = new QComboBox(this);
    m_split->setObjectName(QStringLiteral("embedSplit"));
    for (const QString &split : {QStringLiteral("test"), QStringLiteral("val"), QStringLiteral("train"), QStringLiteral("all")})
        m_split->addItem(split, split);
    m_output = new QComboBox(this);
    m_output->setObjectName(QStringLiteral("embedOutput"));
    m_output->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_colouring = new QComboBox(this);
    m_colouring->setObjectName(QStringLiteral("embedColouring"));
    for (MapColouring colouring : {MapColouring::Label, MapColouring::Split, MapColouring::Prediction, MapColouring::Correctness,
                                   MapColouring::Presence})
        m_colouring->addItem(colouringName(colouring), int(colouring));
    m_panTool = toolButton(tr("Pan"), tr("Drag to pan, wheel to zoom"), this);
    m_boxTool = toolButton(tr("Box"), tr("Drag a rectangle to select samples (Shift adds)"), this);
    m_lassoTool = toolButton(tr("Lasso"), tr("Draw around samples to select them (Shift adds)"), this);
    m_lassoTool->setObjectName(QStringLiteral("lassoTool"));
    auto *tools = new QButtonGroup(this);
    tools->addButton(m_panTool, int(MapTool::Pan));
    tools->addButton(m_boxTool, int(MapTool::Box));
    tools->addButton(m_lassoTool, int(MapTool::Lasso));
    m_lassoTool->setChecked(true);
    m_remap = new QPushButton(tr("Map Again"), this);
    m_remap->setToolTip(tr("Embed the split and lay it out again (after the model file changed)"));
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_progress = new QProgressBar(this);
    m_progress->setMaximumWidth(220);
    m_status = new NoteLabel(this);
    m_status->setObjectName(QStringLiteral("embedStatus"));
    m_status->setWordWrap(true);

    m_map = new EmbeddingMapView(this);
    m_map->setTool(MapTool::Lasso);
    m_hoverCard = new HoverCard(this);
    m_retrieval = new RetrievalPanel(m_thumbnails, this);

    auto *selectionBox = new QWidget(this);
    m_selectionTitle = new QLabel(selectionBox);
    m_selection = new SelectionTableModel(this);
    m_selectionTable = new QTableView(selectionBox);
    m_selectionTable->setObjectName(QStringLiteral("mapSelectionTable"));
    m_selectionTable->setModel(m_selection);
    m_selectionTable->verticalHeader()->hide();
    m_selectionTable->horizontalHeader()->setStretchLastSection(true);
    m_selectionTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_showInInspect = new QPushButton(tr("Show in Inspect"), selectionBox);
    m_showInInspect->setObjectName(QStringLiteral("showSelectionInInspect"));
    m_showInInspect->setToolTip(tr("List these samples in the Inspect tab's navigator"));
    auto *selectionHeader = new QHBoxLayout;
    selectionHeader->addWidget(m_selectionTitle, 1);
    selectionHeader->addWidget(m_showInInspect);
    auto *selectionLayout = new QVBoxLayout(selectionBox);
    selectionLayout->setContentsMargins(0, 0, 0, 0);
    selectionLayout->addLayout(selectionHeader);
    selectionLayout->addWidget(m_selectionTable, 1);

    auto *side = new QSplitter(Qt::Vertical, this);
    side->addWidget(m_retrieval);
    side->addWidget(selectionBox);
    side->setStretchFactor(0, 3);
    side->setStretchFactor(1, 2);
    side->setSizes({620, 260}); // the neighbours need the height; the selection list scrolls
    auto *body = new QSplitter(Qt::Horizontal, this);
    body->setObjectName(QStringLiteral("embedSplitter"));
    body->addWidget(m_map);
    body->addWidget(side);
    body->setStretchFactor(0, 3);
    body->setStretchFactor(1, 2);
    body->setSizes({900, 560}); // the map gets the room; splitters start from their widgets' hints otherwise

    auto *header = new QHBoxLayout;
    header->addWidget(m_modelLabel, 1);
    header->addWidget(m_openModel);
    auto *controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Split"), this));
    controls->addWidget(m_split);
    controls->addWidget(new QLabel(tr("Embedding"), this));
    controls->addWidget(m_output);
    controls->addWidget(new QLabel(tr("Colour by"), this));
    controls->addWidget(m_colouring);
    controls->addSpacing(12);
    controls->addWidget(m_panTool);
    controls->addWidget(m_boxTool);
    controls->addWidget(m_lassoTool);
    controls->addStretch(1);
    controls->addWidget(m_progress);
    controls->addWidget(m_cancel);
    controls->addWidget(m_remap);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addLayout(controls);
    layout->addWidget(m_status);
    layout->addWidget(body, 1);

    connect(m_openModel, &QPushButton::clicked, this, &EmbedPanel::chooseModelFile);
    connect(m_split, &QComboBox::currentIndexChanged, this, &EmbedPanel::mapIfNeeded);
    connect(m_output, &QComboBox::currentIndexChanged, this, &EmbedPanel::mapIfNeeded);
    connect(m_colouring, &QComboBox::currentIndexChanged, this, &EmbedPanel::recolour);
    connect(tools, &QButtonGroup::idClicked, this, [this](int tool) { m_map->setTool(MapTool(tool)); });
    connect(m_remap, &QPushButton::clicked, this, &EmbedPanel::mapNow);
    connect(m_cancel, &QPushButton::clicked, m_controller, &EmbedController::cancelMap);
    connect(m_controller, &EmbedController::ready, this, &EmbedPanel::onReady);
    connect(m_controller, &EmbedController::failed, this, &EmbedPanel::onFailed);
    connect(m_controller, &EmbedController::progressChanged, this, &EmbedPanel::onProgress);
    connect(m_controller, &EmbedController::mapReady, this, &EmbedPanel::onMapReady);
    connect(m_controller, &EmbedController::mapFailed, this, &EmbedPanel::onMapFailed);
    connect(m_controller, &EmbedController::answered, m_retrieval, &RetrievalPanel::showAnswer);
    connect(m_map, &EmbeddingMapView::pointHovered, this, &EmbedPanel::onHovered);
    connect(m_map, &EmbeddingMapView::selectionChanged, this, &EmbedPanel::onSelectionChanged);
    connect(m_map, &EmbeddingMapView::pointClicked, this, &EmbedPanel::askWithPoint);
    connect(m_retrieval, &RetrievalPanel::queryRequested, m_controller, &EmbedController::retrieve);
    connect(m_retrieval, &RetrievalPanel::hitActivated, this, [this](int attachedIndex) {
        const int index = windowIndexOf(attachedIndex);
        if (index >= 0)
            Q_EMIT openSampleRequested(index);
    });
    connect(m_showInInspect, &QPushButton::clicked, this, [this] {
        QVector<int> indices;
        for (int attached : m_selection->datasetIndices())
            if (const int index = windowIndexOf(attached); index >= 0)
                indices << index;
        Q_EMIT showSamplesRequested(indices, tr("%n sample(s) selected on the embedding map", nullptr, int(indices.size())));
    });
    connect(m_thumbnails, &ThumbnailLoader::thumbnailReady, this, [this](int key) {
        if (key == m_hoveredIndex && m_hoverCard->isVisible() && m_dataset)
            m_hoverCard->setPicture(m_thumbnails->thumbnail(key, m_dataset->record(key).imagePath));
    });
    onSelectionChanged({});
    setMapping(false);
    updateHeader();
}

EmbedPanel::~EmbedPanel() = default;

void EmbedPanel::setDataset(std::shared_ptr<const Dataset> dataset)
{
    m_windowDataset = std::move(dataset);
    m_dataset.reset();
    m_current = EmbeddingMap();
    m_map->setPoints({});
    m_thumbnails->clear();
    m_retrieval->setModel({}, nullptr);
    onSelectionChanged({});
    m_controller->setDataset(m_windowDataset);
    updateHeader();
}

void EmbedPanel::openModel(const QString &modelPath)
{
    m_openingPath = QDir::cleanPath(QFileInfo(modelPath).absoluteFilePath());
    m_dataset.reset();
    m_current = EmbeddingMap();
    m_map->setPoints({});
    m_retrieval->setModel({}, nullptr);
    onSelectionChanged({});
    m_controller->openModel(m_openingPath);
    updateHeader();
}

void EmbedPanel::chooseModelFile()
{
    QSettings settings;
    const QString file = QFileDialog::getOpenFileName(this, tr("Open Model File"),
                                                      settings.value(kLastModelFolderKey, QDir::homePath()).toString(),
                                                      tr("TorchScript models (*.pt *.pth *.torchscript);;All files (*)"));
    if (file.isEmpty())
        return;
    settings.setValue(kLastModelFolderKey, QFileInfo(file).absolutePath());
    openModel(file);
}

void EmbedPanel::onReady(const EmbedModelInfo &info, std::shared_ptr<const Dataset> dataset)
{
    m_model = info;
    m_dataset = std::move(dataset);
    m_thumbnails->clear(); // keys are sample indices of the attached dataset, which may be a new reading
    m_openingPath.clear();
    const QSignalBlocker blocker(m_output);
    m_output->clear();
    for (const QString &output : info.outputs)
        m_output->addItem(outputTitle(output), output);
    // Without classes there is no prediction to colour by.
    if (auto *choices = qobject_cast<QStandardItemModel *>(m_colouring->model())) {
        for (MapColouring colouring : {MapColouring::Prediction, MapColouring::Correctness}) {
            QStandardItem *item = choices->item(m_colouring->findData(int(colouring)));
            item->setEnabled(!info.classNames.isEmpty());
            item->setToolTip(info.classNames.isEmpty() ? tr("This model predicts no classes") : QString());
        }
        if (!choices->item(m_colouring->currentIndex())->isEnabled())
            m_colouring->setCurrentIndex(m_colouring->findData(int(MapColouring::Label)));
    }
    m_retrieval->setModel(info, m_dataset);
    updateHeader();
    Q_EMIT modelReady(info);
    mapIfNeeded();
}

void EmbedPanel::onFailed(const QString &message, const QString &details)
{
    m_openingPath.clear();
    setMapping(false);
    updateHeader();
    m_status->setText(message + QLatin1Char(' ') + details);
    Q_EMIT errorOccurred(message, details);
}

void EmbedPanel::onProgress(const Progress &progress)
{
    m_progress->setVisible(true);
    m_progress->setRange(0, progress.total > 0 ? 1000 : 0);
    if (progress.total > 0)
        m_progress->setValue(int(1000 * progress.done / progress.total));
    m_progress->setFormat(progress.stage + QStringLiteral(" %p%"));
}

void EmbedPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    mapIfNeeded();
}

void EmbedPanel::mapIfNeeded()
{
    if (!m_dataset || !isVisible() || m_output->count() == 0)
        return;
    const QString split = m_split->currentData().toString();
    const QString output = m_output->currentData().toString();
    if (m_controller->isMapping() ? (split == m_requestedSplit && output == m_requestedOutput)
                                  : (split == m_current.split && output == m_current.output))
        return;
    mapNow();
}

void EmbedPanel::mapNow()
{
    if (!m_dataset || m_output->count() == 0)
        return;
    m_requestedSplit = m_split->currentData().toString();
    m_requestedOutput = m_output->currentData().toString();
    m_hoverCard->hide();
    m_controller->computeMap(m_requestedSplit, m_requestedOutput);
    setMapping(true);
    m_status->setText(tr("Embedding the %1 split with the %2 embedding, then laying it out (t-SNE)…")
                          .arg(m_requestedSplit, outputTitle(m_requestedOutput)));
}

void EmbedPanel::setMapping(bool mapping)
{
    m_progress->setVisible(mapping);
    m_cancel->setVisible(mapping);
    m_remap->setEnabled(!mapping && m_dataset);
    if (mapping) {
        m_progress->setRange(0, 0);
        m_progress->setFormat(tr("embedding"));
    }
}

void EmbedPanel::onMapReady(const EmbeddingMap &map)
{
    setMapping(false);
    m_current = map;
    m_map->setPoints(map.xy);
    recolour();
    onSelectionChanged({});
    m_status->setText(tr("%n %1 sample(s) · %2 embedding (%3-D) · t-SNE, perplexity %4, KL divergence %5 · %6 s. "
                         "Hover for a sample, draw around samples to list them, click one to search with it.",
                         nullptr, int(map.indices.size()))
                          .arg(map.split, outputTitle(map.output))
                          .arg(map.dim)
                          .arg(map.perplexity, 0, 'f', 0)
                          .arg(map.klDivergence, 0, 'f', 2)
                          .arg(map.seconds, 0, 'f', 1));
    Q_EMIT mapShown();
}

void EmbedPanel::onMapFailed(const QString &message)
{
    setMapping(false);
    m_requestedSplit.clear();
    m_status->setText(message.isEmpty() ? tr("Mapping cancelled; Map Again starts it anew.") : message);
}

void EmbedPanel::recolour()
{
    if (!m_dataset || m_current.indices.empty())
        return;
    const auto colouring = MapColouring(m_colouring->currentData().toInt());
    const MapGroups groups = mapGroups(m_current, *m_dataset, m_model.classNames, colouring);
    m_map->setGroups(groups.groupOfPoint, groups.names, groups.noneName);
}

void EmbedPanel::onHovered(int point, const QPoint &globalPos)
{
    if (point < 0 || std::size_t(point) >= m_current.indices.size() || !m_dataset) {
        m_hoveredIndex = -1;
        m_hoverCard->hide();
        return;
    }
    m_hoveredIndex = m_current.indices[std::size_t(point)];
    const SampleRecord &record = m_dataset->record(m_hoveredIndex);
    const QPixmap picture = record.hasImage() ? m_thumbnails->thumbnail(m_hoveredIndex, record.imagePath) : QPixmap();
    m_hoverCard->showAt(globalPos, hoverText(m_hoveredIndex, point), picture);
}

QString EmbedPanel::hoverText(int datasetIndex, int point) const
{
    const SampleRecord &record = m_dataset->record(datasetIndex);
    QString html = tr("<b>%1</b> · %2").arg(record.id.toHtmlEscaped(), splitName(record.split));
    html += tr("<br/>label: %1").arg(record.label.isEmpty() ? tr("unlabeled") : record.label.toHtmlEscaped());
    const int predicted = std::size_t(point) < m_current.predicted.size() ? m_current.predicted[std::size_t(point)] : -1;
    if (predicted >= 0 && predicted < m_model.classNames.size())
        html += tr(" · predicted: %1").arg(m_model.classNames.at(predicted).toHtmlEscaped());
    if (record.hasText())
        html += QStringLiteral("<br/>“%1”").arg(record.text.left(160).toHtmlEscaped());
    if (record.hasAudio())
        html += tr("<br/>audio: %1").arg(QFileInfo(record.audioPath).fileName().toHtmlEscaped());
    return html;
}

void EmbedPanel::selectPoints(const QVector<int> &points)
{
    m_map->setSelection(points);
    onSelectionChanged(m_map->selection());
}

void EmbedPanel::askWithPoint(int point)
{
    if (point < 0 || std::size_t(point) >= m_current.indices.size())
        return;
    m_map->setHighlighted(point);
    m_retrieval->askWithSample(m_current.indices[std::size_t(point)]);
}

void EmbedPanel::onSelectionChanged(const QVector<int> &points)
{
    m_selection->setSelection(m_dataset, &m_current, m_model.classNames, points);
    m_selectionTable->setColumnHidden(3, m_model.classNames.isEmpty()); // a model without classes predicts none
    m_selectionTitle->setText(points.isEmpty() ? tr("No samples selected: draw around some on the map (Box or Lasso).")
                                               : tr("<b>%n sample(s) selected</b>", nullptr, int(points.size())));
    m_showInInspect->setEnabled(!points.isEmpty());
}

int EmbedPanel::windowIndexOf(int attachedIndex) const
{
    if (!m_dataset || !m_windowDataset || attachedIndex < 0 || attachedIndex >= m_dataset->size())
        return -1;
    if (m_dataset == m_windowDataset)
        return attachedIndex;
    return m_windowDataset->indexOf(m_dataset->record(attachedIndex).id);
}

void EmbedPanel::updateHeader()
{
    if (!m_openingPath.isEmpty())
        m_modelLabel->setText(tr("Opening %1…").arg(QDir::toNativeSeparators(m_openingPath)));
    else if (m_controller->modelPath().isEmpty())
        m_modelLabel->setText(tr("No model"));
    else
        m_modelLabel->setText(tr("Model: %1 · %2").arg(QDir::toNativeSeparators(m_controller->modelPath()), m_model.task));
    if (!m_windowDataset)
        m_status->setText(tr("Open a dataset (File ▸ Open Dataset…) and a model to see its embedding space."));
    else if (m_controller->modelPath().isEmpty())
        m_status->setText(tr("Open a model with an embedding output — any FusionScope model, contrastive ones included: "
                             "Open Model…, File ▸ Open Model File… (Ctrl+M), or train one."));
    else if (!m_dataset && m_openingPath.isEmpty() && m_status->text().isEmpty())
        m_status->setText(tr("Preparing %1…").arg(QFileInfo(m_windowDataset->root()).fileName()));
}
