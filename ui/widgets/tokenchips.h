#pragma once

#include <QtCore/QList>
#include <QtCore/QStringList>
#include <QtWidgets/QWidget>

/**
 * SentencePiece pieces drawn as wrapped chips (the word-start mark "▁" dimmed), with each
 * chip's token id as its tooltip. Painted, not one QLabel per token. GUI thread.
 */
class TokenChips final : public QWidget
{
    Q_OBJECT
public:
    explicit TokenChips(QWidget *parent = nullptr);

    /** `ids` may be shorter than `pieces` (or empty) when ids are unknown. */
    void setTokens(const QStringList &pieces, const QList<qint64> &ids = {});
    QStringList tokens() const { return m_pieces; }

    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;

private:
    QList<QRect> layoutChips(int width) const;
    QString body(int i) const;
    bool startsWord(int i) const;

    QStringList m_pieces;
    QList<qint64> m_ids;
};
