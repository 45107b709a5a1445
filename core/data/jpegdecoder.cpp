#include "core/data/jpegdecoder.h"

#include <opencv2/core.hpp>

#include <csetjmp>
#include <cstdio> // jpeglib.h needs FILE declared first
#include <cstring>
#include <jpeglib.h>

namespace {

/**
 * libjpeg reports through callbacks: a fatal error must not return (we longjmp back to
 * the decode call), and warnings go to output_message, which prints to stderr by default.
 * Only C frames (libjpeg's) lie between setjmp and longjmp, so no destructor is skipped.
 */
struct ErrorManager
{
    jpeg_error_mgr pub; // first, so libjpeg's jpeg_error_mgr* is ours too
    std::jmp_buf jump;
    char fatal[JMSG_LENGTH_MAX];
    char firstWarning[JMSG_LENGTH_MAX];
    int warnings;
};

ErrorManager *managerOf(j_common_ptr info)
{
    return reinterpret_cast<ErrorManager *>(info->err);
}

[[noreturn]] void onFatalError(j_common_ptr info)
{
    ErrorManager *manager = managerOf(info);
    (*info->err->format_message)(info, manager->fatal);
    std::longjmp(manager->jump, 1);
}

void onMessage(j_common_ptr info, int level)
{
    if (level >= 0)
        return; // trace messages: libjpeg's debugging chatter
    ErrorManager *manager = managerOf(info);
    if (manager->warnings++ == 0)
        (*info->err->format_message)(info, manager->firstWarning);
}

void printNothing(j_common_ptr) {}

unsigned readUnsigned(const JOCTET *p, int bytes, bool bigEndian)
{
    unsigned value = 0;
    for (int i = 0; i < bytes; ++i)
        value |= unsigned(p[bigEndian ? i : bytes - 1 - i]) << (8 * (bytes - 1 - i));
    return value;
}

/** The Orientation tag (0x0112) of IFD0 in an APP1 "Exif" segment; 1 (as stored) otherwise. */
int exifOrientation(const jpeg_saved_marker_ptr markers)
{
    for (jpeg_saved_marker_ptr m = markers; m; m = m->next) {
        if (m->marker != JPEG_APP0 + 1 || m->data_length < 14 || std::memcmp(m->data, "Exif\0\0", 6) != 0)
            continue;
        const JOCTET *tiff = m->data + 6;
        const unsigned size = m->data_length - 6;
        const bool big = tiff[0] == 'M' && tiff[1] == 'M';
        if (!big && !(tiff[0] == 'I' && tiff[1] == 'I'))
            return 1;
        const unsigned ifd = readUnsigned(tiff + 4, 4, big);
        if (ifd > size - 2)
            return 1;
        const unsigned count = readUnsigned(tiff + ifd, 2, big);
        for (unsigned i = 0; i < count; ++i) {
            const unsigned entry = ifd + 2 + 12 * i;
            if (entry > size - 12)
                return 1;
            if (readUnsigned(tiff + entry, 2, big) == 0x0112) {
                const int value = int(readUnsigned(tiff + entry + 8, 2, big));
                return value >= 1 && value <= 8 ? value : 1;
            }
        }
        return 1;
    }
    return 1;
}

/** EXIF orientation → upright, as OpenCV's ExifTransform does it. */
cv::Mat applyOrientation(const cv::Mat &image, int orientation)
{
    cv::Mat out;
    switch (orientation) {
    case 2: cv::flip(image, out, 1); return out;
    case 3: cv::flip(image, out, -1); return out;
    case 4: cv::flip(image, out, 0); return out;
    case 5: cv::transpose(image, out); return out;
    case 6: cv::transpose(image, out); cv::flip(out, out, 1); return out;
    case 7: cv::transpose(image, out); cv::flip(out, out, -1); return out;
    case 8: cv::transpose(image, out); cv::flip(out, out, 0); return out;
    default: return image;
    }
}

/** OpenCV's icvCvt_CMYK2BGR_8u_C4C3R, so CMYK files give the pixels they gave before. */
cv::Mat cmykToBgr(const cv::Mat &cmyk)
{
    cv::Mat bgr(cmyk.rows, cmyk.cols, CV_8UC3);
    for (int y = 0; y < cmyk.rows; ++y) {
        const uchar *in = cmyk.ptr<uchar>(y);
        uchar *out = bgr.ptr<uchar>(y);
        for (int x = 0; x < cmyk.cols; ++x, in += 4, out += 3) {
            const int k = in[3];
            out[2] = uchar(k - ((255 - in[0]) * k >> 8));
            out[1] = uchar(k - ((255 - in[1]) * k >> 8));
            out[0] = uchar(k - ((255 - in[2]) * k >> 8));
        }
    }
    return bgr;
}

/**
 * The libjpeg calls, with the setjmp that a fatal error returns to. Everything with a
 * destructor lives in the caller; *pixels is sized here, after the header is read.
 */
bool decompress(jpeg_decompress_struct *info, ErrorManager *errors, const QByteArray &bytes, cv::Mat *pixels,
                int *orientation)
{
    info->err = jpeg_std_error(&errors->pub);
    errors->pub.error_exit = onFatalError;
    errors->pub.emit_message = onMessage;
    errors->pub.output_message = printNothing;
    if (setjmp(errors->jump)) {
        jpeg_destroy_decompress(info);
        return false;
    }
    jpeg_create_decompress(info);
    jpeg_mem_src(info, reinterpret_cast<const unsigned char *>(bytes.constData()), static_cast<unsigned long>(bytes.size()));
    jpeg_save_markers(info, JPEG_APP0 + 1, 0xFFFF);
    jpeg_read_header(info, TRUE);
    *orientation = exifOrientation(info->marker_list);
    // As OpenCV asks: BGR straight from libjpeg-turbo, CMYK (and YCCK) as CMYK.
    const bool cmyk = info->num_components == 4;
    info->out_color_space = cmyk ? JCS_CMYK : JCS_EXT_BGR;
    jpeg_start_decompress(info);
    pixels->create(int(info->output_height), int(info->output_width), cmyk ? CV_8UC4 : CV_8UC3);
    while (info->output_scanline < info->output_height) {
        JSAMPROW row = pixels->ptr<uchar>(int(info->output_scanline));
        jpeg_read_scanlines(info, &row, 1);
    }
    jpeg_finish_decompress(info);
    jpeg_destroy_decompress(info);
    return true;
}

} // namespace

JpegDecodeResult decodeJpeg(const QByteArray &bytes)
{
    JpegDecodeResult result;
    jpeg_decompress_struct info{};
    ErrorManager errors{};
    cv::Mat pixels;
    int orientation = 1;
    if (!decompress(&info, &errors, bytes, &pixels, &orientation)) {
        result.error = QStringLiteral("cannot decode JPEG image: %1").arg(QString::fromLocal8Bit(errors.fatal));
        return result;
    }
    if (errors.warnings > 0) {
        result.warning = QStringLiteral("damaged JPEG data (libjpeg: \"%1\"").arg(QString::fromLocal8Bit(errors.firstWarning));
        if (errors.warnings > 1)
            result.warning += QStringLiteral(", and %1 more warnings").arg(errors.warnings - 1);
        result.warning += QLatin1Char(')');
    }
    result.bgr = applyOrientation(pixels.channels() == 4 ? cmykToBgr(pixels) : pixels, orientation);
    return result;
}
