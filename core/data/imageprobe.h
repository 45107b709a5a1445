#pragma once

// Internal to core: the pieces of image decoding that run before OpenCV sees a byte.

#include "core/data/imagedecoder.h"

#include <QtCore/QByteArray>

class QIODevice;

/** Reads width/height from an open, seekable device's header; false with a reason if unknown. */
bool probeImageHeader(QIODevice &device, ImageHeader *header, QString *error);

/**
 * Walks a whole file's structure (PNG chunks and CRCs, JPEG markers to EOI, BMP and WebP
 * sizes) so a truncated or corrupt file is refused with a clear reason instead of reaching
 * a decoder that prints to stderr. Returns "" when the file looks complete.
 */
QString checkImageStructure(const QByteArray &bytes, const QString &format);
