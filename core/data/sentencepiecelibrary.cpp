#include "core/data/sentencepiecelibrary.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QStringList>

#include <dlfcn.h>

namespace {

const char kModuleFileName[] = "libfusionscope_sentencepiece.so";

/**
 * Where to look, in order: next to an installed binary (../lib/fusionscope), the build tree
 * (a path relative to the executable's folder, so no build path is baked in), beside the binary.
 */
QStringList candidatePaths()
{
    QStringList paths;
    // /proc/self/exe works without a QCoreApplication (applicationDirPath needs one).
    const QString exe = QFileInfo(QStringLiteral("/proc/self/exe")).canonicalFilePath();
    if (!exe.isEmpty()) {
        const QDir dir = QFileInfo(exe).absoluteDir();
        const QString name = QString::fromLatin1(kModuleFileName);
        paths << QDir::cleanPath(dir.filePath(QStringLiteral("../lib/fusionscope/") + name));
#ifdef FUSIONSCOPE_SENTENCEPIECE_MODULE_BUILD_PATH
        paths << QDir::cleanPath(dir.filePath(QStringLiteral(FUSIONSCOPE_SENTENCEPIECE_MODULE_BUILD_PATH "/") + name));
#endif
        paths << dir.filePath(name);
    }
    paths.removeDuplicates();
    return paths;
}

/**
 * dlopen() that also works under AddressSanitizer: its interceptor refuses RTLD_DEEPBIND
 * (CheckNoDeepBind aborts), so sanitizer builds call the C library's dlopen directly. The
 * module itself is built uninstrumented there (top-level CMakeLists.txt).
 */
void *openModule(const char *path, int flags)
{
#if defined(__SANITIZE_ADDRESS__)
#define FUSIONSCOPE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUSIONSCOPE_ASAN 1
#endif
#endif
#ifdef FUSIONSCOPE_ASAN
    using DlopenFn = void *(*)(const char *, int);
    static const auto libcDlopen = reinterpret_cast<DlopenFn>(dlsym(RTLD_NEXT, "dlopen"));
    if (libcDlopen)
        return libcDlopen(path, flags);
#endif
    return dlopen(path, flags);
}

template<typename Fn>
bool resolve(void *handle, const char *name, Fn *out, QString *error)
{
    *out = reinterpret_cast<Fn>(dlsym(handle, name));
    if (!*out)
        *error = QStringLiteral("it lacks the symbol %1").arg(QString::fromLatin1(name));
    return *out != nullptr;
}

} // namespace

const SentencePieceLibrary &SentencePieceLibrary::instance()
{
    static const SentencePieceLibrary library;
    return library;
}

SentencePieceLibrary::SentencePieceLibrary()
{
    // An explicit override must not silently fall back to another copy.
    const QString overridePath = qEnvironmentVariable("FUSIONSCOPE_SENTENCEPIECE_MODULE");
    const QStringList paths = overridePath.isEmpty() ? candidatePaths() : QStringList{overridePath};
    QStringList failures;
    for (const QString &path : paths) {
        QString why;
        if (tryLoad(path, &why)) {
            m_loaded = true;
            m_path = path;
            return;
        }
        failures << QStringLiteral("%1 (%2)").arg(path, why);
    }
    m_error = QStringLiteral("cannot load the SentencePiece module %1; tried: %2")
                  .arg(QString::fromLatin1(kModuleFileName), failures.join(QStringLiteral("; ")));
    if (!overridePath.isEmpty())
        m_error += QStringLiteral(" (set by FUSIONSCOPE_SENTENCEPIECE_MODULE)");
}

bool SentencePieceLibrary::tryLoad(const QString &path, QString *error)
{
    if (!QFileInfo::exists(path)) {
        *error = QStringLiteral("no such file");
        return false;
    }
    // LOCAL keeps libsentencepiece's exported protobuf out of the global scope; DEEPBIND makes
    // it resolve its own protobuf copy first instead of LibTorch's incompatible libprotobuf.
    void *handle = openModule(QFile::encodeName(path).constData(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
    if (!handle) {
        *error = QString::fromLocal8Bit(dlerror());
        return false;
    }
    FsSpAbiVersionFn version = nullptr;
    bool ok = resolve(handle, "fs_sp_abi_version", &version, error);
    if (ok && version() != FS_SP_ABI_VERSION) {
        *error = QStringLiteral("interface version %1, expected %2").arg(version()).arg(FS_SP_ABI_VERSION);
        ok = false;
    }
    ok = ok && resolve(handle, "fs_sp_free", &free, error)
         && resolve(handle, "fs_sp_train", &train, error)
         && resolve(handle, "fs_sp_load", &load, error)
         && resolve(handle, "fs_sp_destroy", &destroy, error)
         && resolve(handle, "fs_sp_piece_count", &pieceCount, error)
         && resolve(handle, "fs_sp_special_ids", &specialIds, error)
         && resolve(handle, "fs_sp_encode_ids", &encodeIds, error)
         && resolve(handle, "fs_sp_encode_pieces", &encodePieces, error)
         && resolve(handle, "fs_sp_decode", &decode, error);
    // On success the handle stays open for the life of the process: models point into it.
    if (!ok) {
        dlclose(handle);
        free = nullptr;
        train = nullptr;
        load = nullptr;
        destroy = nullptr;
        pieceCount = nullptr;
        specialIds = nullptr;
        encodeIds = nullptr;
        encodePieces = nullptr;
        decode = nullptr;
    }
    return ok;
}

std::string SentencePieceLibrary::take(char *buffer, size_t size) const
{
    std::string out;
    if (buffer) {
        out.assign(buffer, size);
        free(buffer);
    }
    return out;
}

QString SentencePieceLibrary::takeError(char *message) const
{
    if (!message)
        return QStringLiteral("SentencePiece failed without a message");
    const QString text = QString::fromUtf8(message);
    free(message);
    return text;
}
