#include "ui/inspect/heatcolors.h"

#include <algorithm>

const QVector<QPair<double, QColor>> &heatStops()
{
    static const QVector<QPair<double, QColor>> stops{
        {0.000, QColor(0, 0, 4)},       {0.125, QColor(31, 12, 72)},   {0.250, QColor(85, 15, 109)},
        {0.375, QColor(136, 34, 106)},  {0.500, QColor(186, 54, 85)},  {0.625, QColor(227, 89, 51)},
        {0.750, QColor(249, 140, 10)},  {0.875, QColor(249, 201, 50)}, {1.000, QColor(252, 255, 164)},
    };
    return stops;
}

QColor heatColor(double t)
{
    const QVector<QPair<double, QColor>> &stops = heatStops();
    t = std::clamp(t, 0.0, 1.0);
    for (int i = 1; i < stops.size(); ++i) {
        if (t > stops.at(i).first)
            continue;
        const double f = (t - stops.at(i - 1).first) / (stops.at(i).first - stops.at(i - 1).first);
        const QColor a = stops.at(i - 1).second;
        const QColor b = stops.at(i).second;
        return QColor::fromRgbF(float(a.redF() + f * (b.redF() - a.redF())), float(a.greenF() + f * (b.greenF() - a.greenF())),
                                float(a.blueF() + f * (b.blueF() - a.blueF())));
    }
    return stops.last().second;
}

QColor textColorOn(const QColor &background)
{
    const double luminance = 0.2126 * background.redF() + 0.7152 * background.greenF() + 0.0722 * background.blueF();
    return luminance > 0.5 ? QColor(Qt::black) : QColor(Qt::white);
}

QColor modalityColor(Modality modality)
{
    switch (modality) {
    case Modality::Text:
        return QColor(76, 114, 176);
    case Modality::Image:
        return QColor(221, 132, 82);
    case Modality::Audio:
        return QColor(85, 168, 104);
    }
    return {};
}
