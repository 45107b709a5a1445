#pragma once

#include <QtCore/QSet>
#include <QtWidgets/QFrame>

class QLabel;
class QToolButton;

/**
 * An unobtrusive strip under the error banner for setup advice the user can act on (no CJK
 * font, a slow BLAS): muted text and a Dismiss button. Each notice, by key, shows at most
 * once per window, even after it was dismissed. GUI thread.
 */
class NoticeBar final : public QFrame
{
    Q_OBJECT
public:
    explicit NoticeBar(QWidget *parent = nullptr);

    /** Shows `text` unless the notice `key` was shown before; several notices stack as lines. */
    void addNotice(const QString &key, const QString &text);
    /** The notices on show, one per line; empty when the bar is hidden. */
    QString text() const;
    void dismiss();

private:
    QLabel *m_text;
    QToolButton *m_closeButton;
    QSet<QString> m_shown;
    QStringList m_lines;
};
