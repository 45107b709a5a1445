#include "core/data/vorbisdecoderpool.h"

#include <cstring>
#include <utility>

extern "C" {
#include <libavcodec/avcodec.h>
}

namespace {

/** Frees the kept decoder when its thread ends. */
struct Kept
{
    AVCodecContext *codec = nullptr;
    ~Kept() { avcodec_free_context(&codec); }
};

thread_local Kept t_kept;

} // namespace

AVCodecContext *VorbisDecoderPool::take(const std::uint8_t *extradata, std::size_t size)
{
    AVCodecContext *codec = t_kept.codec;
    if (!codec || size == 0 || std::size_t(codec->extradata_size) != size
        || std::memcmp(codec->extradata, extradata, size) != 0)
        return nullptr;
    avcodec_flush_buffers(codec);
    return std::exchange(t_kept.codec, nullptr);
}

void VorbisDecoderPool::keep(AVCodecContext **used)
{
    if (!*used || (*used)->codec_id != AV_CODEC_ID_VORBIS)
        return;
    avcodec_free_context(&t_kept.codec);
    t_kept.codec = std::exchange(*used, nullptr);
}
