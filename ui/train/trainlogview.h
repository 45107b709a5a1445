#pragma once

#include "core/train/trainevents.h"

#include <QtWidgets/QPlainTextEdit>

/** The run's log: time-stamped info, warnings and errors, coloured by level. GUI thread. */
class TrainLogView final : public QPlainTextEdit
{
    Q_OBJECT
public:
    explicit TrainLogView(QWidget *parent = nullptr);

    void appendMessage(MessageLevel level, const QString &text);
    int count(MessageLevel level) const { return m_counts[int(level)]; }
    /** Colour of a level's lines on this palette (info uses the text colour). */
    static QColor levelColor(MessageLevel level, const QPalette &palette);

private:
    int m_counts[3] = {0, 0, 0};
};
