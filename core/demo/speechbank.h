#pragma once

#include <QtCore/QString>
#include <functional>
#include <vector>

/**
 * Every colour word of Shapes-AV (and, for Objects-AV, every shape word) spoken by espeak-ng
 * in every voice and speed, trimmed,
 * resampled to 16 kHz mono and peak-normalised, synthesised once and kept in memory.
 * espeak-ng is not thread-safe: synthesise() runs on one thread (it serialises with any
 * other SpeechBank in the process); clip() is then safe from any number of threads.
 */
class SpeechBank
{
public:
    /** Fills the bank; false with a message (e.g. espeak-ng data missing) on failure. */
    bool synthesise(QString *error, const std::function<void(int done, int total)> &progress = {});

    /** Also speaks the shape names (Objects-AV); call before synthesise(). */
    void includeShapes() { m_withShapes = true; }
    /** 16 kHz mono clip of `colour` in voice `voice` at speed index `speed`. */
    const std::vector<float> &clip(int colour, int voice, int speed) const;
    /** The same for a shape's name (needs includeShapes()). */
    const std::vector<float> &shapeClip(int shape, int voice, int speed) const;

private:
    /** Words: the colours, then (with shapes) the shapes. */
    int slot(int word, int voice, int speed) const;
    int words() const;

    std::vector<std::vector<float>> m_clips;
    bool m_withShapes = false;
};

/** Windowed-sinc resampling of mono PCM (band-limited to the lower Nyquist rate). */
std::vector<float> resampleMono(const std::vector<float> &input, int fromRate, int toRate);
