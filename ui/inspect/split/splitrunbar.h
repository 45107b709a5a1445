#pragma once

#include "core/data/split.h"
#include "core/util/progress.h"

#include <QtWidgets/QWidget>
#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QToolButton;

/**
 * The controls above the split views: "Analyse split", the split chooser, the robustness
 * option, and while a run is going a progress bar with Cancel. GUI thread.
 */
class SplitRunBar final : public QWidget
{
    Q_OBJECT
public:
    explicit SplitRunBar(QWidget *parent = nullptr);

    /** nullopt means every sample. */
    std::optional<Split> split() const;
    QString splitTitle() const;
    bool robustness() const;

    /** Whether Analyse may be pressed, and the hint shown when it may not. */
    void setReady(bool ready, const QString &hint);
    void setRunning(bool running);
    void setProgress(const Progress &progress);
    void setStatus(const QString &text);

Q_SIGNALS:
    void analyseRequested();
    void cancelRequested();

private:
    QPushButton *m_analyse;
    QComboBox *m_split;
    QCheckBox *m_robustness;
    QProgressBar *m_progress;
    QToolButton *m_cancel;
    QLabel *m_status;
    bool m_ready = false;
    bool m_running = false;
};
