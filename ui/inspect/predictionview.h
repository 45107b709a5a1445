#pragma once

#include <QtCore/QStringList>
#include <QtCore/QVector>
#include <QtGui/QColor>
#include <QtWidgets/QWidget>

#include <array>
#include <vector>

/**
 * A prediction as labelled rows, by task. A classifier's top-k classes as probability bars,
 * the true class marked (and listed even when it is not among the top k, so a miss shows how
 * far off it was). A multi-label model's every tag as a probability bar with its threshold
 * tick, predicted tags bold, right ones green, wrong ones red, missed true tags marked. A
 * regression's every target as predicted value against the truth. Each row's tooltip holds
 * that output's own Shapley values when given. GUI thread.
 */
class PredictionView final : public QWidget
{
    Q_OBJECT
public:
    struct Row
    {
        int classIndex = -1;
        QString name;
        double probability = 0.0; ///< the bar's length; < 0: no bar (a regression value)
        bool truth = false;       ///< the true class, or a true tag
        bool emphasised = false;  ///< the prediction: bold
        QColor fill;              ///< the bar's colour
        double threshold = -1.0;  ///< multilabel: the tag's threshold tick
        QString mark;             ///< after the name: "✓", "←", "missed"
        QString valueText;        ///< right of the bar (default: the probability in %), or in place of it
        QString toolTip;
    };

    explicit PredictionView(QWidget *parent = nullptr);

    void setPrediction(const QStringList &classNames, const std::vector<float> &probabilities, const QString &truth,
                       int topK = 5);
    /** Every tag, most probable first; truth is 0/1 per tag (empty or NaN: unknown). */
    void setTagPrediction(const QStringList &tags, const std::vector<float> &probabilities, const std::vector<double> &thresholds,
                          const std::vector<float> &truth);
    /** Every target's predicted value against its truth (NaN or empty: unknown). */
    void setValuePrediction(const QStringList &targets, const std::vector<float> &values, const std::vector<float> &truth);
    /** Tooltips naming each output's Shapley values (text, image, audio), in column order. */
    /** A model trained without labels: one row per pair of present modalities, their embeddings' cosine
     *  (a bar for 0..1); without pairs (a model whose modalities are not aligned), one row naming the embedding. */
    void setAgreement(const QString &representation, const std::array<double, 3> &cosines);
    void setOutputShapley(const std::vector<std::array<double, 3>> &shapley, const QString &unit);
    void setPlaceholder(const QString &text);
    const QVector<Row> &rows() const { return m_rows; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;

private:
    int rowHeight() const;

    QVector<Row> m_rows;
    QString m_placeholder;
};
