#include "ui/inspect/predictionview.h"

#include "ui/widgets/notelabel.h"

#include "core/explain/explanation.h"

#include <QtGui/QHelpEvent>
#include <QtGui/QPainter>
#include <QtWidgets/QToolTip>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace {

const QColor kCorrect(46, 160, 67);
const QColor kWrong(218, 54, 51);

} // namespace

PredictionView::PredictionView(QWidget *parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void PredictionView::setPrediction(const QStringList &classNames, const std::vector<float> &probabilities,
                                   const QString &truth, int topK)
{
    std::vector<int> order(probabilities.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return probabilities[std::size_t(a)] > probabilities[std::size_t(b)]; });
    m_rows.clear();
    bool truthShown = false;
    for (int i = 0; i < int(order.size()); ++i) {
        const int c = order[std::size_t(i)];
        const QString name = classNames.value(c, QString::number(c));
        const bool isTruth = !truth.isEmpty() && name == truth;
        if (i >= topK && !(isTruth && !truthShown))
            continue;
        truthShown = truthShown || isTruth;
        Row row;
        row.classIndex = c;
        row.name = name;
        row.probability = double(probabilities[std::size_t(c)]);
        row.truth = isTruth;
        row.emphasised = i == 0;
        row.mark = isTruth ? (i == 0 ? QStringLiteral("✓") : QStringLiteral("←")) : QString();
        QColor fill = palette().color(QPalette::Highlight);
        if (i > 0)
            fill.setAlpha(150);
        row.fill = isTruth ? (i == 0 ? kCorrect : kWrong) : fill;
        m_rows << row;
    }
    m_placeholder.clear();
    updateGeometry();
    update();
}

void PredictionView::setTagPrediction(const QStringList &tags, const std::vector<float> &probabilities,
                                      const std::vector<double> &thresholds, const std::vector<float> &truth)
{
    std::vector<int> order(probabilities.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return probabilities[std::size_t(a)] > probabilities[std::size_t(b)]; });
    m_rows.clear();
    for (int c : order) {
        Row row;
        row.classIndex = c;
        row.name = tags.value(c, QString::number(c));
        row.probability = double(probabilities[std::size_t(c)]);
        row.threshold = std::size_t(c) < thresholds.size() ? thresholds[std::size_t(c)] : 0.5;
        row.emphasised = row.probability >= row.threshold;
        const bool known = std::size_t(c) < truth.size() && std::isfinite(truth[std::size_t(c)]);
        row.truth = known && truth[std::size_t(c)] > 0.5f;
        QColor muted = palette().color(QPalette::Highlight);
        muted.setAlpha(110);
        row.fill = !known ? (row.emphasised ? palette().color(QPalette::Highlight) : muted)
                 : row.emphasised ? (row.truth ? kCorrect : kWrong) : (row.truth ? kWrong.lighter(140) : muted);
        row.mark = !known ? QString() : row.emphasised ? (row.truth ? QStringLiteral("✓") : QStringLiteral("✗"))
                                                        : (row.truth ? tr("missed") : QString());
        m_rows << row;
    }
    m_placeholder.clear();
    updateGeometry();
    update();
}

void PredictionView::setValuePrediction(const QStringList &targets, const std::vector<float> &values, const std::vector<float> &truth)
{
    m_rows.clear();
    for (std::size_t k = 0; k < values.size(); ++k) {
        Row row;
        row.classIndex = int(k);
        row.name = targets.value(int(k), QString::number(k));
        row.probability = -1.0;
        row.emphasised = true;
        const bool known = k < truth.size() && std::isfinite(truth[k]);
        row.valueText = known ? tr("%1   (true %2, error %3%4)").arg(values[k], 0, 'g', 4).arg(truth[k], 0, 'g', 4)
                                    .arg(values[k] >= truth[k] ? QStringLiteral("+") : QString()).arg(values[k] - truth[k], 0, 'g', 3)
                              : tr("%1   (no true value)").arg(values[k], 0, 'g', 4);
        m_rows << row;
    }
    m_placeholder.clear();
    updateGeometry();
    update();
}

void PredictionView::setAgreement(const QString &representation, const std::array<double, 3> &cosines)
{
    m_rows.clear();
    for (std::size_t p = 0; p < cosines.size(); ++p) {
        if (!std::isfinite(cosines[p]))
            continue;
        Row row;
        row.name = modalityPairName(p);
        row.probability = std::clamp(cosines[p], 0.0, 1.0);
        row.valueText = QString::number(cosines[p], 'f', 3);
        row.emphasised = true;
        row.fill = palette().color(QPalette::Highlight);
        row.toolTip = tr("How closely the %1 embeddings of this sample point the same way (1: the same direction)").arg(row.name);
        m_rows << row;
    }
    if (m_rows.isEmpty()) {
        Row row;
        row.name = tr("%1 embedding").arg(representation);
        row.probability = -1.0;
        row.valueText = tr("no prediction: the model learnt without labels");
        m_rows << row;
    }
    m_placeholder.clear();
    updateGeometry();
    update();
}

void PredictionView::setOutputShapley(const std::vector<std::array<double, 3>> &shapley, const QString &unit)
{
    for (Row &row : m_rows) {
        if (row.classIndex < 0 || std::size_t(row.classIndex) >= shapley.size())
            continue;
        const std::array<double, 3> &phi = shapley[std::size_t(row.classIndex)];
        row.toolTip = tr("%1: Shapley of its %2 — text %3, image %4, audio %5")
                          .arg(row.name, unit).arg(phi[0], 0, 'f', 3).arg(phi[1], 0, 'f', 3).arg(phi[2], 0, 'f', 3);
    }
}

bool PredictionView::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(event);
        const int index = help->pos().y() / std::max(1, rowHeight());
        const QString text = index >= 0 && index < m_rows.size() ? m_rows.at(index).toolTip : QString();
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

void PredictionView::setPlaceholder(const QString &text)
{
    m_rows.clear();
    m_placeholder = text;
    updateGeometry();
    update();
}

int PredictionView::rowHeight() const
{
    return fontMetrics().height() + 6;
}

QSize PredictionView::sizeHint() const
{
    return {280, std::max(1, int(m_rows.size())) * rowHeight() + 4};
}

QSize PredictionView::minimumSizeHint() const
{
    return {160, sizeHint().height()};
}

void PredictionView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    const QPalette p = palette();
    if (m_rows.isEmpty()) {
        painter.setPen(NoteLabel::mutedColor(p));
        painter.drawText(rect(), Qt::AlignLeft | Qt::AlignVCenter, m_placeholder);
        return;
    }
    const QFontMetrics metrics = fontMetrics();
    int nameWidth = 0;
    bool bars = false;
    for (const Row &row : m_rows) {
        nameWidth = std::max(nameWidth, metrics.horizontalAdvance(row.name + QStringLiteral("  ") + row.mark));
        bars = bars || row.probability >= 0.0;
    }
    const int percentWidth = bars ? metrics.horizontalAdvance(QStringLiteral("100.0 %")) : 0;
    const int barLeft = nameWidth + 10;
    const int barWidth = std::max(20, width() - barLeft - percentWidth - 10);
    const int h = rowHeight();
    for (int i = 0; i < m_rows.size(); ++i) {
        const Row &row = m_rows.at(i);
        const QRect line(0, i * h, width(), h);
        QFont font = painter.font();
        font.setBold(row.emphasised);
        painter.setFont(font);
        painter.setPen(p.color(QPalette::Text));
        painter.drawText(QRect(0, line.top(), nameWidth, h), Qt::AlignLeft | Qt::AlignVCenter,
                         row.mark.isEmpty() ? row.name : row.name + QLatin1Char(' ') + row.mark);
        if (row.probability < 0.0) { // a value, no bar
            painter.drawText(QRect(barLeft, line.top(), width() - barLeft, h), Qt::AlignLeft | Qt::AlignVCenter, row.valueText);
            continue;
        }
        const QRect track(barLeft, line.top() + 3, barWidth, h - 6);
        QColor trackColor = p.color(QPalette::Mid);
        trackColor.setAlpha(60);
        painter.fillRect(track, trackColor);
        painter.fillRect(QRect(track.left(), track.top(), int(track.width() * std::clamp(row.probability, 0.0, 1.0)), track.height()), row.fill);
        if (row.threshold >= 0.0) {
            const int x = track.left() + int(track.width() * std::clamp(row.threshold, 0.0, 1.0));
            painter.fillRect(QRect(x - 1, line.top() + 1, 2, h - 2), p.color(QPalette::Text));
        }
        painter.drawText(QRect(barLeft + barWidth + 6, line.top(), percentWidth + 4, h), Qt::AlignRight | Qt::AlignVCenter,
                         row.valueText.isEmpty() ? QStringLiteral("%1 %").arg(row.probability * 100.0, 0, 'f', 1) : row.valueText);
    }
}
