// The audio path: FFmpeg demux + decode + resample through decodeAudio. The decoder opens
// paths (FFmpeg probes and reopens by name), so each input is written to a scratch file on
// /dev/shm; that is the memory buffer, without a second entry point in the decoder.
#include "core/data/audiodecoder.h"
#include "fuzz/scratchfile.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QString path = ScratchFolder::instance().write(QStringLiteral("input.audio"), data, size);
    constexpr int kRate = 16000;
    constexpr double kMaxSeconds = 2.0;
    const DecodedAudio audio = decodeAudio(path, kRate, kMaxSeconds);
    if (!audio.ok())
        return 0;
    // A success is mono at the rate asked for and no longer than the cap (plus one frame).
    if (audio.sampleRate != kRate || audio.seconds() > kMaxSeconds + 0.5) {
        std::fprintf(stderr, "decodeAudio: %d Hz, %.3f s for a %d Hz, %.1f s request\n", audio.sampleRate,
                     audio.seconds(), kRate, kMaxSeconds);
        std::abort();
    }
    return 0;
}
