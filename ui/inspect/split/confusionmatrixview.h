#pragma once

#include <QtCore/QStringList>
#include <QtWidgets/QWidget>
#include <vector>

/**
 * The confusion matrix as a painted grid: true class per row, predicted class per column,
 * each cell showing its count and shaded by the share of its row. Clicking a cell emits
 * cellClicked (as does Enter on the cell chosen with the arrow keys). GUI thread.
 */
class ConfusionMatrixView final : public QWidget
{
    Q_OBJECT
public:
    explicit ConfusionMatrixView(QWidget *parent = nullptr);

    /** `counts` is [true][predicted], square, one row per class name. */
    void setMatrix(const QStringList &classNames, const std::vector<std::vector<int>> &counts);
    /** No matrix; `why` (e.g. a model without classes) replaces "No confusion matrix yet". */
    void clear(const QString &why = QString());

    int classCount() const { return int(m_names.size()); }
    int count(int truth, int predicted) const;
    int total() const;
    /** Where a cell is drawn, in widget coordinates; empty when out of range. */
    QRect cellRect(int truth, int predicted) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    void cellClicked(int truth, int predicted);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    /** Arrow keys move the outlined cell, Enter or Space lists its samples. */
    void keyPressEvent(QKeyEvent *event) override;
    void leaveEvent(QEvent *event) override;
    bool event(QEvent *event) override;

private:
    QString m_emptyText; ///< shown while there is no matrix; empty: "No confusion matrix yet"
    struct Layout
    {
        QRect grid;
        int cell = 0;
    };
    Layout layout() const;
    /** (truth, predicted) under a point, or (-1, -1). */
    QPoint cellAt(const QPoint &pos) const;
    QColor cellColor(double share) const;

    QStringList m_names;
    std::vector<std::vector<int>> m_counts;
    QPoint m_hover{-1, -1};
};
