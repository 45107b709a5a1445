#pragma once

#include "core/util/progress.h"

#include <QtCore/QString>
#include <QtCore/QStringList>
#include <cstdint>

inline constexpr int kShapesAvMinImageSize = 24; ///< cells of 8 px still show the shapes
inline constexpr int kShapesAvMaxImageSize = 1024;

/** What `fusionscope demo-data` was asked to write. */
struct ShapesAvOptions
{
    QString outDir;
    int samples = 24000;      ///< the attention fusion needs ≥ 10 000 distinct scenes to generalise; 24 000 reach 95 % in 5 epochs
    std::uint64_t seed = 1;
    int imageSize = 64;
    bool force = false;       ///< overwrite an existing Shapes-AV folder
    int threads = 0;          ///< 0 = every available core
    /**
     * What the label is. "cells" (classify): the target's grid cell, cell_0..cell_8.
     * "position" (regress): the target's centre as {"x": .., "y": ..}, fractions of the image
     * side (the jitter inside the cell included), so the same scenes need all three modalities.
     * "matches" (multilabel): every cell whose object has the named shape or the spoken
     * colour, a list of three cells: the same scenes, a set of tags to predict.
     * "objects" (classify, Objects-AV): other scenes, in which the three modalities describe
     * the same object: one large shape among clutter, its name as a caption and spoken; the
     * label is that name ("red circle", 36 classes); about a third of the samples lack one
     * modality. For contrastive alignment, retrieval and learning from few labels.
     */
    QString kind = QStringLiteral("cells");
};

/** The label kinds demo-data writes: "cells", "position", "matches", "objects". */
QStringList shapesAvKinds();

/** What was written. */
struct ShapesAvSummary
{
    int samples = 0;
    int splitCounts[3] = {0, 0, 0}; ///< train, val, test
    qint64 bytes = 0;               ///< total size of the files written
    double seconds = 0.0;
};

/**
 * Writes the Shapes-AV dataset (DESIGN.md "Demo dataset"): images/, audio/ (16 kHz mono
 * Ogg/Vorbis), manifest.jsonl and README.txt. Refuses a non-empty folder that is not a
 * Shapes-AV dataset, and an existing one unless options.force. Renders and encodes on
 * options.threads worker threads; the output depends only on (seed, samples, imageSize).
 * progress is called on the calling thread. Never throws; false with *error on failure.
 */
bool generateShapesAv(const ShapesAvOptions &options, const ProgressCallback &progress, ShapesAvSummary *summary,
                      QString *error, const CancelFlag *cancel = nullptr);
