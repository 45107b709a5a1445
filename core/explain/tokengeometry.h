#pragma once

#include "core/data/preprocessconfig.h"

#include <QtCore/QJsonObject>

/** A half-open pixel rectangle [x0, x1) × [y0, y1) in an original (not resized) image. */
struct PixelRect
{
    int x0 = 0;
    int y0 = 0;
    int x1 = 0;
    int y1 = 0;

    bool contains(double x, double y) const { return x >= x0 && x < x1 && y >= y0 && y < y1; }
    bool isEmpty() const { return x1 <= x0 || y1 <= y0; }
};

/** A span of an audio clip in seconds from its start. */
struct TimeSpan
{
    double start = 0.0;
    double end = 0.0;
};

/**
 * Where a model's tokens come from: the image token grid over the (resized, never cropped)
 * image, how many audio tokens pool the cropped clip's frames, the text length. Read from an
 * exported model's token layout, or inferred from the attention maps' shapes for a model
 * without one. Plain values; any thread.
 */
struct TokenGeometry
{
    int textLength = 0;
    int gridH = 0;             ///< image token grid; 0 when unknown
    int gridW = 0;
    int imageSize = 0;
    int audioFrames = 0;       ///< F: frames the model sees (the clip is cropped from its start)
    int audioTokens = 0;       ///< 0 when unknown
    double audioHopSeconds = 0.01;

    int imageTokens() const { return gridH * gridW; }

    /** From meta.json's token_layout; what it lacks comes from the preprocessing. */
    static TokenGeometry fromLayout(const QJsonObject &tokenLayout, const PreprocessConfig &preprocess);

    /** When the layout named no grid: a square grid if `keys` is a square number, else 1×keys. */
    void inferImageTokens(int keys);
    void inferAudioTokens(int keys);

    /** Pixel rectangle of image token `token` (row-major over the grid) in a width×height original. */
    PixelRect imageTokenRect(int token, int width, int height) const;
    /** Seconds of the clip that audio token `token` pools: frames × hop / (frames per token). */
    TimeSpan audioTokenSpan(int token) const;

    /**
     * How a joint sequence of n tokens (an all->all or graph map) splits: `leading` extra
     * tokens (a classification token) then text, image and audio tokens. False when n does not
     * decompose that way.
     */
    bool jointLayout(int n, int *leading) const;
};
