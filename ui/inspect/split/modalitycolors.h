#pragma once

#include "ui/plot/themedplot.h"

#include <algorithm>

/**
 * The colour of a modality (0 text, 1 image, 2 audio) in every split view: three of
 * ThemedPlot's series colours whose hues lie far apart.
 */
inline QColor modalityColor(const QPalette &palette, int modality)
{
    static const int kSeries[] = {0, 1, 4};
    return ThemedPlot::seriesColor(palette, kSeries[std::clamp(modality, 0, 2)]);
}
