#pragma once

#include <QtCore/QString>

/**
 * Copies a model file to `target` atomically: the bytes go to a temporary file beside the
 * target (QSaveFile), renamed over it only when complete, so a failure leaves no partial
 * file. False with one sentence naming the file and the reason. Any thread; the copy of a
 * FusionScope model (a few MB) takes milliseconds.
 */
bool copyModelFile(const QString &source, const QString &target, QString *error);
