#pragma once

#include <QtCore/QLineF>
#include <QtGui/QMouseEvent>
#include <QtWidgets/QApplication>
#include <QtWidgets/QWidget>

#include <algorithm>

/** Mouse drags for GUI tests. */
namespace guimouse {

/**
 * Sent straight to the widget: QTest::mouseMove carries no button state in Qt 6, so a drag
 * made of QTest calls would arrive as hover moves.
 */
inline void send(QWidget *widget, QEvent::Type type, QPointF at, Qt::MouseButton button, Qt::MouseButtons buttons,
                 Qt::KeyboardModifiers modifiers = Qt::NoModifier)
{
    QMouseEvent event(type, at, widget->mapToGlobal(at), button, buttons, modifiers);
    QApplication::sendEvent(widget, &event);
}

/** Press at the first vertex, move along every edge in 5 px steps, release at the last vertex. */
inline void drag(QWidget *widget, const QVector<QPointF> &path, Qt::KeyboardModifiers modifiers = Qt::NoModifier)
{
    send(widget, QEvent::MouseButtonPress, path.first(), Qt::LeftButton, Qt::LeftButton, modifiers);
    for (int i = 1; i < path.size(); ++i) {
        const QPointF from = path[i - 1];
        const QPointF to = path[i];
        const int steps = std::max(1, int(QLineF(from, to).length() / 5.0));
        for (int s = 1; s <= steps; ++s)
            send(widget, QEvent::MouseMove, from + (to - from) * (double(s) / steps), Qt::NoButton, Qt::LeftButton, modifiers);
    }
    send(widget, QEvent::MouseButtonRelease, path.last(), Qt::LeftButton, Qt::NoButton, modifiers);
}

} // namespace guimouse
