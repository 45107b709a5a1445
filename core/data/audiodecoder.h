#pragma once

#include <QtCore/QString>
#include <vector>

/** Mono float PCM in [-1, 1] at a fixed sample rate. */
struct DecodedAudio
{
    std::vector<float> samples;
    int sampleRate = 16000;
    QString error; ///< why decoding failed; empty on success
    /** What a usable clip had wrong (NaN/Inf samples silenced, cut at maxSeconds); the
     *  samples are still good to use. Empty when nothing was noticed. */
    QString warning;

    bool ok() const { return error.isEmpty(); }
    double seconds() const { return sampleRate > 0 ? double(samples.size()) / sampleRate : 0.0; }
};

/**
 * Decodes the first audio stream of anything FFmpeg opens (wav, flac, mp3, ogg, m4a, or a
 * video file's sound track), mixed to mono and resampled to sampleRate. Stops after
 * maxSeconds so a multi-hour file cannot exhaust memory (maxSeconds <= 0: at most an hour).
 * A file cut short (its header declares more audio than it holds) is an error, as are a
 * file with no audio stream and anything FFmpeg cannot open. Only single-file containers are
 * read (no playlists), with FFmpeg's file protocol only. Thread-safe.
 */
DecodedAudio decodeAudio(const QString &path, int sampleRate = 16000, double maxSeconds = 60.0);

/** Container/codec choice for writing audio (demo data, test fixtures). */
enum class AudioFormat { Wav, Flac, Ogg, Mp3, M4a };

/**
 * Encodes mono float PCM to a file through FFmpeg. Bit-exact flags are set, so the same
 * samples give the same bytes. Writes to a temporary file and renames it on success.
 * Samples are clamped to [-1, 1]; MP3 may store a supported rate above sampleRate.
 * On failure returns false and *error says which file and why. Thread-safe.
 */
bool encodeAudio(const QString &path, const std::vector<float> &samples, int sampleRate,
                 AudioFormat format, QString *error);
