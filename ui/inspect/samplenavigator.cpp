#include "ui/inspect/samplenavigator.h"

#include "ui/inspect/navigatorfilter.h"
#include "ui/inspect/navigatormodel.h"
#include "ui/widgets/notelabel.h"

#include <QtCore/QSignalBlocker>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QFrame>
#include <QtWidgets/QGridLayout>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLabel>
#include <QtWidgets/QProgressBar>
#include <QtWidgets/QTableView>
#include <QtWidgets/QToolButton>
#include <QtWidgets/QVBoxLayout>

namespace {

constexpr int kAllSplits = -1;

// The outcome filters' tooltips while the model predicts classes (setPredicts says otherwise).
QString outcomeToolTip() { return SampleNavigator::tr("Only samples the model predicts correctly, or incorrectly"); }
QString disagreeToolTip() { return SampleNavigator::tr("Only samples where the modalities, each alone, predict different classes"); }

} // namespace

SampleNavigator::SampleNavigator(QWidget *parent) : QWidget(parent)
{
    m_model = new NavigatorModel(this);
    m_filter = new NavigatorFilter(this);
    m_filter->setSourceModel(m_model);

    m_split = new QComboBox(this);
    m_split->setObjectName(QStringLiteral("navigatorSplit"));
    m_split->setToolTip(tr("Which split to list and predict"));
    m_class = new QComboBox(this);
    m_class->setObjectName(QStringLiteral("classFilter"));
    m_class->setToolTip(tr("Only samples of this true class"));
    m_outcome = new QComboBox(this);
    m_outcome->setObjectName(QStringLiteral("outcomeFilter"));
    m_outcome->addItem(tr("Correct and incorrect"), int(NavigatorFilter::AnyOutcome));
    m_outcome->addItem(tr("Correct"), int(NavigatorFilter::CorrectOnly));
    m_outcome->addItem(tr("Incorrect"), int(NavigatorFilter::IncorrectOnly));
    m_outcome->setToolTip(outcomeToolTip());
    m_disagree = new QCheckBox(tr("Modalities disagree"), this);
    m_disagree->setObjectName(QStringLiteral("disagreeFilter"));
    m_disagree->setToolTip(disagreeToolTip());

    m_explicitBar = new QFrame(this);
    m_explicitBar->setObjectName(QStringLiteral("explicitFilterBar"));
    m_explicitBar->setFrameShape(QFrame::StyledPanel);
    m_explicitLabel = new QLabel(m_explicitBar);
    m_explicitLabel->setObjectName(QStringLiteral("explicitFilterLabel"));
    m_explicitLabel->setWordWrap(true);
    m_explicitClear = new QToolButton(m_explicitBar);
    m_explicitClear->setObjectName(QStringLiteral("clearExplicitFilter"));
    m_explicitClear->setText(tr("Show all"));
    auto *explicitLayout = new QHBoxLayout(m_explicitBar);
    explicitLayout->setContentsMargins(6, 2, 2, 2);
    explicitLayout->addWidget(m_explicitLabel, 1);
    explicitLayout->addWidget(m_explicitClear);
    m_explicitBar->hide();

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("navigatorTable"));
    m_table->setModel(m_filter);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setSortingEnabled(true);
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    QHeaderView *header = m_table->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setStretchLastSection(true);
    header->resizeSection(NavigatorModel::IdColumn, 72);
    header->resizeSection(NavigatorModel::LabelColumn, 62);
    header->resizeSection(NavigatorModel::PredictedColumn, 78);
    header->resizeSection(NavigatorModel::TextColumn, 56);
    header->resizeSection(NavigatorModel::ImageColumn, 56);
    header->setSortIndicator(-1, Qt::AscendingOrder);

    m_count = new NoteLabel(this);
    m_count->setObjectName(QStringLiteral("navigatorCount"));
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("predictionProgress"));
    m_progress->setMaximumHeight(fontMetrics().height() + 4);
    m_progress->setTextVisible(true);
    m_progress->hide();

    auto *filters = new QGridLayout;
    filters->addWidget(m_split, 0, 0);
    filters->addWidget(m_class, 0, 1);
    filters->addWidget(m_outcome, 1, 0);
    filters->addWidget(m_disagree, 1, 1);
    auto *footer = new QHBoxLayout;
    footer->addWidget(m_count, 1);
    footer->addWidget(m_progress, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(filters);
    layout->addWidget(m_explicitBar);
    layout->addWidget(m_table, 1);
    layout->addLayout(footer);

    connect(m_split, &QComboBox::currentIndexChanged, this, &SampleNavigator::onSplitChanged);
    connect(m_class, &QComboBox::currentIndexChanged, this, &SampleNavigator::onFilterChanged);
    connect(m_outcome, &QComboBox::currentIndexChanged, this, &SampleNavigator::onFilterChanged);
    connect(m_disagree, &QCheckBox::toggled, this, &SampleNavigator::onFilterChanged);
    connect(m_explicitClear, &QToolButton::clicked, this, &SampleNavigator::clearExplicitSamples);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
        const int sample = currentSample();
        if (sample >= 0 && sample != m_lastEmitted) {
            m_lastEmitted = sample;
            Q_EMIT currentSampleChanged(sample);
        }
    });
    // Rows appear as predictions arrive under an outcome filter: keep something selected.
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, [this] {
        updateCount();
        ensureCurrent();
    });
    connect(m_filter, &QAbstractItemModel::rowsRemoved, this, [this] {
        updateCount();
        ensureCurrent();
    });
    connect(m_filter, &QAbstractItemModel::modelReset, this, &SampleNavigator::updateCount);
    updateCount();
}

void SampleNavigator::setDataset(std::shared_ptr<const Dataset> dataset)
{
    m_dataset = std::move(dataset);
    m_lastEmitted = -1;
    {
        const QSignalBlocker blocker(m_split);
        m_split->clear();
        if (m_dataset) {
            for (Split split : {Split::Test, Split::Val, Split::Train}) {
                const auto count = m_dataset->indices(split).size();
                const QString name = split == Split::Test ? tr("Test") : split == Split::Val ? tr("Validation") : tr("Train");
                m_split->addItem(tr("%1 (%2)").arg(name).arg(count), int(split));
            }
            m_split->addItem(tr("All splits (%1)").arg(m_dataset->size()), kAllSplits);
            int first = 0;
            while (first < 3 && m_dataset->indices(Split(m_split->itemData(first).toInt())).empty())
                ++first;
            m_split->setCurrentIndex(first);
        }
    }
    fillClassFilter();
    {
        const QSignalBlocker blocker(m_filter);
        m_filter->setExplicitSamples({}, false);
    }
    m_explicitBar->hide();
    m_model->setSamples(m_dataset, splitIndices());
    updateCount();
    ensureCurrent();
}

void SampleNavigator::fillClassFilter()
{
    const QSignalBlocker blocker(m_class);
    m_class->clear();
    m_class->addItem(tr("All classes"), QString());
    if (m_dataset) {
        for (const QString &label : m_dataset->labels())
            m_class->addItem(label, label);
    }
    m_filter->setClassName({});
}

std::vector<int> SampleNavigator::splitIndices() const
{
    if (!m_dataset)
        return {};
    const int split = m_split->currentData().isValid() ? m_split->currentData().toInt() : kAllSplits;
    if (split != kAllSplits)
        return m_dataset->indices(Split(split));
    std::vector<int> all(std::size_t(m_dataset->size()));
    for (int i = 0; i < m_dataset->size(); ++i)
        all[std::size_t(i)] = i;
    return all;
}

void SampleNavigator::onSplitChanged()
{
    m_lastEmitted = -1;
    m_model->setSamples(m_dataset, splitIndices());
    updateCount();
    Q_EMIT splitChanged();
    ensureCurrent();
}

void SampleNavigator::onFilterChanged()
{
    m_filter->setClassName(m_class->currentData().toString());
    m_filter->setOutcome(NavigatorFilter::OutcomeFilter(m_outcome->currentData().toInt()));
    m_filter->setDisagreeOnly(m_disagree->isChecked());
    updateCount();
    ensureCurrent();
}

void SampleNavigator::addOutcomes(const QVector<SampleOutcome> &outcomes)
{
    m_model->addOutcomes(outcomes);
    updateCount();
}

void SampleNavigator::clearOutcomes()
{
    m_model->clearOutcomes();
    updateCount();
}

void SampleNavigator::setPredictionProgress(qint64 done, qint64 total)
{
    if (total <= 0 || done >= total) {
        m_progress->hide();
        return;
    }
    m_progress->setRange(0, int(total));
    m_progress->setValue(int(done));
    m_progress->setFormat(tr("Predicting %v / %m"));
    m_progress->show();
}

void SampleNavigator::setPredicts(bool predicts)
{
    m_predicts = predicts;
    for (int column = NavigatorModel::PredictedColumn; column < NavigatorModel::ColumnCount; ++column)
        m_table->setColumnHidden(column, !predicts);
    if (!predicts) { // a filter left on from a classifier would hide every row
        m_outcome->setCurrentIndex(0);
        m_disagree->setChecked(false);
    }
    m_outcome->setEnabled(predicts);
    m_disagree->setEnabled(predicts);
    const QString why = tr("This model learnt without labels: it predicts no class, so there is nothing to filter by");
    m_outcome->setToolTip(predicts ? outcomeToolTip() : why);
    m_disagree->setToolTip(predicts ? disagreeToolTip() : why);
    updateCount();
}

void SampleNavigator::setPredictionNote(const QString &text)
{
    m_count->setToolTip(text);
    updateCount();
}

void SampleNavigator::showSamples(const QVector<int> &datasetIndices, const QString &title)
{
    QSet<int> wanted(datasetIndices.begin(), datasetIndices.end());
    bool inSplit = true;
    for (int index : datasetIndices)
        inSplit = inSplit && m_model->rowOf(index) >= 0;
    if (!inSplit && m_split->count() > 0)
        m_split->setCurrentIndex(m_split->count() - 1); // all splits: the set may span them
    {
        const QSignalBlocker classBlocker(m_class);
        const QSignalBlocker outcomeBlocker(m_outcome);
        const QSignalBlocker disagreeBlocker(m_disagree);
        m_class->setCurrentIndex(0);
        m_outcome->setCurrentIndex(0);
        m_disagree->setChecked(false);
    }
    m_filter->setClassName({});
    m_filter->setOutcome(NavigatorFilter::AnyOutcome);
    m_filter->setDisagreeOnly(false);
    m_filter->setExplicitSamples(wanted, true);
    m_explicitLabel->setText(tr("Showing %n sample(s): %1", nullptr, int(wanted.size())).arg(title));
    m_explicitBar->show();
    updateCount();
    ensureCurrent();
}

void SampleNavigator::clearExplicitSamples()
{
    m_filter->setExplicitSamples({}, false);
    m_explicitBar->hide();
    updateCount();
    ensureCurrent();
}

int SampleNavigator::currentSample() const
{
    const QModelIndex current = m_table->currentIndex();
    return current.isValid() ? current.data(NavigatorModel::IndexRole).toInt() : -1;
}

bool SampleNavigator::selectSample(int datasetIndex)
{
    for (int row = 0; row < m_filter->rowCount(); ++row) {
        const QModelIndex index = m_filter->index(row, 0);
        if (index.data(NavigatorModel::IndexRole).toInt() == datasetIndex) {
            m_table->setCurrentIndex(index);
            m_table->scrollTo(index);
            return true;
        }
    }
    return false;
}

QVector<int> SampleNavigator::visibleSamples() const
{
    QVector<int> samples;
    for (int row = 0; row < m_filter->rowCount(); ++row)
        samples << m_filter->index(row, 0).data(NavigatorModel::IndexRole).toInt();
    return samples;
}

void SampleNavigator::ensureCurrent()
{
    if (m_table->currentIndex().isValid() || m_filter->rowCount() == 0)
        return;
    m_table->setCurrentIndex(m_filter->index(0, 0));
}

void SampleNavigator::updateCount()
{
    const int shown = m_filter->rowCount();
    const int total = m_model->rowCount();
    QString text = shown == total ? tr("%n sample(s)", nullptr, total) : tr("%1 of %2 samples").arg(shown).arg(total);
    if (m_predicts && total > 0 && m_model->predictedCount() < total)
        text += tr(" · %1 predicted").arg(m_model->predictedCount());
    m_count->setText(text);
}
