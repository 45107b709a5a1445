#include "ui/inspect/predictionview.h"

#include "ui/widgets/notelabel.h"

#include <QtGui/QPainter>

#include <algorithm>
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
        m_rows << Row{c, name, double(probabilities[std::size_t(c)]), isTruth};
    }
    m_placeholder.clear();
    updateGeometry();
    update();
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
    for (const Row &row : m_rows)
        nameWidth = std::max(nameWidth, metrics.horizontalAdvance(row.name + QStringLiteral(" ✓")));
    const int percentWidth = metrics.horizontalAdvance(QStringLiteral("100.0 %"));
    const int barLeft = nameWidth + 10;
    const int barWidth = std::max(20, width() - barLeft - percentWidth - 10);
    const int h = rowHeight();
    for (int i = 0; i < m_rows.size(); ++i) {
        const Row &row = m_rows.at(i);
        const QRect line(0, i * h, width(), h);
        const bool top = i == 0;
        QFont font = painter.font();
        font.setBold(top);
        painter.setFont(font);
        painter.setPen(p.color(QPalette::Text));
        const QString mark = row.truth ? (top ? QStringLiteral(" ✓") : QStringLiteral(" ←")) : QString();
        painter.drawText(QRect(0, line.top(), nameWidth, h), Qt::AlignLeft | Qt::AlignVCenter, row.name + mark);
        const QRect track(barLeft, line.top() + 3, barWidth, h - 6);
        QColor trackColor = p.color(QPalette::Mid);
        trackColor.setAlpha(60);
        painter.fillRect(track, trackColor);
        QColor fill = top ? (row.truth ? kCorrect : p.color(QPalette::Highlight)) : p.color(QPalette::Highlight);
        if (!top)
            fill.setAlpha(150);
        if (row.truth && !top)
            fill = kWrong;
        painter.fillRect(QRect(track.left(), track.top(), int(track.width() * std::clamp(row.probability, 0.0, 1.0)), track.height()), fill);
        painter.drawText(QRect(barLeft + barWidth + 6, line.top(), percentWidth + 4, h), Qt::AlignRight | Qt::AlignVCenter,
                         QStringLiteral("%1 %").arg(row.probability * 100.0, 0, 'f', 1));
    }
}
