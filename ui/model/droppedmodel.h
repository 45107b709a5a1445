#pragma once

#include <QtCore/QString>

class QMimeData;

/** The model file (.pt, .pth, .torchscript) a drag carries; "" when it carries none. */
QString droppedModelPath(const QMimeData *mime);
