#pragma once

#include "core/data/split.h"

#include <QtCore/QString>
#include <array>
#include <cstdint>
#include <vector>

// Shapes-AV: the demo task of DESIGN.md ("Demo dataset"). A 3×3 grid holds all four
// combinations of two shapes × two colours; the text names the target's shape, the audio
// speaks its colour, and only the two together single out its cell.

inline constexpr int kShapesAvShapes = 6;  ///< circle, square, triangle, diamond, star, cross
inline constexpr int kShapesAvColours = 6; ///< red, green, blue, yellow, purple, orange
inline constexpr int kShapesAvCells = 9;
inline constexpr int kShapesAvAudioRate = 16000;

QString shapesAvShapeName(int shape);    ///< English: "circle"
QString shapesAvShapeNameZh(int shape);  ///< Chinese: "圆形"
QString shapesAvColourName(int colour);  ///< "red"
std::array<std::uint8_t, 3> shapesAvColourRgb(int colour);
std::array<std::uint8_t, 3> shapesAvBackgroundRgb();

/** An English espeak-ng voice ("language+variant") and the base pitch it speaks with. */
struct ShapesAvVoice
{
    const char *name;
    int pitch; ///< espeak-ng 0–100
};
const std::vector<ShapesAvVoice> &shapesAvVoices();
/** Speaking rates in words per minute. */
const std::vector<int> &shapesAvSpeeds();

/** One shape in one cell; size and offset are the per-sample jitter, as fractions of the cell. */
struct ShapesAvObject
{
    int cell = 0;
    int shape = 0;
    int colour = 0;
    double size = 0.7;    ///< shape radius / half the cell side
    double offsetX = 0.0; ///< centre shift / cell side
    double offsetY = 0.0;
};

/** Everything that defines one sample; a pure function of (seed, index). */
struct ShapesAvScene
{
    int index = 0;
    std::vector<ShapesAvObject> objects; ///< the four combinations, then at most one extra
    int target = 0;                      ///< index into objects (always one of the first four)
    QString text;
    QString language;                    ///< "en" | "zh"
    int voice = 0;                       ///< index into shapesAvVoices()
    int speed = 0;                       ///< index into shapesAvSpeeds()
    double leadSeconds = 0.1;            ///< silence before the word
    double tailSeconds = 0.1;            ///< silence after it
    double gainDb = 0.0;
    double snrDb = 20.0;                 ///< white-noise level relative to the speech
    Split split = Split::Train;

    const ShapesAvObject &targetObject() const { return objects[size_t(target)]; }
    QString label() const;               ///< "cell_<r*3+c>"
};

ShapesAvScene makeShapesAvScene(std::uint64_t seed, int index);

/** Pixel box [x0, y0, x1, y1) of a grid cell in a size×size image. */
std::array<int, 4> shapesAvCellBox(int cell, int imageSize);

/** Exactly 80/10/10 within every block of ten consecutive samples, shuffled by seed. */
Split shapesAvSplit(std::uint64_t seed, int index);
