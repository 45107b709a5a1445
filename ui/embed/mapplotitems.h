#pragma once

// The embedding map's two QCustomPlot building blocks that are not plottables.

#include "ui/plot/qcustomplot_include.h"

#include <algorithm>
#include <functional>
#include <utility>

/** A layerable that draws through a callback, so the view keeps the drawing next to its state. */
class CallbackLayerable final : public QCPLayerable
{
public:
    CallbackLayerable(QCustomPlot *plot, const QString &layer, std::function<void(QCPPainter *)> draw)
        : QCPLayerable(plot, layer), m_draw(std::move(draw))
    {
    }

protected:
    void applyDefaultAntialiasingHint(QCPPainter *painter) const override { painter->setAntialiasing(true); }
    QRect clipRect() const override { return mParentPlot->axisRect()->rect(); }
    void draw(QCPPainter *painter) override { m_draw(painter); }

private:
    std::function<void(QCPPainter *)> m_draw;
};

/** A legend row that is not tied to a plottable: a dot (or none) and a text. */
class GroupLegendItem final : public QCPAbstractLegendItem
{
public:
    GroupLegendItem(QCPLegend *legend, const QColor &color, const QString &text)
        : QCPAbstractLegendItem(legend), m_color(color), m_text(text)
    {
    }

    QSize minimumOuterSizeHint() const override
    {
        const QSize icon = mParentLegend->iconSize();
        const QRect text = QFontMetrics(mFont).boundingRect(0, 0, 0, icon.height(), Qt::TextDontClip, m_text);
        return {icon.width() + mParentLegend->iconTextPadding() + text.width() + mMargins.left() + mMargins.right(),
                std::max(text.height(), icon.height()) + mMargins.top() + mMargins.bottom()};
    }

protected:
    void draw(QCPPainter *painter) override
    {
        const QSize icon = mParentLegend->iconSize();
        if (m_color.isValid()) {
            painter->setPen(Qt::NoPen);
            painter->setBrush(m_color);
            const double d = std::min(icon.width(), icon.height()) * 0.8;
            painter->drawEllipse(QPointF(mRect.x() + icon.width() / 2.0, mRect.y() + mRect.height() / 2.0), d / 2, d / 2);
        }
        painter->setFont(mFont);
        painter->setPen(mTextColor);
        painter->drawText(QRect(mRect.x() + icon.width() + mParentLegend->iconTextPadding(), mRect.y(),
                                mRect.width(), mRect.height()),
                          Qt::AlignLeft | Qt::AlignVCenter | Qt::TextDontClip, m_text);
    }

private:
    QColor m_color;
    QString m_text;
};
