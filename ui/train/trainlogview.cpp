#include "ui/train/trainlogview.h"

#include <QtCore/QTime>
#include <QtGui/QFontDatabase>
#include <QtGui/QTextCharFormat>
#include <QtGui/QTextCursor>
#include <QtWidgets/QScrollBar>

TrainLogView::TrainLogView(QWidget *parent) : QPlainTextEdit(parent)
{
    setObjectName(QStringLiteral("trainLog"));
    setReadOnly(true);
    setMaximumBlockCount(10000);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setPlaceholderText(tr("Messages of the run appear here: checkpoints, early stops, warnings and the result."));
}

QColor TrainLogView::levelColor(MessageLevel level, const QPalette &palette)
{
    const bool dark = palette.color(QPalette::Base).lightnessF() < 0.5;
    switch (level) {
    case MessageLevel::Warning:
        return dark ? QColor(240, 180, 70) : QColor(160, 95, 0);
    case MessageLevel::Error:
        return dark ? QColor(255, 120, 110) : QColor(190, 30, 30);
    case MessageLevel::Info:
        break;
    }
    return palette.color(QPalette::Text);
}

void TrainLogView::appendMessage(MessageLevel level, const QString &text)
{
    ++m_counts[int(level)];
    const QString prefix = level == MessageLevel::Warning ? tr("warning: ")
                           : level == MessageLevel::Error ? tr("error: ")
                                                          : QString();
    QTextCharFormat format;
    format.setForeground(levelColor(level, palette()));
    if (level != MessageLevel::Info)
        format.setFontWeight(QFont::Bold);
    QTextCursor cursor(document());
    cursor.movePosition(QTextCursor::End);
    if (!document()->isEmpty())
        cursor.insertBlock();
    cursor.insertText(QStringLiteral("%1  %2%3").arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")), prefix, text),
                      format);
    verticalScrollBar()->setValue(verticalScrollBar()->maximum());
}
