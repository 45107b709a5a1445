#pragma once

#include "core/data/preprocessconfig.h"
#include "core/eval/modelmeta.h"

#include <QtCore/QString>

/**
 * What the GUI shows about a model file before using it: its metadata, size and forward
 * signature, or the one sentence that says why it cannot be used. Torch-free.
 */
struct ModelFileInfo
{
    QString path;
    QString error;              ///< non-empty when the file cannot be used (unreadable, breaks the contract)
    bool hasMeta = false;       ///< false for an external file without fusionscope/meta.json
    ModelMeta meta;             ///< meta.assumed names the fields the file left to their defaults
    qint64 parameters = 0;
    qint64 fileBytes = 0;
    QString forwardSchema;      ///< e.g. "forward(Tensor text, ...) -> Dict(str, Tensor)"
    int classes = 0;            ///< logit columns seen by the contract check (0 when unknown)
    bool hasTokenizer = false;  ///< false: eval/explain train one on the dataset at load (the documented fallback)
    bool contractChecked = false; ///< a dummy batch ran through forward (always with meta; with `shapes` without)
};

/**
 * Opens the file on the calling thread (hundreds of ms for a large model: call it from a
 * worker). A file without meta.json is checked with a dummy batch shaped by `shapes` when
 * given (the loaded dataset's preprocessing), expecting `expectedClasses` logits when > 0.
 */
ModelFileInfo inspectModelFile(const QString &path, const PreprocessConfig *shapes = nullptr, int expectedClasses = 0);
