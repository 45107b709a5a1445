#include "core/data/batch.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

Batch makeBatch(const Dataset &dataset, const std::vector<int> &indices)
{
    const PreprocessConfig &pre = dataset.preprocess();
    const auto b = std::int64_t(indices.size());
    const std::int64_t t = pre.textLength;
    const std::int64_t s = pre.imageSize;
    const std::int64_t m = pre.mel.melBins;
    const std::int64_t f = pre.audioFrames();

    Batch batch;
    batch.indices = indices;
    batch.text = torch::zeros({b, t}, torch::kInt64);
    batch.image = torch::zeros({b, 3, s, s}, torch::kFloat32);
    // Padding beyond a clip's end is silence: the log floor, normalised like everything else.
    const float silence = (std::log(pre.mel.floor) - pre.melMean) / pre.melStd;
    batch.audio = torch::full({b, 1, m, f}, silence, torch::kFloat32);
    batch.present = torch::zeros({b, 3}, torch::kFloat32);
    batch.labels = torch::full({b}, -1, torch::kInt64);

    auto *text = batch.text.data_ptr<std::int64_t>();
    auto *image = batch.image.data_ptr<float>();
    auto *audio = batch.audio.data_ptr<float>();
    auto *present = batch.present.data_ptr<float>();
    auto *labels = batch.labels.data_ptr<std::int64_t>();
    const std::int64_t pixels = s * s;
    const auto targetCount = std::int64_t(dataset.targetNames().size());
    float *targets = nullptr;
    if (dataset.task() != TaskKind::Classify) {
        batch.targets = torch::full({b, targetCount}, std::numeric_limits<float>::quiet_NaN(), torch::kFloat32);
        targets = batch.targets.data_ptr<float>();
    }

    for (std::int64_t row = 0; row < b; ++row) {
        const int index = indices[std::size_t(row)];
        const PresenceMask mask = dataset.presence(index);
        labels[row] = dataset.labelIndex(index);
        const std::vector<float> &values = dataset.record(index).targets;
        if (targets && std::int64_t(values.size()) == targetCount)
            std::copy(values.begin(), values.end(), targets + row * targetCount);
        for (int k = 0; k < kModalityCount; ++k)
            present[row * 3 + k] = mask[std::size_t(k)] ? 1.0f : 0.0f;

        if (mask[int(Modality::Text)]) {
            const std::vector<std::int64_t> &ids = dataset.tokens(index);
            std::copy_n(ids.begin(), std::min<std::int64_t>(t, std::int64_t(ids.size())), text + row * t);
        }
        if (const std::uint8_t *pixelsIn = dataset.image(index)) {
            float *out = image + row * 3 * pixels;
            for (int c = 0; c < 3; ++c) {
                const float scale = 1.0f / (255.0f * pre.imageStd[c]);
                const float shift = pre.imageMean[c] / pre.imageStd[c];
                const std::uint8_t *in = pixelsIn + c * pixels;
                float *plane = out + c * pixels;
                for (std::int64_t p = 0; p < pixels; ++p)
                    plane[p] = float(in[p]) * scale - shift;
            }
        }
        int frames = 0;
        if (const float *mel = dataset.mel(index, &frames)) {
            // Crop from the start (deterministic) or leave the silence padding past the end.
            const std::int64_t used = std::min<std::int64_t>(frames, f);
            float *out = audio + row * m * f;
            const float invStd = 1.0f / pre.melStd;
            for (std::int64_t bin = 0; bin < m; ++bin) {
                const float *in = mel + bin * frames;
                float *line = out + bin * f;
                for (std::int64_t k = 0; k < used; ++k)
                    line[k] = (in[k] - pre.melMean) * invStd;
            }
        }
    }
    return batch;
}
