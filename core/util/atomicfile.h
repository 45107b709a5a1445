#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QString>

/**
 * Replaces `path` with `bytes` so that a reader (or a crash, or a full disk) only ever sees
 * the old file or the complete new one: write PATH.tmp, check every write, fsync, rename,
 * fsync the folder. On failure the temp file is removed, the old file is untouched, and
 * `error` says which file and why ("No space left on device"). Any thread; never throws.
 */
bool writeFileAtomically(const QString &path, const char *data, qint64 size, QString *error);
bool writeFileAtomically(const QString &path, const QByteArray &bytes, QString *error);
