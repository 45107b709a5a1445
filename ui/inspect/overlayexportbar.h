#pragma once

#include "ui/inspect/overlayexportjob.h"

#include <QtCore/QVector>
#include <QtWidgets/QWidget>

class ExplainController;
class QAction;
class QProgressBar;
class QToolButton;
class SampleNavigator;

/**
 * The Inspect panel's "Export Overlays" control: a button whose menu exports the selected
 * sample or every sample the navigator lists into a folder (the files `fusionscope explain`
 * writes), then progress with Cancel while ExplainController's worker writes them. GUI thread.
 */
class OverlayExportBar final : public QWidget
{
    Q_OBJECT
public:
    enum class Scope { Selected, Listed };

    OverlayExportBar(ExplainController *controller, SampleNavigator *navigator, QWidget *parent = nullptr);

    /** Asks for a folder (non-modal dialog), then exports `scope` into it. */
    void chooseFolder(Scope scope);
    /** Exports `scope` into `folder` without asking; errors arrive as errorOccurred(). */
    void exportTo(Scope scope, const QString &folder);
    /** Enables the button when a model is ready; call after the dataset or model changed. */
    void updateState();
    bool isExporting() const;
    /** Dataset indices `scope` covers now. */
    QVector<int> samples(Scope scope) const;

Q_SIGNALS:
    void errorOccurred(const QString &message, const QString &details);
    void finished(const OverlayExportResult &result);

private:
    void onProgress(qint64 done, qint64 total, const QString &sampleId);
    void onFinished(const OverlayExportResult &result);
    void showStatus(const QString &message);

    ExplainController *m_controller;
    SampleNavigator *m_navigator;
    QToolButton *m_button;
    QAction *m_selected;
    QAction *m_listed;
    QProgressBar *m_progress;
    QToolButton *m_cancel;
};
