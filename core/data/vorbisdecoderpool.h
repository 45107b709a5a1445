#pragma once

// Internal to core: audiodecoder.cpp keeps one opened Vorbis decoder per decoding thread.

#include <cstddef>
#include <cstdint>

struct AVCodecContext;

/**
 * The last Vorbis decoder the calling thread opened, kept for the next file with the same
 * headers: building a Vorbis decoder's codebooks costs more than decoding a one-second clip,
 * and a dataset's clips usually come from one encoder setting. A decoder is flushed before
 * reuse, which returns it to the state avcodec_open2 leaves. Per thread: no locking.
 */
class VorbisDecoderPool
{
public:
    /** This thread's decoder if it was opened for exactly these headers (then the caller
     *  owns it), else null. */
    static AVCodecContext *take(const std::uint8_t *extradata, std::size_t size);
    /** Keeps *used (a Vorbis decoder that went through a clean file) for this thread and
     *  nulls *used; frees the one kept before. Anything else is left with the caller. */
    static void keep(AVCodecContext **used);
};
