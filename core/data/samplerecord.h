#pragma once

#include "core/data/modality.h"
#include "core/data/split.h"

#include <QtCore/QJsonObject>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <vector>

/** One manifest row after validation: paths are absolute and inside the dataset folder. */
struct SampleRecord
{
    QString id;
    int line = 0;          ///< 1-based manifest line (CSV: the data row's line)
    QString text;          ///< inline text, or the contents of text_file
    QString textFile;      ///< absolute path when the text came from text_file
    QString imagePath;     ///< absolute; empty when the sample has no image
    QString audioPath;     ///< absolute; empty when the sample has no audio
    QString label;         ///< class name, the label as written for a regression target, or "tag1|tag2"; empty: unlabeled
    QJsonObject labelFields; ///< `"label": {"x": 0.3, "y": 0.6}` as written (named regression targets)
    QStringList labelTags;   ///< `"label": ["cat", "dog"]` as written, until the task is decided
    /**
     * regress: the targets in Manifest::targetNames order, NaN where one is missing.
     * multilabel: 1 or 0 per tag of Manifest::targetNames. Empty when unlabeled.
     */
    std::vector<float> targets;
    Split split = Split::Train;
    bool splitFromHash = false; ///< true when the manifest gave no split
    QJsonObject meta;      ///< passed through untouched (e.g. target_box)

    bool hasText() const { return !text.isEmpty(); }
    bool hasImage() const { return !imagePath.isEmpty(); }
    bool hasAudio() const { return !audioPath.isEmpty(); }
    bool hasLabel() const { return !label.isEmpty() || !targets.empty(); }
};
