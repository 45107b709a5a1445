#include "core/data/pathresolver.h"

#include <QtCore/QDir>
#include <QtCore/QFile>

#include <climits>
#include <cstdlib>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

// Folders kept open per resolver; a dataset with a folder per sample falls back to full paths.
constexpr int kMaxOpenFolders = 64;

/** True when the path holds no "." or ".." segment, no "//" and no trailing '/'. */
bool isLexicallyClean(const QString &p)
{
    const QChar *c = p.constData();
    const qsizetype n = p.size();
    for (qsizetype i = 0; i < n; ++i) {
        const bool segmentStart = i == 0 || c[i - 1].unicode() == '/';
        if (segmentStart && (c[i].unicode() == '.' || c[i].unicode() == '/'))
            return false;
    }
    return n > 0 && c[n - 1].unicode() != '/';
}

bool realPath(const char *path, QByteArray *out)
{
    char buffer[PATH_MAX];
    if (!::realpath(path, buffer))
        return false;
    *out = QByteArray(buffer);
    return true;
}

void appendUtf8(std::string *out, QStringView s)
{
    for (QChar c : s) {
        if (c.unicode() >= 0x80) { // rare: let Qt encode the whole name
            const QByteArray utf8 = s.toUtf8();
            out->append(utf8.constData(), std::size_t(utf8.size()));
            return;
        }
    }
    for (QChar c : s)
        out->push_back(char(c.unicode()));
}

} // namespace

PathResolver::PathResolver(const QString &root)
    : m_rootPrefix(root.endsWith(QLatin1Char('/')) ? root : root + QLatin1Char('/'))
{
    m_rootPrefixBytes = QFile::encodeName(m_rootPrefix);
    m_rootBytes = m_rootPrefixBytes.size() > 1 ? m_rootPrefixBytes.chopped(1) : m_rootPrefixBytes;
}

PathResolver::~PathResolver()
{
    for (const Folder &f : m_folders) {
        if (f.fd >= 0)
            ::close(f.fd);
    }
}

bool PathResolver::insideRoot(const QByteArray &realPath) const
{
    return realPath == m_rootBytes || realPath.startsWith(m_rootPrefixBytes);
}

QString PathResolver::describe(Status status)
{
    switch (status) {
    case Status::Ok: return QStringLiteral("ok");
    case Status::Missing: return QStringLiteral("file not found");
    case Status::Escapes: return QStringLiteral("path leaves the dataset folder");
    case Status::NotAFile: return QStringLiteral("not a regular file (a device or socket)");
    case Status::NulByte: return QStringLiteral("path contains a NUL byte");
    case Status::Directory: return QStringLiteral("a directory, not a file");
    case Status::Fifo: return QStringLiteral("a FIFO (named pipe), not a file; not opened, so the load cannot block on it");
    case Status::DanglingLink: return QStringLiteral("a symlink to nothing (dangling link)");
    case Status::Empty: return QStringLiteral("empty file (0 bytes)");
    }
    return {};
}

const PathResolver::Folder &PathResolver::folder(QStringView path)
{
    // Manifests list files folder by folder: the last folder is nearly always the next one.
    if (m_lastIndex >= 0 && path == m_lastFolder)
        return m_folders[std::size_t(m_lastIndex)];
    m_lastFolder = path.toString();
    const auto found = m_folderIndex.constFind(m_lastFolder);
    if (found != m_folderIndex.constEnd()) {
        m_lastIndex = *found;
        return m_folders[std::size_t(m_lastIndex)];
    }
    Folder f;
    QByteArray real;
    f.exists = realPath(QFile::encodeName(m_lastFolder).constData(), &real);
    if (f.exists) {
        f.inside = insideRoot(real);
        f.real = real.endsWith('/') ? real : real + '/';
        if (f.inside && m_openFolders < kMaxOpenFolders) {
            f.fd = ::open(f.real.constData(), O_PATH | O_DIRECTORY | O_CLOEXEC);
            m_openFolders += f.fd >= 0;
        }
    }
    m_folders.push_back(f);
    m_lastIndex = int(m_folders.size()) - 1;
    m_folderIndex.insert(m_lastFolder, m_lastIndex);
    return m_folders.back();
}

PathResolver::Result PathResolver::resolve(const QString &manifestPath)
{
    Result result;
    // The C calls below would stop at the NUL and open a different file than the one named.
    if (manifestPath.contains(QChar(0))) {
        result.status = Status::NulByte;
        return result;
    }
    QString path;
    // Not QDir::isAbsolutePath: in Qt 6 it builds a QFileInfo on every call.
    if (manifestPath.startsWith(QLatin1Char('/')))
        path = QDir::cleanPath(manifestPath);
    else if (isLexicallyClean(manifestPath))
        path = m_rootPrefix + manifestPath; // the common case: skip cleanPath's work
    else
        path = QDir::cleanPath(m_rootPrefix + manifestPath);
    if (!path.startsWith(m_rootPrefix) || path.size() == m_rootPrefix.size()) {
        result.status = Status::Escapes;
        return result;
    }

    // A symlinked folder that points outside escapes; so does a symlinked file.
    const qsizetype slash = path.lastIndexOf(QLatin1Char('/'));
    const Folder &dir = folder(QStringView(path).left(slash));
    if (!dir.exists || !dir.inside) {
        result.status = dir.exists ? Status::Escapes : Status::Missing;
        return result;
    }
    struct stat info;
    m_buffer.clear();
    if (dir.fd < 0)
        m_buffer.append(dir.real.constData(), std::size_t(dir.real.size()));
    appendUtf8(&m_buffer, QStringView(path).mid(slash + 1));
    const int statResult = dir.fd >= 0 ? ::fstatat(dir.fd, m_buffer.c_str(), &info, AT_SYMLINK_NOFOLLOW)
                                       : ::lstat(m_buffer.c_str(), &info);
    if (statResult != 0) {
        result.status = Status::Missing;
        return result;
    }
    if (S_ISLNK(info.st_mode)) {
        const QByteArray full = dir.real + QByteArray::fromStdString(dir.fd >= 0 ? m_buffer : m_buffer.substr(std::size_t(dir.real.size())));
        QByteArray target;
        if (!realPath(full.constData(), &target) || ::stat(target.constData(), &info) != 0) {
            result.status = Status::DanglingLink;
            return result;
        }
        if (!insideRoot(target)) {
            result.status = Status::Escapes;
            return result;
        }
    }
    if (!S_ISREG(info.st_mode)) {
        result.status = S_ISDIR(info.st_mode) ? Status::Directory
                        : S_ISFIFO(info.st_mode) ? Status::Fifo : Status::NotAFile;
        return result;
    }
    result.size = qint64(info.st_size);
    result.status = info.st_size == 0 ? Status::Empty : Status::Ok;
    result.path = std::move(path);
    return result;
}
