#pragma once

#include <QtCore/QStringList>
#include <QtWidgets/QWidget>

#include <vector>

/**
 * The text's word pieces as chips shaded by attention (inferno). Clicking a chip selects that
 * token (clicking it again, or Escape, clears the choice) so the heatmap can show where that
 * word looks; Left/Right move the choice. GUI thread.
 */
class AttentionTokens final : public QWidget
{
    Q_OBJECT
public:
    explicit AttentionTokens(QWidget *parent = nullptr);

    /** Piece i sits at text position i; `weights` holds one weight per position (may be longer or empty). */
    void setTokens(const QStringList &pieces, const std::vector<float> &weights);
    void setPlaceholder(const QString &text);
    QStringList pieces() const { return m_pieces; }
    const std::vector<float> &weights() const { return m_weights; }
    int selectedToken() const { return m_selected; }
    void setSelectedToken(int token);
    /** Where chip `token` is drawn, for tests and tooltips. */
    QRect chipRect(int token) const;

    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    /** The user chose a token, or cleared the choice (-1). */
    void tokenSelected(int token);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    bool event(QEvent *event) override;

private:
    QList<QRect> layoutChips(int width) const;
    QString body(int i) const;
    double shade(int i) const;
    void choose(int token);

    QStringList m_pieces;
    std::vector<float> m_weights;
    int m_selected = -1;
    QString m_placeholder;
};
