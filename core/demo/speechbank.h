#pragma once

#include <QtCore/QString>
#include <functional>
#include <vector>

/**
 * Every colour word of Shapes-AV spoken by espeak-ng in every voice and speed, trimmed,
 * resampled to 16 kHz mono and peak-normalised, synthesised once and kept in memory.
 * espeak-ng is not thread-safe: synthesise() runs on one thread (it serialises with any
 * other SpeechBank in the process); clip() is then safe from any number of threads.
 */
class SpeechBank
{
public:
    /** Fills the bank; false with a message (e.g. espeak-ng data missing) on failure. */
    bool synthesise(QString *error, const std::function<void(int done, int total)> &progress = {});

    /** 16 kHz mono clip of `colour` in voice `voice` at speed index `speed`. */
    const std::vector<float> &clip(int colour, int voice, int speed) const;

private:
    int slot(int colour, int voice, int speed) const;

    std::vector<std::vector<float>> m_clips;
};

/** Windowed-sinc resampling of mono PCM (band-limited to the lower Nyquist rate). */
std::vector<float> resampleMono(const std::vector<float> &input, int fromRate, int toRate);
