#pragma once

#include <QtCore/QStringList>
#include <QtCore/QVector>
#include <QtWidgets/QWidget>

#include <vector>

/**
 * The prediction's top-k classes as labelled probability bars; the true class is marked (and
 * listed even when it is not among the top k, so a miss shows how far off it was). GUI thread.
 */
class PredictionView final : public QWidget
{
    Q_OBJECT
public:
    struct Row
    {
        int classIndex = -1;
        QString name;
        double probability = 0.0;
        bool truth = false;
    };

    explicit PredictionView(QWidget *parent = nullptr);

    void setPrediction(const QStringList &classNames, const std::vector<float> &probabilities, const QString &truth,
                       int topK = 5);
    void setPlaceholder(const QString &text);
    const QVector<Row> &rows() const { return m_rows; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    int rowHeight() const;

    QVector<Row> m_rows;
    QString m_placeholder;
};
