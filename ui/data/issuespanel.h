#pragma once

#include "core/data/dataissue.h"
#include "core/data/manifest.h"

#include <QtWidgets/QWidget>

class IssueTableModel;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

/**
 * The Data Issues list: a summary line ("120 samples loaded, 3 issues (2 skipped)") over a
 * sortable, searchable table of every DataIssue. Double-clicking an issue asks to show its
 * sample. GUI thread.
 */
class IssuesPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit IssuesPanel(QWidget *parent = nullptr);

    /** `decoded` false: the manifest's issues only, decoding still to come. */
    void setIssues(const Manifest &manifest, const DataIssues &issues, bool decoded);
    void clear();
    int issueCount() const;
    QString summary() const;

Q_SIGNALS:
    void sampleActivated(const QString &sampleId);

private:
    QLabel *m_summary;
    QLineEdit *m_search;
    IssueTableModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_view;
};
