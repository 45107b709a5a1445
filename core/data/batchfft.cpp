// BatchFft's tables; the transform itself is inlined from the header into each lane width's
// caller.
#include "core/data/batchfft.h"

#include <algorithm>
#include <cmath>
#include <memory>

namespace {

constexpr double kPi = 3.14159265358979323846;

} // namespace

BatchFft::BatchFft(int n)
    : m_n(n), m_half(n / 2), m_re(std::size_t(std::max(1, n / 2)) * 8), m_im(std::size_t(std::max(1, n / 2)) * 8)
{
    int bits = 0;
    while ((1 << bits) < m_half)
        ++bits;
    m_bitReverse.resize(std::size_t(m_half));
    for (int i = 0; i < m_half; ++i) {
        int r = 0;
        for (int b = 0; b < bits; ++b)
            r |= ((i >> b) & 1) << (bits - 1 - b);
        m_bitReverse[std::size_t(i)] = r;
    }
    // Twiddles per radix-2 stage, span 1, 2, 4, …; span s starts at s - 1.
    for (int span = 1; span < m_half; span <<= 1) {
        for (int j = 0; j < span; ++j) {
            const double angle = -kPi * j / span;
            m_twRe.push_back(float(std::cos(angle)));
            m_twIm.push_back(float(std::sin(angle)));
        }
    }
    for (int k = 0; k < m_half; ++k) {
        const double angle = -2.0 * kPi * k / m_n;
        m_splitRe.push_back(float(std::cos(angle)));
        m_splitIm.push_back(float(std::sin(angle)));
    }
}

BatchFft &BatchFft::forThread(int n)
{
    thread_local std::unique_ptr<BatchFft> fft;
    if (!fft || fft->size() != n)
        fft = std::make_unique<BatchFft>(n);
    return *fft;
}
