#pragma once

#include "core/explain/tokengeometry.h"

#include <QtCore/QJsonObject>
#include <vector>

/** Index of the largest value (the first on ties); -1 when empty. */
int peakIndex(const std::vector<float> &values);

/**
 * The pointing game for one sample: whether the centre of the heat grid's peak cell, mapped
 * into a width×height original image, falls inside the target box. False for an empty heat.
 */
bool pointingHit(const std::vector<float> &heat, const TokenGeometry &geometry, int width, int height,
                 const PixelRect &box);

/** meta.target_box [x0, y0, x1, y1) in original-image pixels; false when absent or malformed. */
bool targetBox(const QJsonObject &meta, PixelRect *box);
