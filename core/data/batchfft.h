#pragma once

// Internal to core: the log-mel front end's transform (melspectrogram.cpp).

#include <cstdint>
#include <vector>

/** SIMD lanes, one frame each: four floats (SSE2, every x86-64) or eight (AVX2). */
using Lanes4 = float __attribute__((vector_size(16)));
using Lanes8 = float __attribute__((vector_size(32)));

#define FUSIONSCOPE_INLINE inline __attribute__((always_inline))

/** Floats starting on a 32-byte boundary. Lanes8 arrays live in these, not in a
 *  std::vector<Lanes8>: compiled without AVX, allocation assumes 16-byte alignment for the
 *  type, where the AVX2 code expects 32. Not copyable (the pointer is into the storage). */
class AlignedFloats
{
public:
    explicit AlignedFloats(std::size_t count)
        : m_storage(count + 8, 0.0f),
          m_data(reinterpret_cast<float *>((reinterpret_cast<std::uintptr_t>(m_storage.data()) + 31)
                                           & ~std::uintptr_t(31)))
    {
    }
    AlignedFloats(const AlignedFloats &) = delete;
    AlignedFloats &operator=(const AlignedFloats &) = delete;

    /** The storage as lanes of type V (count / lanes of them). */
    template <class V>
    V *as() { return reinterpret_cast<V *>(m_data); }

private:
    std::vector<float> m_storage;
    float *m_data;
};

/**
 * Power spectra of several real frames at once. Each value is a vector with one lane per
 * frame, so every step of the transform (bit reversal, butterflies, the real-input split) is
 * one SIMD operation without shuffles, where a frame-at-a-time transform vectorises only its
 * longer butterfly spans. A complex FFT of N/2 points over the even/odd samples, then one
 * split step to the N/2 + 1 bins. power() is inlined into its caller, so the caller's
 * target (AVX2 or not) decides the instructions; each lane computes exactly the same
 * operations either way. Holds scratch buffers: one instance per thread (forThread).
 */
class BatchFft
{
public:
    /** n: transform size, a power of two >= 2. */
    explicit BatchFft(int n);

    /** This thread's transform of size n; its tables are built once per thread, not per clip. */
    static BatchFft &forThread(int n);

    int size() const { return m_n; }
    int bins() const { return m_half + 1; }

    /**
     * frames[l] points at frame l's first sample; samples [0, windowLength) are read and
     * multiplied by window, the rest of the n-point frame is zero. power receives bins()
     * values |X[k]|², one lane per frame.
     */
    template <class V>
    FUSIONSCOPE_INLINE void power(const float *const *frames, const float *window, int windowLength, V *power);

private:
    template <class V>
    FUSIONSCOPE_INLINE void radix2(V *re, V *im, int span) const;
    template <class V>
    FUSIONSCOPE_INLINE void radix4(V *re, V *im, int span) const;
    template <class V>
    FUSIONSCOPE_INLINE void split(const V *re, const V *im, V *power) const;

    int m_n;
    int m_half;
    std::vector<int> m_bitReverse;
    std::vector<float> m_twRe, m_twIm, m_splitRe, m_splitIm;
    AlignedFloats m_re, m_im; ///< scratch, wide enough for either lane type
};

template <class V>
void BatchFft::power(const float *const *frames, const float *window, int windowLength, V *power)
{
    constexpr int lanes = int(sizeof(V) / sizeof(float));
    V *re = m_re.as<V>();
    V *im = m_im.as<V>();
    // Gathered straight into bit-reversed order, windowed on the way; past windowLength the
    // frame is zero padding.
    for (int r = 0; r < m_half; ++r) {
        const int n = 2 * m_bitReverse[std::size_t(r)];
        V even{}, odd{};
        if (n < windowLength) {
            for (int l = 0; l < lanes; ++l)
                even[l] = frames[l][n];
            even *= window[n];
        }
        if (n + 1 < windowLength) {
            for (int l = 0; l < lanes; ++l)
                odd[l] = frames[l][n + 1];
            odd *= window[n + 1];
        }
        re[r] = even;
        im[r] = odd;
    }
    // Spans 1 and 2 together (twiddles 1 and -i).
    for (int start = 0; start + 3 < m_half; start += 4) {
        V *r = re + start, *i = im + start;
        const V r0 = r[0] + r[1], i0 = i[0] + i[1], r1 = r[0] - r[1], i1 = i[0] - i[1];
        const V r2 = r[2] + r[3], i2 = i[2] + i[3], r3 = r[2] - r[3], i3 = i[2] - i[3];
        r[0] = r0 + r2; i[0] = i0 + i2;
        r[2] = r0 - r2; i[2] = i0 - i2;
        r[1] = r1 + i3; i[1] = i1 - r3; // (r3 + i i3) · -i = i3 - i r3
        r[3] = r1 - i3; i[3] = i1 + r3;
    }
    if (m_half == 2) {
        const V r0 = re[0], i0 = im[0];
        re[0] = r0 + re[1]; im[0] = i0 + im[1];
        re[1] = r0 - re[1]; im[1] = i0 - im[1];
    }
    // The remaining stages two at a time: half the passes over the data.
    int span = 4;
    for (; 2 * span < m_half; span <<= 2)
        radix4(re, im, span);
    if (span < m_half) // an odd number of stages leaves one
        radix2(re, im, span);
    split(re, im, power);
}

template <class V>
void BatchFft::radix2(V *re, V *im, int span) const
{
    const float *twRe = m_twRe.data() + (span - 1);
    const float *twIm = m_twIm.data() + (span - 1);
    for (int start = 0; start < m_half; start += 2 * span) {
        V *aRe = re + start, *aIm = im + start, *bRe = aRe + span, *bIm = aIm + span;
        for (int j = 0; j < span; ++j) {
            const V tRe = twRe[j] * bRe[j] - twIm[j] * bIm[j];
            const V tIm = twRe[j] * bIm[j] + twIm[j] * bRe[j];
            bRe[j] = aRe[j] - tRe;
            bIm[j] = aIm[j] - tIm;
            aRe[j] += tRe;
            aIm[j] += tIm;
        }
    }
}

/** Radix-2 stages `span` (twiddles w1) and 2·span (twiddles w2, and w2·(-i) for the upper
 *  half) over each block of 4·span points, kept in registers between the two. */
template <class V>
void BatchFft::radix4(V *re, V *im, int span) const
{
    const float *w1Re = m_twRe.data() + (span - 1), *w1Im = m_twIm.data() + (span - 1);
    const float *w2Re = m_twRe.data() + (2 * span - 1), *w2Im = m_twIm.data() + (2 * span - 1);
    for (int start = 0; start < m_half; start += 4 * span) {
        V *r0 = re + start, *r1 = r0 + span, *r2 = r1 + span, *r3 = r2 + span;
        V *i0 = im + start, *i1 = i0 + span, *i2 = i1 + span, *i3 = i2 + span;
        for (int j = 0; j < span; ++j) {
            const float a = w1Re[j], b = w1Im[j], c = w2Re[j], d = w2Im[j];
            const V t1Re = a * r1[j] - b * i1[j], t1Im = a * i1[j] + b * r1[j];
            const V t3Re = a * r3[j] - b * i3[j], t3Im = a * i3[j] + b * r3[j];
            const V b0Re = r0[j] + t1Re, b0Im = i0[j] + t1Im, b1Re = r0[j] - t1Re, b1Im = i0[j] - t1Im;
            const V b2Re = r2[j] + t3Re, b2Im = i2[j] + t3Im, b3Re = r2[j] - t3Re, b3Im = i2[j] - t3Im;
            const V u2Re = c * b2Re - d * b2Im, u2Im = c * b2Im + d * b2Re;
            const V u3Re = c * b3Im + d * b3Re, u3Im = -(c * b3Re - d * b3Im); // (w2 · b3) · -i
            r0[j] = b0Re + u2Re; i0[j] = b0Im + u2Im;
            r2[j] = b0Re - u2Re; i2[j] = b0Im - u2Im;
            r1[j] = b1Re + u3Re; i1[j] = b1Im + u3Im;
            r3[j] = b1Re - u3Re; i3[j] = b1Im - u3Im;
        }
    }
}

/** X[k] = E[k] + W^k O[k], E = (Z[k] + conj Z[M-k]) / 2, O = -i (Z[k] - conj Z[M-k]) / 2.
 *  Bins k and M - k share E and O up to sign (W^(M-k) = -conj W^k): one pass does both. */
template <class V>
void BatchFft::split(const V *re, const V *im, V *power) const
{
    const int h = m_half;
    power[0] = (re[0] + im[0]) * (re[0] + im[0]);
    power[h] = (re[0] - im[0]) * (re[0] - im[0]);
    for (int k = 1; k <= h / 2; ++k) {
        const V aRe = re[k], aIm = im[k], bRe = re[h - k], bIm = im[h - k];
        const V eRe = 0.5f * (aRe + bRe), eIm = 0.5f * (aIm - bIm);
        const V oRe = 0.5f * (aIm + bIm), oIm = -0.5f * (aRe - bRe);
        const float wRe = m_splitRe[std::size_t(k)], wIm = m_splitIm[std::size_t(k)];
        const V pRe = wRe * oRe - wIm * oIm, pIm = wRe * oIm + wIm * oRe;
        const V xRe = eRe + pRe, xIm = eIm + pIm;
        const V yRe = eRe - pRe, yIm = pIm - eIm;
        power[k] = xRe * xRe + xIm * xIm;
        power[h - k] = yRe * yRe + yIm * yIm;
    }
}
