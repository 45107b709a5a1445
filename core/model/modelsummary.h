#pragma once

#include "core/model/modelconfig.h"

#include <QtCore/QList>
#include <QtCore/QString>

/** Parameter counts and a readable outline of a model; torch-free so the GUI can show it. */
struct ModelSummary
{
    struct Part
    {
        QString name;     ///< "text encoder (transformer)", "fusion (attention)", ...
        qint64 parameters = 0;
    };
    qint64 parameters = 0;
    QList<Part> parts;
    QString text;         ///< multi-line human-readable summary
    QString error;        ///< non-empty when the config is invalid
};

/** Builds the model on the calling thread (cheap: milliseconds) and summarises it. */
ModelSummary summarizeModel(const ModelConfig &config);
