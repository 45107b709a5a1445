#include "core/explain/pointinggame.h"

#include <QtCore/QJsonArray>

#include <cmath>

int peakIndex(const std::vector<float> &values)
{
    int best = -1;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (best < 0 || values[i] > values[std::size_t(best)])
            best = int(i);
    }
    return best;
}

bool pointingHit(const std::vector<float> &heat, const TokenGeometry &geometry, int width, int height,
                 const PixelRect &box)
{
    const int peak = peakIndex(heat);
    if (peak < 0 || int(heat.size()) != geometry.imageTokens() || width <= 0 || height <= 0)
        return false;
    const int row = peak / geometry.gridW;
    const int col = peak % geometry.gridW;
    const double x = (double(col) + 0.5) * double(width) / double(geometry.gridW);
    const double y = (double(row) + 0.5) * double(height) / double(geometry.gridH);
    return box.contains(x, y);
}

bool targetBox(const QJsonObject &meta, PixelRect *box)
{
    const QJsonArray values = meta.value(QStringLiteral("target_box")).toArray();
    if (values.size() != 4)
        return false;
    for (const QJsonValue &value : values) {
        if (!value.isDouble())
            return false;
    }
    // Fractional corners (a box drawn on a scaled copy) round to the nearest pixel edge.
    box->x0 = int(std::lround(values.at(0).toDouble()));
    box->y0 = int(std::lround(values.at(1).toDouble()));
    box->x1 = int(std::lround(values.at(2).toDouble()));
    box->y1 = int(std::lround(values.at(3).toDouble()));
    return !box->isEmpty();
}
