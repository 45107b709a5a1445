#pragma once

#include <cstdint>
#include <random>

/**
 * The random source of one demo sample: std::mt19937_64 seeded from (dataset seed, sample
 * index), with its own bounded-int, uniform and normal draws so the output does not depend
 * on which thread renders the sample or on the standard library's distributions.
 * Owned by the thread rendering that sample.
 */
class SampleRng
{
public:
    SampleRng(std::uint64_t seed, std::uint64_t index, std::uint64_t stream = 0);

    /** Uniform in [0, n) (n > 0). */
    int below(int n);
    /** Uniform in [lo, hi). */
    double uniform(double lo = 0.0, double hi = 1.0);
    /** Standard normal (Box–Muller). */
    double normal();
    bool chance(double probability) { return uniform() < probability; }

private:
    std::mt19937_64 m_engine;
    double m_spareNormal = 0.0;
    bool m_hasSpare = false;
};
