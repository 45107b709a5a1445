#include "core/demo/samplerng.h"

#include <cmath>

namespace {

/** SplitMix64 finaliser: neighbouring (seed, index) pairs get unrelated engine states. */
std::uint64_t mix(std::uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

} // namespace

SampleRng::SampleRng(std::uint64_t seed, std::uint64_t index, std::uint64_t stream)
    : m_engine(mix(mix(mix(seed) ^ index) ^ stream))
{
}

int SampleRng::below(int n)
{
    // 64-bit draws make the modulo bias negligible for the small n used here.
    return n > 0 ? int(m_engine() % std::uint64_t(n)) : 0;
}

double SampleRng::uniform(double lo, double hi)
{
    const double unit = double(m_engine() >> 11) * 0x1.0p-53;
    return lo + (hi - lo) * unit;
}

double SampleRng::normal()
{
    if (m_hasSpare) {
        m_hasSpare = false;
        return m_spareNormal;
    }
    // Marsaglia's polar method: no sin/cos, which dominated the per-sample noise cost.
    double u, v, s;
    do {
        u = uniform(-1.0, 1.0);
        v = uniform(-1.0, 1.0);
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double factor = std::sqrt(-2.0 * std::log(s) / s);
    m_spareNormal = v * factor;
    m_hasSpare = true;
    return u * factor;
}
