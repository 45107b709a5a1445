#pragma once

#include <QtCore/QString>
#include <QtWidgets/QWidget>

class QComboBox;
class QLineEdit;
class QToolButton;

/**
 * A built-in encoder or a TorchScript encoder file: a combo of the built-in names plus
 * "TorchScript file…", and a path field with a browse button shown for the file choice.
 * GUI thread.
 */
class EncoderChoice final : public QWidget
{
    Q_OBJECT
public:
    /** `choices`: (built-in name, description) pairs; `allowFile` adds the file choice. */
    EncoderChoice(const QList<QPair<QString, QString>> &choices, bool allowFile, QWidget *parent = nullptr);

    /** The built-in name, or the file path (ModelConfig's convention). */
    QString value() const;
    void setValue(const QString &value);
    QComboBox *combo() const { return m_combo; }
    QLineEdit *pathEdit() const { return m_path; }

Q_SIGNALS:
    void changed();

private:
    void browse();
    void updateFileRow();

    QComboBox *m_combo;
    QLineEdit *m_path;
    QToolButton *m_browse;
};
