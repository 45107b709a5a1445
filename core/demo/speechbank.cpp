#include "core/demo/speechbank.h"

#include "core/demo/shapesavscene.h"

#include <espeak-ng/speak_lib.h>
#include <cmath>
#include <numeric>
#include <mutex>

namespace {

std::mutex g_espeakMutex;          // espeak-ng keeps global state
bool g_espeakStarted = false;
int g_espeakRate = 0;
std::vector<short> *g_collectInto = nullptr; // target of the synthesis callback, under the mutex

int collectSamples(short *wav, int count, espeak_EVENT *)
{
    if (wav && count > 0 && g_collectInto)
        g_collectInto->insert(g_collectInto->end(), wav, wav + count);
    return 0;
}

bool startEspeak(QString *error)
{
    if (g_espeakStarted)
        return true;
    // DONT_EXIT: without it espeak-ng calls exit() when its data folder is missing.
    const int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr, espeakINITIALIZE_DONT_EXIT);
    if (rate <= 0) {
        *error = QStringLiteral("espeak-ng could not start: its voice data was not found "
                                "(install the espeak-ng-data package, or point ESPEAK_DATA_PATH at the folder "
                                "that holds espeak-ng-data)");
        return false;
    }
    espeak_SetSynthCallback(&collectSamples);
    g_espeakRate = rate;
    g_espeakStarted = true;
    return true;
}

/** Drops the leading and trailing near-silence espeak-ng pads words with. */
std::vector<float> trimSilence(const std::vector<float> &in, int rate)
{
    float peak = 0.0f;
    for (float v : in)
        peak = std::max(peak, std::fabs(v));
    const float threshold = peak * 0.02f;
    size_t first = 0;
    size_t last = in.size();
    while (first < last && std::fabs(in[first]) <= threshold)
        ++first;
    while (last > first && std::fabs(in[last - 1]) <= threshold)
        --last;
    const size_t margin = size_t(rate / 100); // keep 10 ms of the onset and decay
    first = first > margin ? first - margin : 0;
    last = std::min(in.size(), last + margin);
    return std::vector<float>(in.begin() + std::ptrdiff_t(first), in.begin() + std::ptrdiff_t(last));
}

} // namespace

std::vector<float> resampleMono(const std::vector<float> &input, int fromRate, int toRate)
{
    if (fromRate == toRate || input.empty() || fromRate <= 0 || toRate <= 0)
        return input;
    // Output n sits at input position n*from/to; its fractional part cycles through `to/g`
    // phases, so the windowed-sinc kernel is tabulated once per phase.
    const int g = std::gcd(fromRate, toRate);
    const long up = toRate / g;
    const long down = fromRate / g;
    const double cutoff = std::min(1.0, double(toRate) / fromRate);
    constexpr int kZeroCrossings = 16;
    const double halfWidth = kZeroCrossings / cutoff; // in input samples
    const int taps = int(std::ceil(halfWidth)) * 2 + 1;
    const int reach = taps / 2;
    std::vector<double> kernel(size_t(up) * size_t(taps), 0.0);
    for (long phase = 0; phase < up; ++phase) {
        const double fraction = double(phase) / double(up);
        for (int t = 0; t < taps; ++t) {
            const double x = fraction - (t - reach); // distance from the output position
            if (std::fabs(x) >= halfWidth)
                continue;
            const double arg = M_PI * cutoff * x;
            const double sinc = std::fabs(arg) < 1e-12 ? 1.0 : std::sin(arg) / arg;
            kernel[size_t(phase) * size_t(taps) + size_t(t)] = cutoff * sinc * (0.5 + 0.5 * std::cos(M_PI * x / halfWidth));
        }
    }
    const size_t outCount = size_t(double(input.size()) * up / down);
    std::vector<float> out(outCount);
    for (size_t n = 0; n < outCount; ++n) {
        const long position = long(n) * down;
        const long base = position / up;
        const double *row = &kernel[size_t(position % up) * size_t(taps)];
        double sum = 0.0;
        for (int t = 0; t < taps; ++t) {
            const long k = base + t - reach;
            if (k >= 0 && k < long(input.size()))
                sum += input[size_t(k)] * row[t];
        }
        out[n] = float(sum);
    }
    return out;
}

bool SpeechBank::synthesise(QString *error, const std::function<void(int, int)> &progress)
{
    std::lock_guard<std::mutex> lock(g_espeakMutex);
    if (!startEspeak(error))
        return false;

    const std::vector<ShapesAvVoice> &voices = shapesAvVoices();
    const std::vector<int> &speeds = shapesAvSpeeds();
    const int total = words() * int(voices.size()) * int(speeds.size());
    m_clips.assign(size_t(total), {});
    int done = 0;
    for (int voice = 0; voice < int(voices.size()); ++voice) {
        if (espeak_SetVoiceByName(voices[size_t(voice)].name) != EE_OK) {
            *error = QStringLiteral("espeak-ng has no voice '%1' (is the espeak-ng-data package complete?)")
                         .arg(QLatin1String(voices[size_t(voice)].name));
            return false;
        }
        espeak_SetParameter(espeakPITCH, voices[size_t(voice)].pitch, 0);
        for (int speed = 0; speed < int(speeds.size()); ++speed) {
            espeak_SetParameter(espeakRATE, speeds[size_t(speed)], 0);
            for (int colour = 0; colour < words(); ++colour) {
                const QByteArray word = (colour < kShapesAvColours ? shapesAvColourName(colour)
                                                                   : shapesAvShapeName(colour - kShapesAvColours)).toUtf8();
                std::vector<short> pcm;
                g_collectInto = &pcm;
                const espeak_ERROR status = espeak_Synth(word.constData(), size_t(word.size() + 1), 0, POS_CHARACTER, 0,
                                                         espeakCHARS_UTF8, nullptr, nullptr);
                g_collectInto = nullptr;
                if (status != EE_OK || pcm.empty()) {
                    *error = QStringLiteral("espeak-ng produced no audio for '%1' in voice %2")
                                 .arg(QString::fromUtf8(word), QLatin1String(voices[size_t(voice)].name));
                    return false;
                }
                std::vector<float> samples(pcm.size());
                for (size_t i = 0; i < pcm.size(); ++i)
                    samples[i] = pcm[i] / 32768.0f;
                std::vector<float> clip = resampleMono(trimSilence(samples, g_espeakRate), g_espeakRate, kShapesAvAudioRate);
                float peak = 1e-6f;
                for (float v : clip)
                    peak = std::max(peak, std::fabs(v));
                for (float &v : clip)
                    v *= 0.5f / peak; // leaves headroom for the per-sample gain and noise
                m_clips[size_t(slot(colour, voice, speed))] = std::move(clip);
                if (progress)
                    progress(++done, total);
            }
        }
    }
    return true;
}

const std::vector<float> &SpeechBank::clip(int colour, int voice, int speed) const
{
    return m_clips[size_t(slot(colour, voice, speed))];
}

const std::vector<float> &SpeechBank::shapeClip(int shape, int voice, int speed) const
{
    return m_clips[size_t(slot(kShapesAvColours + shape, voice, speed))];
}

int SpeechBank::words() const
{
    return kShapesAvColours + (m_withShapes ? kShapesAvShapes : 0);
}

int SpeechBank::slot(int word, int voice, int speed) const
{
    return (voice * int(shapesAvSpeeds().size()) + speed) * words() + word;
}
