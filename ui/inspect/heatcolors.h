#pragma once

#include "core/data/modality.h"

#include <QtGui/QColor>
#include <QtCore/QPair>
#include <QtCore/QVector>

// Attention is drawn in inferno everywhere (image overlay, audio strip, word shading), so the
// same colour means the same weight; the spectrogram itself stays viridis.

/** Inferno's colour stops, position 0..1. */
const QVector<QPair<double, QColor>> &heatStops();
/** Inferno at t (clamped to 0..1). */
QColor heatColor(double t);
/** Black or white, whichever reads on `background`. */
QColor textColorOn(const QColor &background);
/** One colour per modality wherever the Inspect views compare them (reads on light and dark). */
QColor modalityColor(Modality modality);
