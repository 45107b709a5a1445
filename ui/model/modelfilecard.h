#pragma once

#include "core/eval/modelfileinfo.h"

#include <QtWidgets/QGroupBox>

class QLabel;
class QPushButton;

/**
 * "Open model file…" and what the opened file is: its fusion, labels, parameter count,
 * preprocessing and metrics, or the contract error in plain words. GUI thread.
 */
class ModelFileCard final : public QGroupBox
{
    Q_OBJECT
public:
    explicit ModelFileCard(QWidget *parent = nullptr);

    void setLoading(const QString &path);
    void setInfo(const ModelFileInfo &info);
    QPushButton *openButton() const { return m_open; }
    /** The shown description (empty while loading or after an error). */
    QString infoText() const;
    QString errorText() const;

Q_SIGNALS:
    void openRequested();

private:
    QPushButton *m_open;
    QLabel *m_path;
    QLabel *m_info;
    QLabel *m_error;
};
