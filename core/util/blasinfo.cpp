#include "core/util/blasinfo.h"

#include <QtCore/QByteArray>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QStringList>

#include <dlfcn.h>
#include <link.h>

namespace {

int findBlas(struct dl_phdr_info *info, size_t, void *data)
{
    const QByteArray name(info->dlpi_name ? info->dlpi_name : "");
    if (name.mid(name.lastIndexOf('/') + 1).startsWith("libblas.so")) {
        *static_cast<QByteArray *>(data) = name;
        return 1; // stop
    }
    return 0;
}

/** OpenBLAS answers openblas_get_config() with "OpenBLAS 0.3.21 DYNAMIC_ARCH … Haswell …". */
QString openBlasName(const QByteArray &loadedName)
{
    void *handle = dlopen(loadedName.constData(), RTLD_LAZY | RTLD_NOLOAD);
    if (!handle)
        return QStringLiteral("OpenBLAS");
    QString name = QStringLiteral("OpenBLAS");
    using ConfigFn = char *(*)();
    using ParallelFn = int (*)();
    if (auto config = reinterpret_cast<ConfigFn>(dlsym(handle, "openblas_get_config"))) {
        const QStringList words = QString::fromLatin1(config()).split(QLatin1Char(' '), Qt::SkipEmptyParts);
        if (words.size() > 1 && words.at(1).at(0).isDigit())
            name += QLatin1Char(' ') + words.at(1);
    }
    if (auto parallel = reinterpret_cast<ParallelFn>(dlsym(handle, "openblas_get_parallel"))) {
        const int mode = parallel();
        name += mode == 1 ? QStringLiteral(" (pthread)") : mode == 2 ? QStringLiteral(" (OpenMP)") : QStringLiteral(" (serial)");
    }
    dlclose(handle);
    return name;
}

} // namespace

QString BlasInfo::line() const
{
    if (!loaded)
        return QStringLiteral("BLAS: libblas.so.3 is not loaded");
    return QStringLiteral("BLAS: %1 %2").arg(name, path);
}

BlasInfo classifyBlasPath(const QString &realPath)
{
    BlasInfo info;
    info.loaded = !realPath.isEmpty();
    info.path = realPath;
    const QString lower = realPath.toLower();
    if (lower.contains(QLatin1String("openblas"))) {
        info.openBlas = true;
        info.name = QStringLiteral("OpenBLAS");
    } else if (lower.contains(QLatin1String("blis"))) {
        info.name = QStringLiteral("BLIS");
    } else if (lower.contains(QLatin1String("atlas"))) {
        info.name = QStringLiteral("ATLAS");
    } else if (lower.contains(QLatin1String("mkl"))) {
        info.name = QStringLiteral("Intel MKL");
    } else if (lower.contains(QLatin1String("/blas/"))) {
        info.name = QStringLiteral("reference BLAS (Netlib)"); // Debian's libblas3
    } else {
        info.name = QStringLiteral("an unknown BLAS");
    }
    return info;
}

BlasInfo currentBlas()
{
    QByteArray loadedName;
    dl_iterate_phdr(findBlas, &loadedName);
    if (loadedName.isEmpty())
        return {};
    BlasInfo info = classifyBlasPath(QFileInfo(QFile::decodeName(loadedName)).canonicalFilePath());
    if (info.path.isEmpty()) {
        info.loaded = true;
        info.path = QFile::decodeName(loadedName);
    }
    if (info.openBlas)
        info.name = openBlasName(loadedName);
    return info;
}

QString slowBlasWarning(const BlasInfo &info)
{
    if (!info.loaded || info.openBlas)
        return {};
    return QStringLiteral("libblas.so.3 is %1 (%2), not OpenBLAS: training runs about 14x slower. "
                          "Install libopenblas0-pthread, or select it with "
                          "sudo update-alternatives --config libblas.so.3-x86_64-linux-gnu")
        .arg(info.name, info.path);
}
