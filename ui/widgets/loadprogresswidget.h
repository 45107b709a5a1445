#pragma once

#include "core/util/progress.h"

#include <QtWidgets/QWidget>

class QLabel;
class QProgressBar;
class QToolButton;

/** The status bar's load indicator: stage, a progress bar and a Cancel button. GUI thread. */
class LoadProgressWidget final : public QWidget
{
    Q_OBJECT
public:
    explicit LoadProgressWidget(QWidget *parent = nullptr);

    /** Shows a busy bar with `stage` until the first progress report. */
    void start(const QString &stage);
    void setProgress(const Progress &progress);
    void finish();

Q_SIGNALS:
    void cancelRequested();

private:
    QLabel *m_label;
    QProgressBar *m_bar;
    QToolButton *m_cancel;
};
