// Log-mel front end in plain C++: it runs inside the decoding threads, where a BLAS or
// torch call would contend with training for the cores.
#include "core/data/melspectrogram.h"

#include <algorithm>
#include <cmath>

namespace {

constexpr double kPi = 3.14159265358979323846;

int nextPowerOfTwo(int n)
{
    int p = 2;
    while (p < n && p < (1 << 24))
        p <<= 1;
    return p;
}

/** Power spectrum of one real frame of N (power of two) samples, N/2 + 1 bins: a complex
 *  FFT of N/2 points over the even/odd samples, then one split step. Complex values are
 *  kept as separate real/imaginary arrays and multiplied by hand: std::complex's operator*
 *  goes through the NaN-checking __mulsc3 and is several times slower. */
class RealFft
{
public:
    explicit RealFft(int n) : m_n(n), m_half(n / 2)
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
        // Twiddles laid out per stage (span 1, 2, 4, …) so the inner loop reads them in order.
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
        m_re.resize(std::size_t(m_half));
        m_im.resize(std::size_t(m_half));
    }

    /** frame holds N samples; power receives N/2 + 1 values |X[k]|². */
    void power(const float *frame, float *power)
    {
        float *re = m_re.data();
        float *im = m_im.data();
        for (int i = 0; i < m_half; ++i) {
            const int r = m_bitReverse[std::size_t(i)];
            re[r] = frame[2 * i];
            im[r] = frame[2 * i + 1];
        }
        // Spans 1 and 2 fused into one radix-4 pass (twiddles 1 and -i): too short to vectorise.
        for (int start = 0; start + 3 < m_half; start += 4) {
            float *r = re + start, *i = im + start;
            const float r0 = r[0] + r[1], i0 = i[0] + i[1], r1 = r[0] - r[1], i1 = i[0] - i[1];
            const float r2 = r[2] + r[3], i2 = i[2] + i[3], r3 = r[2] - r[3], i3 = i[2] - i[3];
            r[0] = r0 + r2; i[0] = i0 + i2;
            r[2] = r0 - r2; i[2] = i0 - i2;
            r[1] = r1 + i3; i[1] = i1 - r3; // (r3 + i i3) * -i = i3 - i r3
            r[3] = r1 - i3; i[3] = i1 + r3;
        }
        if (m_half == 2) {
            const float r0 = re[0], i0 = im[0];
            re[0] = r0 + re[1]; im[0] = i0 + im[1];
            re[1] = r0 - re[1]; im[1] = i0 - im[1];
        }
        const float *twRe = m_twRe.data() + 3;
        const float *twIm = m_twIm.data() + 3;
        for (int span = 4; span < m_half; span <<= 1) {
            for (int start = 0; start < m_half; start += 2 * span)
                butterflies(re + start, im + start, re + start + span, im + start + span, twRe, twIm, span);
            twRe += span;
            twIm += span;
        }
        // X[k] = E[k] + W^k O[k]; E = (Z[k] + conj Z[M-k]) / 2, O = -i (Z[k] - conj Z[M-k]) / 2.
        power[0] = (re[0] + im[0]) * (re[0] + im[0]);
        power[m_half] = (re[0] - im[0]) * (re[0] - im[0]);
        for (int k = 1; k < m_half; ++k) {
            const float bRe = re[m_half - k], bIm = -im[m_half - k];
            const float eRe = 0.5f * (re[k] + bRe), eIm = 0.5f * (im[k] + bIm);
            const float oRe = 0.5f * (im[k] - bIm), oIm = -0.5f * (re[k] - bRe);
            const float wRe = m_splitRe[std::size_t(k)], wIm = m_splitIm[std::size_t(k)];
            const float xRe = eRe + wRe * oRe - wIm * oIm;
            const float xIm = eIm + wRe * oIm + wIm * oRe;
            power[k] = xRe * xRe + xIm * xIm;
        }
    }

private:
    // Separate, non-aliasing halves let the compiler vectorise the loop.
    static void butterflies(float *__restrict aRe, float *__restrict aIm, float *__restrict bRe,
                            float *__restrict bIm, const float *__restrict twRe,
                            const float *__restrict twIm, int span)
    {
        for (int j = 0; j < span; ++j) {
            const float tRe = twRe[j] * bRe[j] - twIm[j] * bIm[j];
            const float tIm = twRe[j] * bIm[j] + twIm[j] * bRe[j];
            bRe[j] = aRe[j] - tRe;
            bIm[j] = aIm[j] - tIm;
            aRe[j] += tRe;
            aIm[j] += tIm;
        }
    }

    int m_n;
    int m_half;
    std::vector<int> m_bitReverse;
    std::vector<float> m_twRe, m_twIm, m_splitRe, m_splitIm;
    std::vector<float> m_re, m_im;
};

} // namespace

float MelSpectrogram::hzToMel(float hz)
{
    return float(2595.0 * std::log10(1.0 + double(hz) / 700.0));
}

float MelSpectrogram::melToHz(float mel)
{
    return float(700.0 * (std::pow(10.0, double(mel) / 2595.0) - 1.0));
}

MelSpectrogram::MelSpectrogram(const MelConfig &config) : m_config(config)
{
    // A bad config is repaired rather than thrown on: config() reports what is used.
    MelConfig &c = m_config;
    c.sampleRate = std::max(1, c.sampleRate);
    c.windowLength = std::max(1, c.windowLength);
    c.hopLength = std::max(1, c.hopLength);
    c.fftSize = nextPowerOfTwo(std::max(c.fftSize, c.windowLength));
    c.melBins = std::max(1, c.melBins);
    c.minHz = std::max(0.0f, c.minHz);
    if (!(c.maxHz > c.minHz))
        c.maxHz = std::max(c.minHz + 1.0f, c.sampleRate / 2.0f);
    if (!(c.floor > 0.0f))
        c.floor = 1e-10f;

    // Periodic Hann, as torch.hann_window(N) and every STFT front end use.
    m_window.resize(std::size_t(c.windowLength));
    for (int n = 0; n < c.windowLength; ++n)
        m_window[std::size_t(n)] = float(0.5 - 0.5 * std::cos(2.0 * kPi * n / c.windowLength));

    // HTK mel triangles without area normalisation (torchaudio melscale_fbanks, norm=None).
    const int bins = c.frequencyBins();
    const double melLow = hzToMel(c.minHz);
    const double melHigh = hzToMel(c.maxHz);
    std::vector<double> edges(std::size_t(c.melBins + 2));
    for (int i = 0; i < c.melBins + 2; ++i)
        edges[std::size_t(i)] = melToHz(float(melLow + (melHigh - melLow) * i / (c.melBins + 1)));
    m_centresHz.resize(std::size_t(c.melBins));
    m_filterbank.assign(std::size_t(c.melBins) * std::size_t(bins), 0.0f);
    m_bandStart.assign(std::size_t(c.melBins), 0);
    m_bandEnd.assign(std::size_t(c.melBins), 0);
    for (int m = 0; m < c.melBins; ++m) {
        const double left = edges[std::size_t(m)], centre = edges[std::size_t(m + 1)],
                     right = edges[std::size_t(m + 2)];
        m_centresHz[std::size_t(m)] = float(centre);
        int first = bins, last = 0;
        for (int k = 0; k < bins; ++k) {
            const double hz = double(k) * c.sampleRate / c.fftSize;
            const double up = (hz - left) / (centre - left);
            const double down = (right - hz) / (right - centre);
            const double w = std::max(0.0, std::min(up, down));
            if (w > 0.0) {
                m_filterbank[std::size_t(m) * std::size_t(bins) + std::size_t(k)] = float(w);
                first = std::min(first, k);
                last = std::max(last, k + 1);
            }
        }
        m_bandStart[std::size_t(m)] = first < last ? first : 0;
        m_bandEnd[std::size_t(m)] = first < last ? last : 0;
    }
}

int MelSpectrogram::frameCount(std::size_t sampleCount) const
{
    if (sampleCount == 0)
        return 0;
    const auto window = std::size_t(m_config.windowLength);
    if (sampleCount < window)
        return 1;
    return int(1 + (sampleCount - window) / std::size_t(m_config.hopLength));
}

float MelSpectrogram::binCentreHz(int melBin) const
{
    if (melBin < 0 || melBin >= int(m_centresHz.size()))
        return 0.0f;
    return m_centresHz[std::size_t(melBin)];
}

std::vector<float> MelSpectrogram::compute(const float *samples, std::size_t count, int *frames) const
{
    const MelConfig &c = m_config;
    const int frameTotal = samples ? frameCount(count) : 0;
    if (frames)
        *frames = frameTotal;
    const std::size_t melBins = std::size_t(c.melBins);
    const std::size_t total = std::size_t(frameTotal);
    std::vector<float> out(melBins * total);
    if (total == 0)
        return out;

    const int bins = c.frequencyBins();
    RealFft fft(c.fftSize);
    std::vector<float> frame(std::size_t(c.fftSize), 0.0f);
    std::vector<float> power(static_cast<std::size_t>(bins));
    const float logFloor = std::log(c.floor);
    for (std::size_t t = 0; t < total; ++t) {
        const std::size_t start = t * std::size_t(c.hopLength);
        const std::size_t available = std::min<std::size_t>(std::size_t(c.windowLength), count - start);
        const float *in = samples + start;
        for (std::size_t n = 0; n < available; ++n)
            frame[n] = in[n] * m_window[n];
        // Only a clip shorter than one window leaves samples to zero; the padding past
        // windowLength was zeroed once and is never written.
        std::fill(frame.begin() + std::ptrdiff_t(available), frame.begin() + c.windowLength, 0.0f);
        fft.power(frame.data(), power.data());
        for (std::size_t m = 0; m < melBins; ++m) {
            const float *weights = m_filterbank.data() + m * std::size_t(bins);
            float sum = 0.0f;
            for (int k = m_bandStart[m]; k < m_bandEnd[m]; ++k)
                sum += weights[k] * power[std::size_t(k)];
            out[m * total + t] = sum > c.floor ? std::log(sum) : logFloor;
        }
    }
    return out;
}
