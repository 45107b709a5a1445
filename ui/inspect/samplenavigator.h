#pragma once

#include "core/data/dataset.h"
#include "ui/inspect/explainresults.h"

#include <QtWidgets/QWidget>
#include <memory>
#include <vector>

class NavigatorFilter;
class NavigatorModel;
class NoteLabel;
class QCheckBox;
class QComboBox;
class QFrame;
class QLabel;
class QProgressBar;
class QTableView;
class QToolButton;

/**
 * The Inspect panel's sample list over one split, filterable by true class, correct or
 * incorrect, and "modalities disagree", or narrowed to an explicit set (a confusion cell).
 * Up/Down/PageUp/PageDown move through it; the current sample is what gets explained. GUI thread.
 */
class SampleNavigator final : public QWidget
{
    Q_OBJECT
public:
    explicit SampleNavigator(QWidget *parent = nullptr);

    /** Lists the dataset's test split (or the first split that has samples). */
    void setDataset(std::shared_ptr<const Dataset> dataset);
    /** Dataset indices of the split chosen in the split box. */
    std::vector<int> splitIndices() const;

    void addOutcomes(const QVector<SampleOutcome> &outcomes);
    void clearOutcomes();
    /** Shows the predictions pass's progress; done ≥ total hides it. */
    void setPredictionProgress(qint64 done, qint64 total);
    void setPredictionNote(const QString &text);
    /** False for a model learnt without labels: no prediction columns, no outcome filters, no "predicted" count. */
    void setPredicts(bool predicts);

    /** Shows exactly these samples (other filters cleared) under `title`, switching to all splits if needed. */
    void showSamples(const QVector<int> &datasetIndices, const QString &title);
    void clearExplicitSamples();

    int currentSample() const;
    bool selectSample(int datasetIndex);
    /** Dataset indices of the rows shown, top to bottom. */
    QVector<int> visibleSamples() const;

    QTableView *table() const { return m_table; }
    NavigatorModel *model() const { return m_model; }

Q_SIGNALS:
    void currentSampleChanged(int datasetIndex);
    /** The split box changed: the list holds other samples, predictions are needed for them. */
    void splitChanged();

private:
    void onSplitChanged();
    void onFilterChanged();
    void updateCount();
    void ensureCurrent();
    void fillClassFilter();

    std::shared_ptr<const Dataset> m_dataset;
    NavigatorModel *m_model;
    NavigatorFilter *m_filter;
    QComboBox *m_split;
    QComboBox *m_class;
    QComboBox *m_outcome;
    QCheckBox *m_disagree;
    bool m_predicts = true;
    QFrame *m_explicitBar;
    QLabel *m_explicitLabel;
    QToolButton *m_explicitClear;
    QTableView *m_table;
    NoteLabel *m_count;
    QProgressBar *m_progress;
    int m_lastEmitted = -1;
};
