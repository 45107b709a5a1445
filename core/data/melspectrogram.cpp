// Log-mel front end in plain C++: it runs inside the decoding threads, where a BLAS or
// torch call would contend with training for the cores.
#include "core/data/melspectrogram.h"
#include "core/data/batchfft.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace {

constexpr double kPi = 3.14159265358979323846;

int nextPowerOfTwo(int n)
{
    int p = 2;
    while (p < n && p < (1 << 24))
        p <<= 1;
    return p;
}

template <class V>
struct LaneBits;
template <>
struct LaneBits<Lanes4>
{
    using Type = std::int32_t __attribute__((vector_size(16)));
};
template <>
struct LaneBits<Lanes8>
{
    using Type = std::int32_t __attribute__((vector_size(32)));
};

/** Natural log, in place, of positive, normal (not subnormal), finite floats (Cephes' logf: a
 *  degree-8 polynomial around 1 plus the exponent, within ~2e-7 of std::log). A scalar log
 *  per mel value was a quarter of the front end's time. */
template <class V>
FUSIONSCOPE_INLINE void logLanes(V &x)
{
    using Bits = typename LaneBits<V>::Type;
    Bits bits;
    std::memcpy(&bits, &x, sizeof bits);
    // x = m · 2^e with m in [0.5, 1).
    Bits exponent = ((bits >> 23) & 0xff) - 126;
    bits = (bits & 0x007fffff) | 0x3f000000;
    V m;
    std::memcpy(&m, &bits, sizeof m);
    // Keep m in [sqrt(0.5), sqrt(2)) so the polynomial sees |m - 1| < 0.42.
    const Bits small = m < 0.707106781186547524f;
    exponent += small; // true lanes are -1
    m = (small ? m + m : m) - 1.0f;
    const V e = __builtin_convertvector(exponent, V);
    const V z = m * m;
    V y = V{} + 7.0376836292e-2f;
    y = y * m - 1.1514610310e-1f;
    y = y * m + 1.1676998740e-1f;
    y = y * m - 1.2420140846e-1f;
    y = y * m + 1.4249322787e-1f;
    y = y * m - 1.6668057665e-1f;
    y = y * m + 2.0000714765e-1f;
    y = y * m - 2.4999993993e-1f;
    y = y * m + 3.3333331174e-1f;
    y = y * m * z;
    y += -2.12194440e-4f * e;
    y += -0.5f * z;
    x = m + y + 0.693359375f * e;
}

/** One clip's work for melFrames: read-only inputs, the output and the scratch it fills. */
struct MelJob
{
    const MelConfig *config;
    const float *source;      ///< samples, at least windowLength of them
    std::size_t total;        ///< frames
    const float *window;
    const float *filterbank;  ///< [melBins × bins]
    const int *bandStart;
    const int *bandEnd;
    float *out;               ///< [melBins × total]
    BatchFft *fft;
    AlignedFloats *power;     ///< room for bins() lanes
    AlignedFloats *sums;      ///< room for melBins lanes
};

/** Frames lanes-at-a-time through the transform, the mel filterbank and the log; the last
 *  batch repeats its final frame in the unused lanes. */
template <class V>
FUSIONSCOPE_INLINE void melFrames(const MelJob &job)
{
    constexpr int lanes = int(sizeof(V) / sizeof(float));
    using Bits = typename LaneBits<V>::Type;
    const MelConfig &c = *job.config;
    const std::size_t melBins = std::size_t(c.melBins);
    const std::size_t bins = std::size_t(c.frequencyBins());
    const std::size_t total = job.total;
    V *power = job.power->as<V>();
    V *sums = job.sums->as<V>();
    const float logFloor = std::log(c.floor);
    constexpr float kSmallest = std::numeric_limits<float>::min(), kLargest = std::numeric_limits<float>::max();
    for (std::size_t t0 = 0; t0 < total; t0 += lanes) {
        const float *frames[lanes];
        for (int l = 0; l < lanes; ++l)
            frames[l] = job.source + std::min(t0 + std::size_t(l), total - 1) * std::size_t(c.hopLength);
        job.fft->power(frames, job.window, c.windowLength, power);
        const std::size_t used = std::min<std::size_t>(lanes, total - t0);
        for (std::size_t m = 0; m < melBins; ++m) {
            const float *weights = job.filterbank + m * bins;
            V sum{};
            for (int k = job.bandStart[m]; k < job.bandEnd[m]; ++k)
                sum += weights[k] * power[std::size_t(k)];
            sums[m] = sum;
        }
        // Apart from the sums, so the logs of different bins overlap in the pipeline.
        Bits unusual{};
        for (std::size_t m = 0; m < melBins; ++m) {
            const V sum = sums[m];
            const Bits above = sum > c.floor;
            const Bits normal = (sum >= kSmallest) & (sum <= kLargest);
            unusual |= above & ~normal;
            V logs = normal ? sum : V{} + 1.0f;
            logLanes(logs);
            logs = above & normal ? logs : V{} + logFloor; // silence, and NaN from a broken input
            float *row = job.out + m * total + t0;
            for (std::size_t l = 0; l < used; ++l)
                row[l] = logs[l];
        }
        bool anyUnusual = false;
        for (int l = 0; l < lanes; ++l)
            anyUnusual |= unusual[l] != 0;
        if (anyUnusual) { // a subnormal floor, an infinite sum
            for (std::size_t m = 0; m < melBins; ++m) {
                for (std::size_t l = 0; l < used; ++l) {
                    const float sum = sums[m][l];
                    if (sum > c.floor && !(sum >= kSmallest && sum <= kLargest))
                        job.out[m * total + t0 + l] = std::log(sum);
                }
            }
        }
    }
}

void melFramesBaseline(const MelJob &job)
{
    melFrames<Lanes4>(job);
}

#if defined(__x86_64__) && defined(__GNUC__)
// Eight lanes with AVX2 where the CPU has it (bit-identical: the same operations per lane,
// and no FMA contraction); four with SSE2 elsewhere.
__attribute__((target("avx2"))) void melFramesAvx2(const MelJob &job)
{
    melFrames<Lanes8>(job);
}

void melFramesBest(const MelJob &job)
{
    static const bool avx2 = __builtin_cpu_supports("avx2");
    if (avx2)
        melFramesAvx2(job);
    else
        melFramesBaseline(job);
}
#else
void melFramesBest(const MelJob &job)
{
    melFramesBaseline(job);
}
#endif

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

    // A clip shorter than one window is zero-padded to one.
    std::vector<float> padded;
    const float *source = samples;
    if (count < std::size_t(c.windowLength)) {
        padded.assign(std::size_t(c.windowLength), 0.0f);
        std::copy(samples, samples + count, padded.begin());
        source = padded.data();
    }
    BatchFft &fft = BatchFft::forThread(c.fftSize);
    AlignedFloats power(std::size_t(fft.bins()) * 8);
    AlignedFloats sums(melBins * 8);
    const MelJob job{&c, source, total, m_window.data(), m_filterbank.data(), m_bandStart.data(),
                     m_bandEnd.data(), out.data(), &fft, &power, &sums};
    melFramesBest(job);
    return out;
}
