#include "fuzz/scratchfile.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>

#include <cstdio>
#include <cstdlib>

namespace {

QString scratchTemplate()
{
    const QString shm = QStringLiteral("/dev/shm");
    const QString base = QFileInfo(shm).isWritable() ? shm : QDir::tempPath();
    return base + QStringLiteral("/fusionscope-fuzz-XXXXXX");
}

} // namespace

ScratchFolder &ScratchFolder::instance()
{
    static ScratchFolder folder;
    return folder;
}

ScratchFolder::ScratchFolder()
    : m_dir(scratchTemplate())
{
    if (!m_dir.isValid()) {
        std::fprintf(stderr, "fuzz: cannot create a scratch folder: %s\n", qPrintable(m_dir.errorString()));
        std::abort();
    }
    // Files the fuzzed manifests may point at: existence and size are all the reader checks.
    const QDir root(m_dir.path());
    for (const char *sub : {"images", "audio", "text"})
        root.mkpath(QString::fromLatin1(sub));
    const char bytes[] = "not decoded by the manifest reader";
    for (const char *name : {"images/a.png", "audio/a.wav", "text/a.txt"})
        write(QString::fromLatin1(name), reinterpret_cast<const std::uint8_t *>(bytes), sizeof bytes - 1);
}

QString ScratchFolder::write(const QString &name, const std::uint8_t *data, std::size_t size)
{
    const QString path = m_dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
        || file.write(reinterpret_cast<const char *>(data), qint64(size)) != qint64(size)) {
        std::fprintf(stderr, "fuzz: cannot write %s: %s\n", qPrintable(path), qPrintable(file.errorString()));
        std::abort();
    }
    return path;
}
