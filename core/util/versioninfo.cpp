#include "core/util/versioninfo.h"

#include "core/util/blasinfo.h"

#include <opencv2/core/version.hpp>
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
}

#include <QtCore/QtGlobal>

namespace {
QString ffmpegVersion(unsigned packed)
{
    return QStringLiteral("%1.%2.%3").arg(packed >> 16).arg((packed >> 8) & 0xff).arg(packed & 0xff);
}
} // namespace

QString versionReport()
{
    return QStringLiteral("FusionScope %1\n"
                          "  LibTorch %2\n"
                          "  Qt %3 (built against %4)\n"
                          "  OpenCV %5\n"
                          "  FFmpeg libavformat %6, libavcodec %7\n"
                          "  intra-op threads %8\n"
                          "  %9")
        .arg(QStringLiteral(FUSIONSCOPE_VERSION), QStringLiteral(TORCH_VERSION),
             QString::fromLatin1(qVersion()), QStringLiteral(QT_VERSION_STR),
             QStringLiteral(CV_VERSION), ffmpegVersion(avformat_version()),
             ffmpegVersion(avcodec_version()))
        .arg(at::get_num_threads())
        .arg(currentBlas().line());
}
