#pragma once
// The C interface of the fusionscope_sentencepiece module (see sentencepiecemodule.cpp).
// Debian's libsentencepiece bundles and exports its own protobuf, which clashes with the
// libprotobuf LibTorch loads, so core never links it: it dlopen()s this module with
// RTLD_LOCAL | RTLD_DEEPBIND and calls it only through these plain C functions.
// Every buffer a function hands out is malloc()ed and released with fs_sp_free().

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Bumped whenever a signature below changes; the loader refuses a module that differs. */
#define FS_SP_ABI_VERSION 1

typedef struct FsSpModel FsSpModel;

typedef int (*FsSpAbiVersionFn)(void);
typedef void (*FsSpFreeFn)(void *buffer);

/** Trains on count UTF-8 sentences with SentencePiece's `--key=value` options; on success
    returns 0 and the serialized model, otherwise non-zero and a message in *error. */
typedef int (*FsSpTrainFn)(const char *const *sentences, const size_t *lengths, size_t count,
                           const char *options, char **model, size_t *modelSize, char **error);

/** Parses a serialized model; null with a message in *error when it is not one. */
typedef FsSpModel *(*FsSpLoadFn)(const char *bytes, size_t size, char **error);
typedef void (*FsSpDestroyFn)(FsSpModel *model);
typedef int (*FsSpPieceCountFn)(const FsSpModel *model);
/** The ids of <pad> and <unk> (-1 when the model has none). */
typedef void (*FsSpSpecialIdsFn)(const FsSpModel *model, int *padId, int *unkId);

/** The encode and decode calls are const: several threads may share one model. */
typedef int (*FsSpEncodeIdsFn)(const FsSpModel *model, const char *text, size_t size,
                               int32_t **ids, size_t *count, char **error);
/** Pieces come back as one buffer of [uint32 length][bytes] records. */
typedef int (*FsSpEncodePiecesFn)(const FsSpModel *model, const char *text, size_t size,
                                  char **pieces, size_t *piecesSize, size_t *count, char **error);
typedef int (*FsSpDecodeFn)(const FsSpModel *model, const int32_t *ids, size_t count,
                            char **text, size_t *size, char **error);

#ifdef __cplusplus
}
#endif
