#pragma once

#include <QtCore/QString>

/** "FusionScope 0.1.0 (LibTorch 1.13.1, Qt 6.4.2, OpenCV 4.6.0, FFmpeg libavformat 59.27.100)" */
QString versionReport();
