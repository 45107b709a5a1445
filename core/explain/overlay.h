#pragma once

#include "core/explain/explanation.h"

#include <QtCore/QByteArray>
#include <QtCore/QStringList>

#include <cstdint>

class Dataset;

// Attention drawn for people: PNG bytes made with OpenCV colormaps (inferno). Torch-free;
// any thread. Each returns empty bytes with a reason in *error when it cannot draw.

/**
 * The original image (read from imagePath, or the model's S×S copy `fallbackChw` when that
 * fails) with the gh×gw heat bilinearly upsampled and alpha-blended over it; the target box
 * in green and the peak cell in white when given. Small images are enlarged (nearest
 * neighbour) to at least 256 px so the grid stays visible.
 */
QByteArray renderImageOverlay(const QString &imagePath, const std::uint8_t *fallbackChw, int fallbackSize,
                              const std::vector<float> &heat, int gridH, int gridW, const PixelRect *box,
                              QString *error);

/**
 * The clip's log-mel spectrogram (low frequencies at the bottom) with a heat strip under it:
 * each audio token's weight over the frames it pools; frames past the model's crop are grey.
 */
QByteArray renderAudioStrip(const float *mel, int melBins, int frames, const std::vector<float> &heat,
                            const TokenGeometry &geometry, QString *error);

/**
 * The text's pieces as boxes shaded by weight. OpenCV's Hershey fonts draw ASCII only, so
 * other characters show as '?' (the JSON carries the real pieces; the GUI draws them).
 */
QByteArray renderTextShading(const QStringList &pieces, const std::vector<float> &weights, QString *error);

/**
 * Writes <dir>/<id>_image.png, <id>_audio.png and <id>_text.png for the modalities the sample
 * has and attention covers. Returns the files written; *error names the first failure.
 */
QStringList writeSampleOverlays(const Dataset &dataset, const SampleExplanation &sample, const QString &dir,
                                QString *error);
