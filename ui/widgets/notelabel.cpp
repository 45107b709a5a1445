#include "ui/widgets/notelabel.h"

#include <QtCore/QEvent>
#include <QtWidgets/QApplication>

NoteLabel::NoteLabel(QWidget *parent) : QLabel(parent)
{
    setWordWrap(true);
    applyTint();
}

QColor NoteLabel::mutedColor(const QPalette &palette)
{
    const QColor text = palette.color(QPalette::WindowText);
    const QColor window = palette.color(QPalette::Window);
    const float t = 0.42f; // far enough from the text to rank below it, near enough to read
    return QColor::fromRgbF(text.redF() * (1 - t) + window.redF() * t, text.greenF() * (1 - t) + window.greenF() * t,
                            text.blueF() * (1 - t) + window.blueF() * t);
}

void NoteLabel::changeEvent(QEvent *event)
{
    QLabel::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && !m_tinting)
        applyTint();
}

void NoteLabel::applyTint()
{
    m_tinting = true;
    QPalette p = parentWidget() ? parentWidget()->palette() : QApplication::palette(this);
    p.setColor(QPalette::WindowText, mutedColor(p));
    setPalette(p);
    m_tinting = false;
}
