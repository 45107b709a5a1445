#pragma once

#include <QtWidgets/QFrame>

class QLabel;
class QPlainTextEdit;
class QToolButton;

/**
 * A non-modal strip at the top of the window for errors: a message, a Details toggle for
 * the long text, and a close button. Tinted from the palette so it reads in light and dark
 * mode. GUI thread.
 */
class ErrorBanner final : public QFrame
{
    Q_OBJECT
public:
    explicit ErrorBanner(QWidget *parent = nullptr);

    void showError(const QString &message, const QString &details = {});
    void dismiss();
    QString message() const;

protected:
    void changeEvent(QEvent *event) override;

private:
    void applyTint();

    QLabel *m_icon;
    QLabel *m_message;
    QToolButton *m_detailsButton;
    QToolButton *m_closeButton;
    QPlainTextEdit *m_details;
    bool m_tinting = false;
};
