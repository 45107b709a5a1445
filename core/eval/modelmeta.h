#pragma once

#include "core/data/preprocessconfig.h"
#include "core/model/modelconfig.h"

#include <QtCore/QJsonObject>
#include <QtCore/QStringList>

/**
 * What an exported model carries besides its weights (fusionscope/meta.json): enough to read
 * new data and name its predictions with nothing else at hand. Torch-free.
 */
struct ModelMeta
{
    static constexpr int kFormatVersion = 1;

    int formatVersion = kFormatVersion;
    QStringList labels;            ///< class names, index = logit column
    PreprocessConfig preprocess;
    bool builtIn = true;           ///< false for an external TorchScript file
    ModelConfig model;             ///< the built-in model's config (fusion, encoders, sizes)
    QJsonObject tokenLayout;       ///< {"text_length":T,"image_grid":[gh,gw],"image_size":S,"audio_frames":F,"audio_hop_seconds":h,...}
    QJsonObject trainConfig;
    QJsonObject metrics;           ///< final test metrics

    QJsonObject toJson() const;
    /** Fills *meta; false with a sentence in *error for a missing or malformed field. */
    static bool fromJson(const QJsonObject &json, ModelMeta *meta, QString *error);
};
