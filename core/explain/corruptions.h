#pragma once

// Internal to core (includes torch): the MultiBench-style input corruptions behind the
// robustness curves. Each one degrades one modality of a batch at a severity in [0, 1];
// severity 0 leaves the batch untouched.

#include "core/data/batch.h"
#include "core/data/modality.h"
#include "core/data/preprocessconfig.h"

#include <cstdint>
#include <vector>

enum class Corruption {
    ImageNoise,     ///< Gaussian noise, sigma = 0.5 × severity in pixel intensity (0..1)
    ImageBlur,      ///< Gaussian blur, sigma = severity × S/8 model-input pixels
    ImageOcclusion, ///< a random square covering `severity` of the image, set to the mean colour
    AudioNoise,     ///< white noise added as power to the mel, SNR = 30 − 40 × severity dB
    AudioDropout,   ///< a share `severity` of the frames replaced by silence
    TextTypos,      ///< a share `severity` of the tokens replaced by the unknown id (a misspelt word leaves the vocabulary)
    TextDropout,    ///< a share `severity` of the tokens replaced by padding
};

struct CorruptionInfo
{
    Corruption kind;
    Modality modality;
    const char *name;      ///< "gaussian_noise", ...
    const char *levelUnit; ///< what corruptionLevel measures
};

/** Every corruption, grouped by modality (image, audio, text). */
const std::vector<CorruptionInfo> &corruptionList();

/** The corruption's own parameter at a severity: sigma, share or SNR in dB (+inf at 0). */
double corruptionLevel(Corruption kind, double severity, int imageSize);

/**
 * Degrades one modality of `batch`: its tensor is replaced by a degraded copy, so other Batch
 * copies sharing the old tensor stay clean. Random draws depend only on (seed, the row's dataset index,
 * kind, severity), so a sample is corrupted the same way in any batch. Shares are exact:
 * round(share × n) tokens or frames change.
 */
void corruptBatch(Batch *batch, Corruption kind, double severity, std::uint64_t seed, const PreprocessConfig &preprocess);
