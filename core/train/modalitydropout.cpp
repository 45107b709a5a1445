#include "core/train/modalitydropout.h"

#include <array>

namespace {

/** SplitMix64: a counter-based generator, so any (seed, step, row) can be drawn directly. */
std::uint64_t splitMix(std::uint64_t &state)
{
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

double uniform(std::uint64_t &state)
{
    return double(splitMix(state) >> 11) * (1.0 / 9007199254740992.0);
}

} // namespace

torch::Tensor dropModalities(const torch::Tensor &present, double p, std::uint64_t seed, std::int64_t step,
                             std::int64_t rowOffset, std::int64_t rowStride)
{
    if (p <= 0.0)
        return present;
    torch::Tensor out = present.to(torch::kFloat32).contiguous().clone();
    const std::int64_t rows = out.size(0);
    const std::int64_t columns = out.size(1);
    float *data = out.data_ptr<float>();
    for (std::int64_t row = 0; row < rows; ++row) {
        std::uint64_t state = seed ^ 0xD1B54A32D192ED03ull;
        splitMix(state);
        state ^= std::uint64_t(step) * 0xA24BAED4963EE407ull + std::uint64_t(rowOffset + row * rowStride);
        float *mask = data + row * columns;
        std::array<std::int64_t, 8> presentColumns{};
        int presentCount = 0;
        int dropped = 0;
        for (std::int64_t k = 0; k < columns && k < 8; ++k) {
            const bool isPresent = mask[k] > 0.5f;
            const bool drop = uniform(state) < p; // drawn for every column so rows stay independent
            if (!isPresent)
                continue;
            presentColumns[std::size_t(presentCount++)] = k;
            if (drop) {
                mask[k] = 0.0f;
                ++dropped;
            }
        }
        if (presentCount > 0 && dropped == presentCount) {
            const auto keep = presentColumns[std::size_t(splitMix(state) % std::uint64_t(presentCount))];
            mask[keep] = 1.0f;
        }
    }
    return out;
}
