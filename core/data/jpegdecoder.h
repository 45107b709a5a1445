#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QString>

#include <opencv2/core.hpp>

/** What decodeJpeg made of a file: the pixels, or why not, and what libjpeg complained of. */
struct JpegDecodeResult
{
    cv::Mat bgr;     ///< 8-bit BGR, EXIF orientation applied; empty on error
    QString error;   ///< libjpeg's fatal error, as one sentence; empty on success
    QString warning; ///< first of libjpeg's warnings ("Corrupt JPEG data: ...") and how many
};

/**
 * Decodes a JPEG with libjpeg-turbo directly, the same pixels cv::imdecode(IMREAD_COLOR)
 * gives (same library, same output colour space, same CMYK conversion and EXIF orientation),
 * but with an error manager of ours: libjpeg's warnings about damaged scan data come back
 * as `warning` instead of going to the process's stderr, where OpenCV lets them fall and
 * no user links them to a sample. Thread-safe (one decompressor per call).
 */
JpegDecodeResult decodeJpeg(const QByteArray &bytes);
