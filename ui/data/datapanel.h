#pragma once

#include "core/data/dataset.h"
#include "core/data/manifest.h"

#include <QtWidgets/QWidget>
#include <memory>

class ClassDistributionPlot;
class IssuesPanel;
class QComboBox;
class QLabel;
class QLineEdit;
class QSplitter;
class QStackedWidget;
class QTabWidget;
class QTableView;
class QTimer;
class SampleFilterProxy;
class SamplePreview;
class SampleTableModel;
class ThumbnailLoader;

/**
 * The Data tab: the sample table with search and split filter, the selected sample's
 * preview, and below the table the Data Issues list and the class distribution. Fills in
 * two steps: the manifest (immediately) and the decoded Dataset (when loading ends).
 * GUI thread.
 */
class DataPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit DataPanel(QWidget *parent = nullptr);

    /** Shows a note while the manifest of `path` is being read. */
    void showOpening(const QString &path);
    void setManifest(std::shared_ptr<const Manifest> manifest);
    void setDataset(std::shared_ptr<const Dataset> dataset);
    void clear();

    /** Selects and reveals the sample, clearing filters that hide it; false if unknown. */
    bool selectSample(const QString &sampleId);

    QByteArray saveLayout() const;
    void restoreLayout(const QByteArray &state);

private:
    void showContent(const Manifest &manifest, const DataIssues &issues, bool decoded);
    void onCurrentRowChanged();
    void updateCountLabel();
    void updateSplitCombo(const Manifest &manifest);
    void resortAfterReset();

    ThumbnailLoader *m_thumbnails;
    SampleTableModel *m_model;
    SampleFilterProxy *m_proxy;
    QStackedWidget *m_stack;
    QLabel *m_emptyState;
    QLineEdit *m_search;
    QTimer *m_searchDelay;
    QComboBox *m_splitFilter;
    QLabel *m_countLabel;
    QTableView *m_table;
    QTabWidget *m_lowerTabs;
    IssuesPanel *m_issues;
    ClassDistributionPlot *m_distribution;
    SamplePreview *m_preview;
    QSplitter *m_mainSplitter;
    QSplitter *m_leftSplitter;
};
