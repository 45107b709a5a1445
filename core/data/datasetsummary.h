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
    QString task;                                      ///< "classify" or "regress"
    QString taskReason;                                ///< how it was chosen (Manifest::taskReason)
    QStringList labels;
    QMap<QString, std::array<int, 3>> classCounts;     ///< label → per-split counts (classify)
    /** A regression target's values over every split. */
    struct TargetStats
    {
        QString name;
        int count = 0;
        double min = 0.0;
        double max = 0.0;
        double mean = 0.0;
    };
    QList<TargetStats> targets;                        ///< regress
    int unlabeled = 0;
    DataIssues issues;
    QString loadError;

    static DatasetSummary of(const Dataset &dataset);
    QJsonObject toJson() const;
    /** Multi-line report for a terminal. */
    QString toText() const;
};
