#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QString>

struct AVInputFormat;

/**
 * Demuxers allowed to read a dataset's audio: containers that hold their media in the one
 * file. Playlists and manifests (hls, dash, concat, sdp, rtp/rtsp, image2 patterns …) open
 * further files or URLs named inside them, which would read outside the dataset folder or
 * the network, and a live HLS playlist waits for segments forever.
 */
bool allowedDemuxer(const AVInputFormat *format);

/** Demuxers that open what their input names (for the message: either way they are refused). */
bool readsOtherInputs(const AVInputFormat *format);

/** Why the WAV file at path is cut short, from its own header; empty when it is not (or is no
 *  WAV). FFmpeg's WAV demuxer quietly shrinks a data chunk that runs past the end of the file. */
QString wavTruncation(const QByteArray &path);

/** The container, when the file's first bytes name it unambiguously (the same test the
 *  demuxer's own probe makes), so FFmpeg need not try all ~300 demuxers' probes on it; for
 *  a small Ogg file (up to 4 MB) also its bytes in *whole, for OggVorbisStream. nullptr when
 *  the bytes do not decide it (FFmpeg probes) or the file cannot be opened (FFmpeg says why). */
const AVInputFormat *sniffContainer(const QByteArray &path, QByteArray *whole);
