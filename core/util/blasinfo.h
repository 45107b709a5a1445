#pragma once

#include <QtCore/QString>

/**
 * Which BLAS LibTorch calls through libblas.so.3 (Debian's alternatives pick the file):
 * OpenBLAS trains about 14x faster here than the reference BLAS. Plain data; any thread.
 */
struct BlasInfo
{
    bool loaded = false;   ///< libblas.so.3 is mapped into this process
    bool openBlas = false;
    QString name;          ///< "OpenBLAS 0.3.21 (pthread)", "reference BLAS (Netlib)", "BLIS", …
    QString path;          ///< the real file behind libblas.so.3, symlinks resolved

    /** "BLAS: OpenBLAS 0.3.21 (pthread) /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3" */
    QString line() const;
};

/** Looks the loaded libblas.so.3 up in this process (dl_iterate_phdr) and asks it its version. */
BlasInfo currentBlas();

/** What a file path says about the BLAS it holds (no version); the detection tests use this. */
BlasInfo classifyBlasPath(const QString &realPath);

/**
 * One sentence when `info` is not OpenBLAS (how slow, how to switch), else empty. The
 * app prints it once at start and the window shows it once as a note.
 */
QString slowBlasWarning(const BlasInfo &info);
