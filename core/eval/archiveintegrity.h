#pragma once

#include <QtCore/QString>

/**
 * Checks a model file before torch reads it, because LibTorch's zip reader trusts the file:
 * it skips the CRC-32s (a flipped weight byte loads as a different model) and sizes a tensor
 * by the pickle's element count, not by the bytes its storage record holds (a truncated
 * storage is read past its end). Torch-free; any thread.
 *
 * Checks, in order: the file is a regular file (a FIFO, folder or device is refused at once,
 * never opened for reading), the central directory is whole, every entry lies inside the file
 * with a matching local header, every stored entry's CRC-32 matches, and every tensor storage
 * named by data.pkl / constants.pkl holds at least numel x element-size bytes.
 * Returns empty when the archive is sound, else one sentence naming the file and the entry.
 */
QString verifyModelArchive(const QString &path);

/** Empty for a regular file; else "PATH is a FIFO ..." from stat(), without opening it. */
QString regularFileProblem(const QString &path);

/** CRC-32 (zip's polynomial) of size bytes; pass the previous value to continue a running sum. */
quint32 zipCrc32(const void *data, qint64 size, quint32 previous = 0);
