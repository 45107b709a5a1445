#include "core/explain/corruptions.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

namespace {

std::uint64_t splitMix(std::uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

std::mt19937_64 rowGenerator(std::uint64_t seed, int index, Corruption kind, double severity)
{
    std::uint64_t state = splitMix(seed);
    state = splitMix(state ^ std::uint64_t(std::int64_t(index)));
    state = splitMix(state ^ (std::uint64_t(kind) << 32));
    state = splitMix(state ^ std::uint64_t(std::llround(severity * 1e6)));
    return std::mt19937_64(state);
}

/** `count` distinct positions out of `positions`, drawn by a partial Fisher-Yates shuffle. */
std::vector<int> pickPositions(std::vector<int> positions, std::size_t count, std::mt19937_64 &rng)
{
    count = std::min(count, positions.size());
    for (std::size_t i = 0; i < count; ++i) {
        std::uniform_int_distribution<std::size_t> pick(i, positions.size() - 1);
        std::swap(positions[i], positions[pick(rng)]);
    }
    positions.resize(count);
    return positions;
}

std::size_t shareOf(double share, std::size_t n)
{
    return std::size_t(std::llround(share * double(n)));
}

void textCorruption(Batch *batch, Corruption kind, double severity, std::uint64_t seed)
{
    auto access = batch->text.accessor<std::int64_t, 2>();
    for (std::int64_t row = 0; row < batch->text.size(0); ++row) {
        std::vector<int> tokens;
        for (std::int64_t t = 0; t < batch->text.size(1); ++t) {
            if (access[row][t] != 0)
                tokens.push_back(int(t));
        }
        std::mt19937_64 rng = rowGenerator(seed, batch->indices.at(std::size_t(row)), kind, severity);
        const std::int64_t replacement = kind == Corruption::TextTypos ? 1 : 0; // Tokenizer::kUnknownId : kPadId
        for (int t : pickPositions(tokens, shareOf(severity, tokens.size()), rng))
            access[row][t] = replacement;
    }
}

void audioCorruption(Batch *batch, Corruption kind, double severity, std::uint64_t seed, const PreprocessConfig &pre)
{
    const std::int64_t mels = batch->audio.size(2);
    const std::int64_t frames = batch->audio.size(3);
    float *data = batch->audio.data_ptr<float>();
    for (std::int64_t row = 0; row < batch->audio.size(0); ++row) {
        float *mel = data + row * mels * frames;
        std::mt19937_64 rng = rowGenerator(seed, batch->indices.at(std::size_t(row)), kind, severity);
        if (kind == Corruption::AudioDropout) {
            const float silence = (std::log(pre.mel.floor) - pre.melMean) / pre.melStd;
            std::vector<int> all(static_cast<std::size_t>(frames));
            std::iota(all.begin(), all.end(), 0);
            for (int f : pickPositions(all, shareOf(severity, all.size()), rng)) {
                for (std::int64_t m = 0; m < mels; ++m)
                    mel[m * frames + f] = silence;
            }
            continue;
        }
        // White noise has the same expected power in every bin; its periodogram power is
        // exponentially distributed around that. Added as power to the un-normalised log-mel.
        const std::int64_t n = mels * frames;
        std::vector<double> power(static_cast<std::size_t>(n));
        double signal = 0.0;
        for (std::int64_t i = 0; i < n; ++i) {
            power[std::size_t(i)] = std::exp(double(mel[i]) * pre.melStd + pre.melMean);
            signal += power[std::size_t(i)];
        }
        signal /= double(n);
        const double noise = signal * std::pow(10.0, -corruptionLevel(kind, severity, 0) / 10.0);
        std::exponential_distribution<double> draw(1.0);
        for (std::int64_t i = 0; i < n; ++i)
            mel[i] = float((std::log(power[std::size_t(i)] + noise * draw(rng)) - pre.melMean) / pre.melStd);
    }
}

void imageCorruption(Batch *batch, Corruption kind, double severity, std::uint64_t seed, const PreprocessConfig &pre)
{
    const int size = int(batch->image.size(2));
    const int width = int(batch->image.size(3));
    float *data = batch->image.data_ptr<float>();
    const double level = corruptionLevel(kind, severity, size);
    for (std::int64_t row = 0; row < batch->image.size(0); ++row) {
        float *image = data + row * 3 * size * width;
        std::mt19937_64 rng = rowGenerator(seed, batch->indices.at(std::size_t(row)), kind, severity);
        if (kind == Corruption::ImageNoise) {
            std::normal_distribution<float> normal(0.0f, 1.0f);
            for (int c = 0; c < 3; ++c) {
                // sigma is in pixel intensity; the input is normalised per channel.
                const float sigma = float(level) / pre.imageStd[c];
                float *plane = image + c * size * width;
                for (int p = 0; p < size * width; ++p)
                    plane[p] += sigma * normal(rng);
            }
        } else if (kind == Corruption::ImageBlur) {
            for (int c = 0; c < 3; ++c) {
                cv::Mat plane(size, width, CV_32F, image + c * size * width);
                cv::GaussianBlur(plane.clone(), plane, cv::Size(0, 0), level, level, cv::BORDER_REFLECT);
            }
        } else {
            // Zero in normalised units is the training set's mean colour.
            const int side = std::min(size, int(std::lround(std::sqrt(level) * size)));
            std::uniform_int_distribution<int> pickY(0, size - side);
            std::uniform_int_distribution<int> pickX(0, std::max(0, width - side));
            const int y0 = pickY(rng);
            const int x0 = pickX(rng);
            for (int c = 0; c < 3; ++c) {
                for (int y = y0; y < y0 + side; ++y)
                    std::fill_n(image + (c * size + y) * width + x0, std::min(side, width - x0), 0.0f);
            }
        }
    }
}

} // namespace

const std::vector<CorruptionInfo> &corruptionList()
{
    static const std::vector<CorruptionInfo> list{
        {Corruption::ImageNoise, Modality::Image, "gaussian_noise", "sigma (pixel intensity 0..1)"},
        {Corruption::ImageBlur, Modality::Image, "blur", "sigma (model-input pixels)"},
        {Corruption::ImageOcclusion, Modality::Image, "occlusion", "share of the image covered"},
        {Corruption::AudioNoise, Modality::Audio, "white_noise", "SNR (dB)"},
        {Corruption::AudioDropout, Modality::Audio, "time_dropout", "share of frames silenced"},
        {Corruption::TextTypos, Modality::Text, "typos", "share of tokens made unknown"},
        {Corruption::TextDropout, Modality::Text, "word_dropout", "share of tokens dropped"},
    };
    return list;
}

double corruptionLevel(Corruption kind, double severity, int imageSize)
{
    switch (kind) {
    case Corruption::ImageNoise:
        return 0.5 * severity;
    case Corruption::ImageBlur:
        return severity * double(imageSize) / 8.0;
    case Corruption::AudioNoise:
        return severity <= 0.0 ? std::numeric_limits<double>::infinity() : 30.0 - 40.0 * severity;
    default:
        return severity;
    }
}

void corruptBatch(Batch *batch, Corruption kind, double severity, std::uint64_t seed, const PreprocessConfig &preprocess)
{
    severity = std::clamp(severity, 0.0, 1.0);
    if (severity <= 0.0 || batch->size() == 0)
        return;
    switch (kind) {
    case Corruption::ImageNoise:
    case Corruption::ImageBlur:
    case Corruption::ImageOcclusion:
        batch->image = batch->image.contiguous().clone();
        imageCorruption(batch, kind, severity, seed, preprocess);
        break;
    case Corruption::AudioNoise:
    case Corruption::AudioDropout:
        batch->audio = batch->audio.contiguous().clone();
        audioCorruption(batch, kind, severity, seed, preprocess);
        break;
    case Corruption::TextTypos:
    case Corruption::TextDropout:
        batch->text = batch->text.contiguous().clone();
        textCorruption(batch, kind, severity, seed);
        break;
    }
}
