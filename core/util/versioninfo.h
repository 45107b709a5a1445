#pragma once

#include <QtCore/QString>

/**
 * "FusionScope 0.1.0", then one line each: LibTorch, Qt, OpenCV, FFmpeg, intra-op threads and
 * "BLAS: OpenBLAS 0.3.21 (pthread) /usr/lib/…/libblas.so.3" (what --version and About show).
 */
QString versionReport();
