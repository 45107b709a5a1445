#pragma once

#include "core/data/melspectrogram.h"

#include <QtCore/QByteArray>
#include <QtCore/QJsonObject>

/**
 * Everything that turns raw files into model inputs. Saved in config.json and in every
 * exported model's meta.json, so a model file knows how to read new data.
 */
struct PreprocessConfig
{
    int imageSize = 64;
    MelConfig mel;
    double audioSeconds = 0.0;     ///< 0 = auto: 95th percentile of training clips, capped
    double maxAudioSeconds = 10.0;
    int vocabSize = 256;
    int textLength = 16;           ///< T: tokens per text after padding/truncation
    // Normalisation, filled from the training split when the dataset is loaded.
    float imageMean[3] = {0.5f, 0.5f, 0.5f};
    float imageStd[3] = {0.25f, 0.25f, 0.25f};
    float melMean = 0.0f;
    float melStd = 1.0f;

    /** Frames per clip at audioSeconds (the F in audio [B,1,M,F]). */
    int audioFrames() const;

    QJsonObject toJson() const;
    static PreprocessConfig fromJson(const QJsonObject &json);

    /** Hash of what changes decoded features (size, mel); keys the on-disk feature cache. */
    QByteArray decodeKey() const;
};
