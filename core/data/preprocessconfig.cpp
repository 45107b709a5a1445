#include "core/data/preprocessconfig.h"

#include <algorithm>
#include <cmath>

#include <QtCore/QCryptographicHash>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>

namespace {

QJsonArray toArray(const float (&values)[3])
{
    return {double(values[0]), double(values[1]), double(values[2])};
}

void fromArray(const QJsonValue &value, float (&values)[3])
{
    const QJsonArray array = value.toArray();
    if (array.size() != 3)
        return;
    for (int i = 0; i < 3; ++i)
        values[i] = float(array.at(i).toDouble(values[i]));
}

} // namespace

int PreprocessConfig::audioFrames() const
{
    const double seconds = audioSeconds > 0.0 ? audioSeconds : maxAudioSeconds;
    // A damaged meta.json may hold any number here (the fuzzer found -86601 s): nothing negative,
    // NaN or absurd reaches the cast; 2^30 samples is over six hours at 48 kHz.
    const double wanted = seconds * double(mel.sampleRate);
    const double bounded = std::isfinite(wanted) ? std::clamp(wanted, 0.0, double(1 << 30)) : 0.0;
    const auto samples = static_cast<std::size_t>(bounded + 0.5);
    return MelSpectrogram(mel).frameCount(samples); // rare call; the filterbank costs microseconds
}

QJsonObject PreprocessConfig::toJson() const
{
    return {
        {QStringLiteral("image_size"), imageSize},
        {QStringLiteral("image_mean"), toArray(imageMean)},
        {QStringLiteral("image_std"), toArray(imageStd)},
        {QStringLiteral("sample_rate"), mel.sampleRate},
        {QStringLiteral("window_length"), mel.windowLength},
        {QStringLiteral("hop_length"), mel.hopLength},
        {QStringLiteral("fft_size"), mel.fftSize},
        {QStringLiteral("mel_bins"), mel.melBins},
        {QStringLiteral("min_hz"), double(mel.minHz)},
        {QStringLiteral("max_hz"), double(mel.maxHz)},
        {QStringLiteral("log_floor"), double(mel.floor)},
        {QStringLiteral("audio_seconds"), audioSeconds},
        {QStringLiteral("max_audio_seconds"), maxAudioSeconds},
        {QStringLiteral("audio_frames"), audioFrames()},
        {QStringLiteral("mel_mean"), double(melMean)},
        {QStringLiteral("mel_std"), double(melStd)},
        {QStringLiteral("vocab_size"), vocabSize},
        {QStringLiteral("text_length"), textLength},
    };
}

PreprocessConfig PreprocessConfig::fromJson(const QJsonObject &json)
{
    PreprocessConfig c;
    c.imageSize = json.value(QStringLiteral("image_size")).toInt(c.imageSize);
    fromArray(json.value(QStringLiteral("image_mean")), c.imageMean);
    fromArray(json.value(QStringLiteral("image_std")), c.imageStd);
    c.mel.sampleRate = json.value(QStringLiteral("sample_rate")).toInt(c.mel.sampleRate);
    c.mel.windowLength = json.value(QStringLiteral("window_length")).toInt(c.mel.windowLength);
    c.mel.hopLength = json.value(QStringLiteral("hop_length")).toInt(c.mel.hopLength);
    c.mel.fftSize = json.value(QStringLiteral("fft_size")).toInt(c.mel.fftSize);
    c.mel.melBins = json.value(QStringLiteral("mel_bins")).toInt(c.mel.melBins);
    c.mel.minHz = float(json.value(QStringLiteral("min_hz")).toDouble(c.mel.minHz));
    c.mel.maxHz = float(json.value(QStringLiteral("max_hz")).toDouble(c.mel.maxHz));
    c.mel.floor = float(json.value(QStringLiteral("log_floor")).toDouble(c.mel.floor));
    c.audioSeconds = json.value(QStringLiteral("audio_seconds")).toDouble(c.audioSeconds);
    c.maxAudioSeconds = json.value(QStringLiteral("max_audio_seconds")).toDouble(c.maxAudioSeconds);
    c.melMean = float(json.value(QStringLiteral("mel_mean")).toDouble(c.melMean));
    c.melStd = float(json.value(QStringLiteral("mel_std")).toDouble(c.melStd));
    c.vocabSize = json.value(QStringLiteral("vocab_size")).toInt(c.vocabSize);
    c.textLength = json.value(QStringLiteral("text_length")).toInt(c.textLength);
    return c;
}

QByteArray PreprocessConfig::decodeKey() const
{
    // Only what changes the cached bytes: normalisation, duration and text happen later.
    const QJsonObject key{
        {QStringLiteral("cache_format"), 1},
        {QStringLiteral("image_size"), imageSize},
        {QStringLiteral("sample_rate"), mel.sampleRate},
        {QStringLiteral("window_length"), mel.windowLength},
        {QStringLiteral("hop_length"), mel.hopLength},
        {QStringLiteral("fft_size"), mel.fftSize},
        {QStringLiteral("mel_bins"), mel.melBins},
        {QStringLiteral("min_hz"), double(mel.minHz)},
        {QStringLiteral("max_hz"), double(mel.maxHz)},
        {QStringLiteral("log_floor"), double(mel.floor)},
        {QStringLiteral("max_audio_seconds"), maxAudioSeconds},
    };
    return QCryptographicHash::hash(QJsonDocument(key).toJson(QJsonDocument::Compact),
                                    QCryptographicHash::Sha1)
        .toHex()
        .left(16);
}
