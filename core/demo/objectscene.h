#pragma once

#include "core/data/split.h"

#include <QtCore/QString>
#include <array>
#include <cstdint>
#include <vector>

// Objects-AV (`demo-data --kind objects`): the three modalities describe the same thing. The
// image shows one large shape among small clutter, the caption names it ("a red circle", or in
// Chinese "一个红色的圆形"), the audio speaks its name ("red circle") in varied voices and
// noise; the label is that name, one of 36 classes. Each modality alone can tell the class,
// so what it demonstrates is alignment: text ↔ image ↔ audio retrieval and learning from few
// labels. Some samples lack one modality.

/** A shape drawn in an Objects-AV image; centre and radius are fractions of the image side. */
struct ObjectShape
{
    int shape = 0;
    int colour = 0;
    double cx = 0.5;
    double cy = 0.5;
    double radius = 0.2;
};

/** Everything that defines one Objects-AV sample; a pure function of (seed, index). */
struct ObjectScene
{
    int index = 0;
    ObjectShape object;               ///< the one the caption and the voice name
    std::vector<ObjectShape> clutter; ///< small shapes of other classes, drawn first
    struct Line
    {
        double x0, y0, x1, y1; ///< fractions of the image side
        int shade;             ///< grey level
    };
    std::vector<Line> lines;          ///< grey lines behind everything
    QString text;                     ///< empty when the sample has no text
    QString language;                 ///< "en" | "zh"
    bool hasImage = true;
    bool hasAudio = true;
    int voice = 0;                    ///< index into shapesAvVoices()
    int speed = 0;                    ///< index into shapesAvSpeeds()
    double leadSeconds = 0.1;
    double gapSeconds = 0.08;         ///< between the colour and the shape word
    double tailSeconds = 0.1;
    double gainDb = 0.0;
    double snrDb = 20.0;
    Split split = Split::Train;

    bool hasText() const { return !text.isEmpty(); }
    /** "red circle". */
    QString label() const;
    /** The object's bounding box [x0, y0, x1, y1) in pixels of a size×size image. */
    std::array<int, 4> box(int imageSize) const;
};

ObjectScene makeObjectScene(std::uint64_t seed, int index);

/** Chinese colour name: "红色". */
QString objectColourNameZh(int colour);
