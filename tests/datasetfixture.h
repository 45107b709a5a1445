#pragma once

#include <QtCore/QString>

/** Synthesises small paired datasets on disk for the data-layer tests. */
namespace datasetfixture {

struct Options
{
    int samples = 12;
    int imageSize = 32;
    bool withAudio = true;
    bool withSplits = true;
};

/**
 * Writes manifest.jsonl + images/sN.png + audio/sN.wav under dir. Sample i: label "a" (red
 * image, 440 Hz tone, "the red one") for even i, "b" (blue, 880 Hz, "the blue one") for odd;
 * clip length 0.5 + 0.1·(i mod 5) s; split train/val/test by i mod 6 (0–3 train, 4 val, 5 test).
 */
void write(const QString &dir, const Options &options = {});

/**
 * The colour-caption dataset the contrastive tests align: 24 kinds (12 hues × bright/dark), each
 * a caption ("a bright teal square") and a solid 32 × 32 image with a little noise. Train: 4
 * samples per kind, val and test: one per kind (sample n is kind n mod 24: teal is 5, 29, … 125).
 * The label is bright/dark; with labels, a third of the train samples still has none. No audio.
 */
void writeColourCaptions(const QString &dir, bool withLabels = true);

/** The small model and training settings (config.json form) the colour-caption tests train with: fast and fp32. */
inline constexpr const char *kColourCaptionsConfig =
    R"({"model":{"dim":32,"heads":2,"image_size":32},"train":{"batch_size":24,"precision":"fp32","learning_rate":0.003}})";

/** Overwrites sample i's image with a solid colour (for cache invalidation tests). */
void rewriteImage(const QString &dir, int index, int red, int green, int blue, int size = 32);

} // namespace datasetfixture
