#pragma once

#include <QtWidgets/QLabel>

/**
 * A secondary-text label (captions, hints) in a muted colour blended from the palette's
 * text and window colours. PlaceholderText would be the natural role, but some platform
 * themes leave it near-black on dark palettes. GUI thread.
 */
class NoteLabel final : public QLabel
{
    Q_OBJECT
public:
    explicit NoteLabel(QWidget *parent = nullptr);

    /** Text colour for secondary information that reads on light and dark palettes. */
    static QColor mutedColor(const QPalette &palette);

protected:
    void changeEvent(QEvent *event) override;

private:
    void applyTint();

    bool m_tinting = false;
};
