// Which FFmpeg demuxer may read a dataset's audio file, and what the file's own header says
// before FFmpeg sees it. Split from audiodecoder.cpp: these look at bytes and names only.
#include "core/data/audiocontainer.h"

#include <QtCore/QFile>
#include <QtCore/QSet>

#include <cstring>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

extern "C" {
#include <libavformat/avformat.h>
}

namespace {

// Ogg clips up to this size are read whole for the fast path (10 s of speech is ~50 KB).
constexpr qint64 kWholeFileBytes = qint64(4) << 20;

} // namespace

bool allowedDemuxer(const AVInputFormat *format)
{
    static const QSet<QByteArray> allowed = {
        "wav", "w64", "flac", "ogg", "mp3", "mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "aac", "ac3",
        "eac3", "aiff", "au", "caf", "amr", "amrnb", "amrwb", "ape", "asf", "avi", "flv", "mpeg",
        "mpegts", "wv", "tta", "dts", "dtshd", "truehd", "mlp", "voc", "mpc", "mpc8", "tak", "shn",
        "mxf", "nut", "rm", "sox", "dsf", "iff", "loas", "xwma", "ircam", "nistsphere", "vqf", "wsd", "gsm"};
    return format && allowed.contains(QByteArray(format->name));
}

bool readsOtherInputs(const AVInputFormat *format)
{
    static const QSet<QByteArray> named = {"hls", "dash", "concat", "ffconcat", "sdp", "rtp", "rtsp",
                                           "image2", "hds", "webm_dash_manifest", "mpd", "smil"};
    return named.contains(QByteArray(format->name));
}

QString wavTruncation(const QByteArray &path)
{
    QFile file(QFile::decodeName(path));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray head = file.read(1 << 16);
    const auto u32 = [&](qsizetype at) {
        const auto *b = reinterpret_cast<const unsigned char *>(head.constData() + at);
        return quint32(b[0]) | quint32(b[1]) << 8 | quint32(b[2]) << 16 | quint32(b[3]) << 24;
    };
    if (head.size() < 12 || !head.startsWith("RIFF") || head.mid(8, 4) != "WAVE")
        return {};
    for (qsizetype at = 12; at + 8 <= head.size();) {
        const quint32 size = u32(at + 4);
        if (head.mid(at, 4) == "data") {
            const qint64 present = file.size() - (at + 8);
            // 0 and 0xFFFFFFFF are what streaming writers leave when the length is unknown.
            if (size != 0 && size != 0xFFFFFFFFu && present < qint64(size))
                return QStringLiteral("truncated file: the WAV header declares %1 bytes of audio, the file holds %2")
                    .arg(size).arg(present);
            return {};
        }
        at += 8 + qsizetype(size) + (size & 1);
    }
    return {};
}

const AVInputFormat *sniffContainer(const QByteArray &path, QByteArray *whole)
{
    const int fd = ::open(path.constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return nullptr; // avformat_open_input reports why
    auto readInto = [fd](QByteArray *bytes, qsizetype from) {
        qsizetype got = from;
        while (got < bytes->size()) {
            const ssize_t n = ::read(fd, bytes->data() + got, std::size_t(bytes->size() - got));
            if (n <= 0)
                break;
            got += qsizetype(n);
        }
        return got;
    };
    QByteArray bytes(8, Qt::Uninitialized);
    const auto *head = reinterpret_cast<const unsigned char *>(bytes.constData());
    const bool ogg = readInto(&bytes, 0) == bytes.size() && std::memcmp(head, "OggS", 5) == 0 && head[5] <= 7;
    struct stat info;
    if (ogg && ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && info.st_size <= kWholeFileBytes) {
        bytes.resize(qsizetype(info.st_size));
        if (readInto(&bytes, 8) == bytes.size())
            *whole = std::move(bytes);
    }
    ::close(fd);
    static const AVInputFormat *const oggFormat = av_find_input_format("ogg");
    return ogg ? oggFormat : nullptr;
}
