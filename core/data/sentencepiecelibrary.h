#pragma once

#include "core/data/sentencepiecemodule/sentencepieceabi.h"

#include <QtCore/QString>

/**
 * The fusionscope_sentencepiece module, dlopen()ed once per process with RTLD_LOCAL |
 * RTLD_DEEPBIND so its bundled protobuf never clashes with LibTorch's. Immutable after the
 * first instance() call; any thread may use it.
 */
class SentencePieceLibrary
{
public:
    /** Loads the module on first use (thread-safe); later calls return the same result. */
    static const SentencePieceLibrary &instance();

    bool isLoaded() const { return m_loaded; }
    /** Why loading failed, naming every path tried; empty when loaded. */
    QString errorString() const { return m_error; }
    /** The file the module was loaded from. */
    QString path() const { return m_path; }

    /** Copies a buffer the module malloc()ed into a std::string and frees it. */
    std::string take(char *buffer, size_t size) const;
    /** Same for an error message; empty input gives a generic message. */
    QString takeError(char *message) const;

    FsSpFreeFn free = nullptr;
    FsSpTrainFn train = nullptr;
    FsSpLoadFn load = nullptr;
    FsSpDestroyFn destroy = nullptr;
    FsSpPieceCountFn pieceCount = nullptr;
    FsSpSpecialIdsFn specialIds = nullptr;
    FsSpEncodeIdsFn encodeIds = nullptr;
    FsSpEncodePiecesFn encodePieces = nullptr;
    FsSpDecodeFn decode = nullptr;

private:
    SentencePieceLibrary();
    bool tryLoad(const QString &path, QString *error);

    bool m_loaded = false;
    QString m_path;
    QString m_error;
};
