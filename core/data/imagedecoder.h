#pragma once

#include <QtCore/QString>
#include <cstdint>
#include <vector>

/** Image dimensions read from a file's header without decoding its pixels. */
struct ImageHeader
{
    int width = 0;
    int height = 0;
    QString format; ///< "png", "jpeg", "bmp", "webp", "tiff", "gif"
};

/** Largest image decoded by default (40 megapixels); bigger claims are refused unread. */
inline constexpr qint64 kDefaultMaxImagePixels = 40'000'000;

/** An image decoded to RGB, resized to size×size, stored channel-major (CHW) as bytes. */
struct DecodedImage
{
    int size = 0;
    std::vector<std::uint8_t> chw; ///< 3*size*size bytes; empty on error
    int originalWidth = 0;
    int originalHeight = 0;
    QString error;                 ///< why decoding failed; empty on success
    QString warning;               ///< usable, but damaged (libjpeg's "Corrupt JPEG data"); empty if clean

    bool ok() const { return error.isEmpty(); }
};

/** Reads width/height from the header of PNG, JPEG, BMP, GIF, WebP or TIFF; false if unknown. */
bool readImageHeader(const QString &path, ImageHeader *header, QString *error);

/**
 * Decodes any image OpenCV reads (grayscale, alpha, 16-bit included) to 8-bit RGB at
 * size×size. Refuses, before allocating, an image whose header claims more than maxPixels.
 * Thread-safe.
 */
DecodedImage decodeImage(const QString &path, int size, qint64 maxPixels = kDefaultMaxImagePixels);
