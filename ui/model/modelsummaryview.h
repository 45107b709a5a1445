#pragma once

#include "core/model/modelconfig.h"
#include "core/model/modelsummary.h"

#include <QtWidgets/QGroupBox>

class NoteLabel;
class QLabel;
class QPlainTextEdit;
class QTableWidget;

/** The Model panel's summary: total parameter count, parameters per part, and the outline text. GUI thread. */
class ModelSummaryView final : public QGroupBox
{
    Q_OBJECT
public:
    explicit ModelSummaryView(QWidget *parent = nullptr);

    void setSummary(const ModelSummary &summary, const ModelConfig &config);
    /** Greys the figures while a newer config is being built. */
    void setPending(bool pending);
    /** Shown instead of figures while the config is invalid. */
    void setUnavailable(const QString &why);
    /** Where the input shapes come from (the dataset, or placeholders). */
    void setShapesNote(const QString &note);
    /** -1 until a summary arrived or while unavailable. */
    qint64 parameters() const { return m_parameters; }

private:
    QLabel *m_total;
    NoteLabel *m_shapes;
    QTableWidget *m_parts;
    QPlainTextEdit *m_text;
    qint64 m_parameters = -1;
};
