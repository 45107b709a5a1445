#pragma once

#include "core/data/dataissue.h"
#include "core/data/modality.h"

#include <QtCore/QJsonObject>
#include <QtCore/QMap>
#include <QtCore/QStringList>
#include <array>

class Dataset;

/** The numbers a person checks first about a dataset: what loaded, what did not, and why. */
struct DatasetSummary
{
    QString root;
    QString manifest;
    int samples = 0;
    std::array<int, 3> perSplit{};                     ///< indexed by int(Split)
    std::array<int, kModalityCount> withModality{};    ///< samples carrying each modality
    QStringList labels;
    QMap<QString, std::array<int, 3>> classCounts;     ///< label → per-split counts
    int unlabeled = 0;
    DataIssues issues;
    QString loadError;

    static DatasetSummary of(const Dataset &dataset);
    QJsonObject toJson() const;
    /** Multi-line report for a terminal. */
    QString toText() const;
};
