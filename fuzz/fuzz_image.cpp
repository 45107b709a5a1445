// The image path: the header probe over a memory buffer, the structure walk, then the file
// through readImageHeader and decodeImage (OpenCV) as a dataset's image would be read.
#include "core/data/imagedecoder.h"
#include "core/data/imageprobe.h"
#include "fuzz/scratchfile.h"

#include <QtCore/QBuffer>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

constexpr int kSize = 16;
// Far below the 40 MP default: a fuzzer decoding 40 MP per input would find only slowness.
constexpr qint64 kMaxPixels = 4'000'000;

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray bytes = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    QBuffer buffer;
    buffer.setData(bytes);
    buffer.open(QIODevice::ReadOnly);
    ImageHeader header;
    QString error;
    if (probeImageHeader(buffer, &header, &error))
        checkImageStructure(bytes, header.format);

    const QString path = ScratchFolder::instance().write(QStringLiteral("input.img"), data, size);
    ImageHeader fileHeader;
    readImageHeader(path, &fileHeader, &error);
    const DecodedImage image = decodeImage(path, kSize, kMaxPixels);
    if (image.ok() && image.chw.size() != std::size_t(3 * kSize * kSize)) {
        std::fprintf(stderr, "decodeImage succeeded with %zu bytes, not 3x%dx%d\n", image.chw.size(), kSize, kSize);
        std::abort();
    }
    return 0;
}
