#include "core/data/imagedecoder.h"
#include "core/data/imageprobe.h"
#include "core/data/jpegdecoder.h"

#include <QtCore/QFile>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

// OpenCV's own guard (OPENCV_IO_MAX_IMAGE_PIXELS) is read once when libopencv_imgcodecs
// loads, before main(), so setting it from here has no effect. The real guard is the header
// probe below: every file reaches OpenCV only after its dimensions were read and checked.

namespace {

// Beyond this the file cannot be an image we would accept under any sane pixel limit.
constexpr qint64 kMaxFileBytes = qint64(1) << 30;

/** Exact, so a file one row over the limit never reads "40 MP, more than the 40 MP limit":
 *  8001×5000 is 40.005 MP. */
QString megapixels(qint64 pixels)
{
    if (pixels < 1'000'000)
        return QStringLiteral("%1 pixels").arg(pixels);
    QString figure = QString::number(pixels / 1'000'000) + QLatin1Char('.')
                     + QStringLiteral("%1").arg(pixels % 1'000'000, 6, 10, QLatin1Char('0'));
    while (figure.endsWith(QLatin1Char('0')))
        figure.chop(1);
    if (figure.endsWith(QLatin1Char('.')))
        figure.chop(1);
    return QStringLiteral("%1 MP").arg(figure);
}

inline uchar over(int colour, int alpha)
{
    // Composite over white: transparent areas become background, not black.
    return uchar((colour * alpha + 255 * (255 - alpha) + 127) / 255);
}

/** Any depth and channel layout OpenCV returns → 8-bit RGB. */
bool toRgb8(cv::Mat image, cv::Mat *rgb, QString *error)
{
    switch (image.depth()) {
    case CV_8U: break;
    case CV_8S: image.convertTo(image, CV_8U, 1.0, 128.0); break;
    case CV_16U: image.convertTo(image, CV_8U, 1.0 / 257.0); break;
    case CV_16S: image.convertTo(image, CV_8U, 1.0 / 257.0, 128.0); break;
    case CV_32F:
    case CV_64F: image.convertTo(image, CV_8U, 255.0); break; // float images are 0..1
    default: {
        cv::Mat scaled;
        cv::normalize(image, scaled, 0, 255, cv::NORM_MINMAX, CV_8U);
        image = scaled;
    }
    }
    const int channels = image.channels();
    if (channels == 1) {
        cv::cvtColor(image, *rgb, cv::COLOR_GRAY2RGB);
    } else if (channels == 3) {
        cv::cvtColor(image, *rgb, cv::COLOR_BGR2RGB);
    } else if (channels == 2 || channels == 4) {
        rgb->create(image.rows, image.cols, CV_8UC3);
        for (int y = 0; y < image.rows; ++y) {
            const uchar *in = image.ptr<uchar>(y);
            uchar *out = rgb->ptr<uchar>(y);
            for (int x = 0; x < image.cols; ++x, in += channels, out += 3) {
                if (channels == 2) {
                    out[0] = out[1] = out[2] = over(in[0], in[1]);
                } else { // BGRA
                    out[0] = over(in[2], in[3]);
                    out[1] = over(in[1], in[3]);
                    out[2] = over(in[0], in[3]);
                }
            }
        }
    } else {
        *error = QStringLiteral("unsupported image with %1 channels").arg(channels);
        return false;
    }
    return true;
}

} // namespace

DecodedImage decodeImage(const QString &path, int size, qint64 maxPixels)
{
    DecodedImage out;
    out.size = size;
    auto fail = [&out](const QString &why) {
        out.error = why;
        out.chw.clear();
        return out;
    };
    if (size <= 0 || size > 16384)
        return fail(QStringLiteral("invalid output size %1").arg(size));

    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot open: %1").arg(file.errorString()));
    if (file.size() == 0)
        return fail(QStringLiteral("empty file (0 bytes)"));
    ImageHeader header;
    QString why;
    if (!probeImageHeader(file, &header, &why))
        return fail(why);
    out.originalWidth = header.width;
    out.originalHeight = header.height;
    const qint64 pixels = qint64(header.width) * header.height;
    if (pixels > maxPixels) {
        return fail(QStringLiteral("image header claims %1×%2 pixels (%3), more than the %4 limit")
                        .arg(header.width).arg(header.height).arg(megapixels(pixels), megapixels(maxPixels)));
    }
    if (file.size() > kMaxFileBytes)
        return fail(QStringLiteral("file too large (%1 MiB)").arg(file.size() >> 20));
    if (!file.seek(0))
        return fail(QStringLiteral("cannot read: %1").arg(file.errorString()));
    const QByteArray bytes = file.readAll();
    if (bytes.size() != file.size())
        return fail(QStringLiteral("cannot read: %1").arg(file.errorString()));
    why = checkImageStructure(bytes, header.format);
    if (!why.isEmpty())
        return fail(why);

    try {
        // JPEG through our own libjpeg call, so its warnings become the sample's note rather
        // than stderr noise; everything else unchanged, so alpha and depth are ours to handle.
        cv::Mat decoded;
        if (header.format == QLatin1String("jpeg")) {
            JpegDecodeResult jpeg = decodeJpeg(bytes);
            if (!jpeg.error.isEmpty())
                return fail(jpeg.error);
            decoded = jpeg.bgr;
            out.warning = jpeg.warning;
        } else {
            const cv::Mat buffer(1, int(bytes.size()), CV_8U, const_cast<char *>(bytes.constData()));
            decoded = cv::imdecode(buffer, cv::IMREAD_UNCHANGED);
        }
        if (decoded.empty()) {
            if (header.format == QLatin1String("gif"))
                return fail(QStringLiteral("cannot decode GIF: this OpenCV build has no GIF decoder"));
            return fail(QStringLiteral("cannot decode %1 image (corrupt data or an unsupported variant)")
                            .arg(header.format.toUpper()));
        }
        out.originalWidth = decoded.cols; // after EXIF rotation
        out.originalHeight = decoded.rows;
        cv::Mat rgb;
        if (!toRgb8(decoded, &rgb, &why))
            return fail(why);
        if (rgb.cols != size || rgb.rows != size) {
            // Area averaging when shrinking avoids aliasing; bilinear when growing.
            const int interpolation = rgb.cols > size || rgb.rows > size ? cv::INTER_AREA : cv::INTER_LINEAR;
            cv::Mat resized;
            cv::resize(rgb, resized, cv::Size(size, size), 0, 0, interpolation);
            rgb = resized;
        }
        if (!rgb.isContinuous())
            rgb = rgb.clone();
        const std::size_t plane = std::size_t(size) * std::size_t(size);
        out.chw.resize(3 * plane);
        const uchar *hwc = rgb.ptr<uchar>(0);
        for (std::size_t i = 0; i < plane; ++i) {
            out.chw[i] = hwc[3 * i];
            out.chw[plane + i] = hwc[3 * i + 1];
            out.chw[2 * plane + i] = hwc[3 * i + 2];
        }
    } catch (const cv::Exception &e) {
        return fail(QStringLiteral("cannot decode: %1").arg(QString::fromStdString(e.err)));
    } catch (const std::exception &e) {
        return fail(QStringLiteral("cannot decode: %1").arg(QString::fromLocal8Bit(e.what())));
    }
    return out;
}
