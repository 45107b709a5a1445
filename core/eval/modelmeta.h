#pragma once

#include "core/data/task.h"
#include "core/data/preprocessconfig.h"
#include "core/model/modelconfig.h"

#include <QtCore/QJsonObject>
#include <QtCore/QStringList>

/**
 * What an exported model carries besides its weights (fusionscope/meta.json): enough to read
 * new data and name its predictions with nothing else at hand. Torch-free.
 *
 * Only "format_version" is required. A field the file lacks takes its default and is named in
 * assumed, so a partial meta.json (a model written elsewhere) is never worse than none:
 * missing labels are the dataset's at eval/explain time, a missing preprocess block means the
 * dataset is read as for a new run (sizes from token_layout where it gives them).
 */
struct ModelMeta
{
    static constexpr int kFormatVersion = 1;

    int formatVersion = kFormatVersion;
    QStringList labels;            ///< class names, index = logit column; empty = the dataset's
    TaskSpec task;                 ///< classify unless meta.json says otherwise (older files)
    PreprocessConfig preprocess;
    bool builtIn = true;           ///< false for an external TorchScript file
    ModelConfig model;             ///< the built-in model's config (fusion, encoders, sizes)
    QJsonObject tokenLayout;       ///< {"text_length":T,"image_grid":[gh,gw],"image_size":S,"audio_frames":F,"audio_hop_seconds":h,...}
    QJsonObject trainConfig;
    QJsonObject metrics;           ///< final test metrics
    /** meta.json fields the file did not give, defaults taken ("labels", "preprocess", "preprocess.mel_mean", ...). */
    QStringList assumed;

    /** The file names its classes (else they come from the dataset it runs on). */
    bool hasLabels() const { return !labels.isEmpty(); }
    /** The file records how it reads data (else the dataset is read as for a new run). */
    bool hasPreprocess() const { return !assumed.contains(QStringLiteral("preprocess")); }

    QJsonObject toJson() const;
    /** Fills *meta; false with a sentence in *error for a malformed field or a missing format marker. */
    static bool fromJson(const QJsonObject &json, ModelMeta *meta, QString *error);
};
