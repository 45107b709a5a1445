#pragma once

#include <QtCore/QString>

class QMimeData;

/** The dataset folder or manifest file a drag carries; "" when it carries neither. */
QString droppedDatasetPath(const QMimeData *mime);
