#include "core/util/atomicfile.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace {

QString systemError(int code)
{
    return QString::fromLocal8Bit(std::strerror(code));
}

/** Loops over short writes; EINTR is retried, anything else (ENOSPC, EIO, EDQUOT) is an error. */
bool writeAll(int fd, const char *data, qint64 size, int *code)
{
    while (size > 0) {
        const ssize_t written = ::write(fd, data, size_t(size));
        if (written < 0) {
            if (errno == EINTR)
                continue;
            *code = errno;
            return false;
        }
        if (written == 0) { // a full device may report 0 rather than ENOSPC
            *code = ENOSPC;
            return false;
        }
        data += written;
        size -= written;
    }
    return true;
}

} // namespace

bool writeFileAtomically(const QString &path, const char *data, qint64 size, QString *error)
{
    const QString shown = QDir::toNativeSeparators(path);
    const bool existed = QFileInfo::exists(path);
    const auto fail = [&](const QString &why) {
        if (error) {
            *error = existed ? QStringLiteral("cannot write %1: %2 (the previous %1 is kept)").arg(shown, why)
                             : QStringLiteral("cannot write %1: %2").arg(shown, why);
        }
        return false;
    };
    const QString folder = QFileInfo(path).absolutePath();
    if (!QDir().mkpath(folder))
        return fail(QStringLiteral("cannot create the folder %1").arg(QDir::toNativeSeparators(folder)));
    const QByteArray target = QFile::encodeName(path);
    const QByteArray temp = target + ".tmp";
    const int fd = ::open(temp.constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return fail(systemError(errno));
    int code = 0;
    bool ok = writeAll(fd, data, size, &code);
    // Without fsync a power cut after the rename can leave an empty file under the old name;
    // on some file systems a full disk is only reported here or at close.
    if (ok && ::fsync(fd) != 0 && errno != EINVAL) {
        code = errno;
        ok = false;
    }
    if (::close(fd) != 0 && ok) {
        code = errno;
        ok = false;
    }
    if (ok && std::rename(temp.constData(), target.constData()) != 0) {
        code = errno;
        ok = false;
    }
    if (!ok) {
        ::unlink(temp.constData());
        return fail(systemError(code));
    }
    // The rename itself lives in the folder's entry table.
    const int dirFd = ::open(QFile::encodeName(folder).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirFd >= 0) {
        ::fsync(dirFd);
        ::close(dirFd);
    }
    return true;
}

bool writeFileAtomically(const QString &path, const QByteArray &bytes, QString *error)
{
    return writeFileAtomically(path, bytes.constData(), bytes.size(), error);
}
