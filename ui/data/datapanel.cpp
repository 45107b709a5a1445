#include "ui/data/datapanel.h"

#include "ui/data/issuespanel.h"
#include "ui/data/loadsummary.h"
#include "ui/data/samplefilterproxy.h"
#include "ui/data/samplepreview.h"
#include "ui/data/sampletablemodel.h"
#include "ui/data/thumbnailloader.h"
#include "ui/plot/classdistributionplot.h"

#include <QtCore/QTimer>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QScrollArea>
#include <QtWidgets/QSplitter>
#include <QtWidgets/QStackedWidget>
#include <QtWidgets/QTabWidget>
#include <QtWidgets/QTableView>
#include <QtWidgets/QVBoxLayout>

namespace {

constexpr int kLayoutVersion = 1;

} // namespace

DataPanel::DataPanel(QWidget *parent) : QWidget(parent)
{
    const int rowHeight = std::max(fontMetrics().height() + 8, 40);
    m_thumbnails = new ThumbnailLoader(QSize(rowHeight - 4, rowHeight - 4), this);
    m_model = new SampleTableModel(m_thumbnails, this);
    m_proxy = new SampleFilterProxy(m_model, this);

    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("sampleSearch"));
    m_search->setPlaceholderText(tr("Search id, label or text"));
    m_search->setClearButtonEnabled(true);
    m_searchDelay = new QTimer(this);
    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(150); // one filter pass per pause in typing, not per key
    m_splitFilter = new QComboBox(this);
    m_splitFilter->setObjectName(QStringLiteral("splitFilter"));
    m_splitFilter->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_countLabel = new QLabel(this);
    m_countLabel->setObjectName(QStringLiteral("sampleCount"));

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("sampleTable"));
    m_table->setModel(m_proxy);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setIconSize(m_thumbnails->box());
    m_table->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    // Fixed row heights: the view never measures 100 000 rows.
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(rowHeight);
    QHeaderView *header = m_table->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setSectionResizeMode(SampleTableModel::TextColumn, QHeaderView::Stretch);
    header->resizeSection(SampleTableModel::IdColumn, 110);
    header->resizeSection(SampleTableModel::SplitColumn, 56);
    header->resizeSection(SampleTableModel::LabelColumn, 90);
    header->resizeSection(SampleTableModel::ImageColumn, rowHeight + 16);
    header->resizeSection(SampleTableModel::AudioColumn, 52);
    header->setSortIndicator(-1, Qt::AscendingOrder); // manifest order until a header is clicked
    m_table->setSortingEnabled(true);

    m_issues = new IssuesPanel(this);
    m_distribution = new ClassDistributionPlot(this);
    m_distribution->setObjectName(QStringLiteral("classDistributionPlot"));
    m_lowerTabs = new QTabWidget(this);
    m_lowerTabs->setObjectName(QStringLiteral("dataSubTabs"));
    m_lowerTabs->setDocumentMode(true);
    m_lowerTabs->addTab(m_issues, tr("Data Issues"));
    m_lowerTabs->addTab(m_distribution, tr("Class Distribution"));

    m_preview = new SamplePreview(this);
    m_preview->setObjectName(QStringLiteral("samplePreview"));
    auto *previewScroll = new QScrollArea(this);
    previewScroll->setWidget(m_preview);
    previewScroll->setWidgetResizable(true);
    previewScroll->setFrameShape(QFrame::NoFrame);
    previewScroll->setMinimumWidth(360);

    auto *filterBar = new QHBoxLayout;
    filterBar->addWidget(m_search, 1);
    filterBar->addWidget(m_splitFilter);
    filterBar->addWidget(m_countLabel);
    auto *tableArea = new QWidget(this);
    auto *tableLayout = new QVBoxLayout(tableArea);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->addLayout(filterBar);
    tableLayout->addWidget(m_table, 1);

    m_leftSplitter = new QSplitter(Qt::Vertical, this);
    m_leftSplitter->addWidget(tableArea);
    m_leftSplitter->addWidget(m_lowerTabs);
    m_leftSplitter->setStretchFactor(0, 3);
    m_leftSplitter->setStretchFactor(1, 2);
    m_mainSplitter = new QSplitter(Qt::Horizontal, this);
    m_mainSplitter->addWidget(m_leftSplitter);
    m_mainSplitter->addWidget(previewScroll);
    m_mainSplitter->setStretchFactor(0, 3);
    m_mainSplitter->setStretchFactor(1, 2);
    // First start (no saved layout): the table a little wider than the preview.
    m_mainSplitter->setSizes({780, 620});
    m_leftSplitter->setSizes({520, 280});

    m_emptyState = new QLabel(this);
    m_emptyState->setObjectName(QStringLiteral("emptyState"));
    m_emptyState->setAlignment(Qt::AlignCenter);
    m_emptyState->setWordWrap(true);
    m_emptyState->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_emptyState);
    m_stack->addWidget(m_mainSplitter);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_stack);

    connect(m_search, &QLineEdit::textChanged, m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_searchDelay, &QTimer::timeout, this, [this] {
        m_proxy->setSearchText(m_search->text());
        updateCountLabel();
    });
    connect(m_splitFilter, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
        const QVariant split = m_splitFilter->currentData();
        m_proxy->setSplitFilter(split.isValid() ? std::optional<Split>(Split(split.toInt())) : std::nullopt);
        updateCountLabel();
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &DataPanel::onCurrentRowChanged);
    connect(m_issues, &IssuesPanel::sampleActivated, this, &DataPanel::selectSample);
    clear();
}

void DataPanel::showOpening(const QString &path)
{
    if (m_model->rowCount() > 0)
        return; // keep the previous dataset visible until the new manifest replaces it
    m_emptyState->setText(tr("<h3>Opening %1…</h3>").arg(path.toHtmlEscaped()));
    m_stack->setCurrentWidget(m_emptyState);
}

void DataPanel::setManifest(std::shared_ptr<const Manifest> manifest)
{
    m_preview->clear();
    m_model->setSource(manifest, nullptr);
    resortAfterReset();
    showContent(*manifest, manifest->issues, false);
    if (m_proxy->rowCount() > 0)
        m_table->selectRow(0);
}

void DataPanel::setDataset(std::shared_ptr<const Dataset> dataset)
{
    const QString current = m_preview->sampleId();
    m_model->setSource(nullptr, dataset);
    resortAfterReset();
    showContent(dataset->manifest(), dataset->issues(), true);
    if (current.isEmpty() || !selectSample(current)) {
        if (m_proxy->rowCount() > 0)
            m_table->selectRow(0);
        else
            m_preview->clear();
    }
}

void DataPanel::clear()
{
    m_model->setSource(nullptr, nullptr);
    m_issues->clear();
    m_distribution->clearData();
    m_preview->clear();
    m_lowerTabs->setTabText(0, tr("Data Issues"));
    m_emptyState->setText(
        tr("<h3>No dataset open</h3>"
           "<p>Open a dataset folder with <b>File › Open Dataset…</b> (Ctrl+O),<br>"
           "or drop a dataset folder or its manifest file onto this window.</p>"
           "<p>A dataset is a folder with a <tt>manifest.jsonl</tt> or <tt>manifest.csv</tt>.<br>"
           "To create the Shapes-AV demo dataset, run <tt>fusionscope demo-data --out demo-data</tt>.</p>"));
    m_stack->setCurrentWidget(m_emptyState);
    updateSplitCombo(Manifest{});
    updateCountLabel();
}

void DataPanel::showContent(const Manifest &manifest, const DataIssues &issues, bool decoded)
{
    m_issues->setIssues(manifest, issues, decoded);
    m_lowerTabs->setTabText(0, tr("Data Issues (%1)").arg(groupedNumber(issues.size())));
    m_distribution->setManifest(manifest);
    const QString distribution = manifest.task == TaskKind::Regress     ? tr("Target Distribution")
                                 : manifest.task == TaskKind::Multilabel ? tr("Tag Frequencies")
                                                                         : tr("Class Distribution");
    m_lowerTabs->setTabText(m_lowerTabs->indexOf(m_distribution), distribution);
    updateSplitCombo(manifest);
    updateCountLabel();
    m_stack->setCurrentWidget(m_mainSplitter);
}

void DataPanel::resortAfterReset()
{
    // The proxy does not re-sort by itself (dynamic sorting is off for thumbnail updates).
    const QHeaderView *header = m_table->horizontalHeader();
    m_proxy->sort(header->sortIndicatorSection(), header->sortIndicatorOrder());
}

void DataPanel::updateSplitCombo(const Manifest &manifest)
{
    int counts[3] = {0, 0, 0};
    for (const SampleRecord &record : manifest.samples)
        ++counts[int(record.split)];
    const QVariant selected = m_splitFilter->currentData();
    const QSignalBlocker block(m_splitFilter);
    m_splitFilter->clear();
    m_splitFilter->addItem(tr("All splits"));
    for (Split split : {Split::Train, Split::Val, Split::Test})
        m_splitFilter->addItem(QStringLiteral("%1 (%2)").arg(splitName(split), groupedNumber(counts[int(split)])),
                               int(split));
    const int index = selected.isValid() ? m_splitFilter->findData(selected) : 0;
    m_splitFilter->setCurrentIndex(std::max(0, index));
}

void DataPanel::updateCountLabel()
{
    const int total = m_model->rowCount();
    const int shown = m_proxy->rowCount();
    m_countLabel->setText(shown == total ? tr("%1 samples").arg(groupedNumber(total))
                                         : tr("%1 of %2 samples").arg(groupedNumber(shown), groupedNumber(total)));
}

void DataPanel::onCurrentRowChanged()
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    if (!current.isValid()) {
        m_preview->clear();
        return;
    }
    const int row = m_proxy->mapToSource(current).row();
    m_preview->showSample(m_model->manifest(), m_model->dataset(), row);
}

bool DataPanel::selectSample(const QString &sampleId)
{
    const std::shared_ptr<const Manifest> manifest = m_model->manifest();
    if (!manifest)
        return false;
    int row = -1;
    for (int i = 0; i < int(manifest->samples.size()) && row < 0; ++i) {
        if (manifest->samples[std::size_t(i)].id == sampleId)
            row = i;
    }
    if (row < 0)
        return false;
    QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    if (!index.isValid()) {
        m_search->clear();
        m_proxy->setSearchText({});
        m_splitFilter->setCurrentIndex(0);
        index = m_proxy->mapFromSource(m_model->index(row, 0));
    }
    m_table->setCurrentIndex(index);
    m_table->scrollTo(index, QAbstractItemView::PositionAtCenter);
    return true;
}

QByteArray DataPanel::saveLayout() const
{
    QByteArray state;
    QDataStream out(&state, QIODevice::WriteOnly);
    out << kLayoutVersion << m_mainSplitter->saveState() << m_leftSplitter->saveState();
    return state;
}

void DataPanel::restoreLayout(const QByteArray &state)
{
    QDataStream in(state);
    int version = 0;
    QByteArray main;
    QByteArray left;
    in >> version >> main >> left;
    if (version != kLayoutVersion || in.status() != QDataStream::Ok)
        return;
    m_mainSplitter->restoreState(main);
    m_leftSplitter->restoreState(left);
}
