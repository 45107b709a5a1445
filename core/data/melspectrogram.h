#pragma once

#include <vector>

/** Parameters of the log-mel front end; recorded in every run and exported model. */
struct MelConfig
{
    int sampleRate = 16000;
    int windowLength = 400; ///< 25 ms at 16 kHz, Hann window
    int hopLength = 160;    ///< 10 ms
    int fftSize = 512;      ///< window zero-padded to this size
    int melBins = 64;
    float minHz = 0.0f;
    float maxHz = 8000.0f;
    float floor = 1e-10f;   ///< power floor before log; log(floor) is what silence gives

    int frequencyBins() const { return fftSize / 2 + 1; }
};

/**
 * Log-mel spectrogram: framed, Hann-windowed power spectrum through an HTK-scale triangular
 * mel filterbank, natural log. Plain C++ (no BLAS), so decoding threads never contend.
 * Immutable after construction; thread-safe.
 */
class MelSpectrogram
{
public:
    explicit MelSpectrogram(const MelConfig &config = {});

    const MelConfig &config() const { return m_config; }
    /** Number of frames for n samples (centre-less framing; at least 1 for n > 0). */
    int frameCount(std::size_t sampleCount) const;
    /** [melBins × frames], row-major (mel-major), log power. */
    std::vector<float> compute(const float *samples, std::size_t count, int *frames) const;
    /** Filterbank weights [melBins × frequencyBins], row-major. */
    const std::vector<float> &filterbank() const { return m_filterbank; }
    /** Centre frequency in Hz of a mel bin. */
    float binCentreHz(int melBin) const;

    static float hzToMel(float hz);
    static float melToHz(float mel);

private:
    MelConfig m_config;
    std::vector<float> m_window;
    std::vector<float> m_filterbank;
    std::vector<float> m_centresHz;
    // Non-zero span [start, end) of each filterbank row: the triangles are narrow, so the
    // mel projection touches ~2 weights per frequency bin instead of melBins.
    std::vector<int> m_bandStart;
    std::vector<int> m_bandEnd;
};
