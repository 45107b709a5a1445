#include "core/explain/tokengeometry.h"

#include <QtCore/QJsonArray>

#include <algorithm>
#include <cmath>

TokenGeometry TokenGeometry::fromLayout(const QJsonObject &layout, const PreprocessConfig &preprocess)
{
    TokenGeometry geometry;
    geometry.textLength = layout.value(QStringLiteral("text_length")).toInt(preprocess.textLength);
    geometry.imageSize = layout.value(QStringLiteral("image_size")).toInt(preprocess.imageSize);
    geometry.audioFrames = layout.value(QStringLiteral("audio_frames")).toInt(preprocess.audioFrames());
    geometry.audioHopSeconds = layout.value(QStringLiteral("audio_hop_seconds"))
                                   .toDouble(double(preprocess.mel.hopLength) / double(preprocess.mel.sampleRate));
    const QJsonArray grid = layout.value(QStringLiteral("image_grid")).toArray();
    if (grid.size() == 2 && grid.at(0).toInt() > 0 && grid.at(1).toInt() > 0) {
        geometry.gridH = grid.at(0).toInt();
        geometry.gridW = grid.at(1).toInt();
    }
    geometry.audioTokens = std::max(0, layout.value(QStringLiteral("audio_tokens")).toInt(0));
    return geometry;
}

void TokenGeometry::inferImageTokens(int keys)
{
    if (imageTokens() > 0 || keys <= 0)
        return;
    const int side = int(std::lround(std::sqrt(double(keys))));
    if (side * side == keys) {
        gridH = side;
        gridW = side;
    } else {
        gridH = 1;
        gridW = keys;
    }
}

void TokenGeometry::inferAudioTokens(int keys)
{
    if (audioTokens <= 0 && keys > 0)
        audioTokens = keys;
}

PixelRect TokenGeometry::imageTokenRect(int token, int width, int height) const
{
    PixelRect rect;
    if (gridH <= 0 || gridW <= 0 || token < 0 || token >= imageTokens())
        return rect;
    const int row = token / gridW;
    const int col = token % gridW;
    // Cell edges rounded so that neighbouring cells tile the image without gaps.
    rect.x0 = int(std::lround(double(col) * width / gridW));
    rect.x1 = int(std::lround(double(col + 1) * width / gridW));
    rect.y0 = int(std::lround(double(row) * height / gridH));
    rect.y1 = int(std::lround(double(row + 1) * height / gridH));
    return rect;
}

TimeSpan TokenGeometry::audioTokenSpan(int token) const
{
    TimeSpan span;
    if (audioTokens <= 0 || token < 0 || token >= audioTokens)
        return span;
    const double framesPerToken = double(audioFrames) / double(audioTokens);
    span.start = double(token) * framesPerToken * audioHopSeconds;
    span.end = double(token + 1) * framesPerToken * audioHopSeconds;
    return span;
}

bool TokenGeometry::jointLayout(int n, int *leading) const
{
    const int known = textLength + imageTokens() + audioTokens;
    const int extra = n - known;
    // A few leading tokens (classification, register) are common; more means another layout.
    if (imageTokens() <= 0 || audioTokens <= 0 || extra < 0 || extra > 4)
        return false;
    *leading = extra;
    return true;
}
