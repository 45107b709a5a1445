#pragma once

#include "core/eval/embeddingtable.h"

#include <QtCore/QJsonObject>
#include <QtCore/QString>

#include <vector>

/**
 * How well a split's embeddings separate the classes, measured against the train split's
 * embeddings: labels are used for nothing else. Torch-free: `embed`, a contrastive run's
 * report and the window share it.
 */
struct EmbeddingProbe
{
    struct Fit
    {
        int percent = 100;      ///< share of the train labels the probe was fitted on
        double accuracy = 0.0;  ///< NaN when nothing could be scored
        int trainRows = 0;
    };
    int knnK = 0;             ///< 0: no k-NN measured
    double knnAccuracy = 0.0; ///< NaN when nothing could be scored
    std::vector<Fit> linear;  ///< 100, 10 and 1 % of the labels; empty: not measured

    /** {"knn_k", "knn_accuracy", "linear_probe": {"100": {"accuracy", "train_samples"}, …}}. */
    QJsonObject toJson() const;
    /** "k-NN (k = 10) 93.1 %; linear probe 95.0 % (100 % of the labels, 1200 samples); …". */
    QString text() const;
};

/**
 * k-NN accuracy (knnAccuracy, k = `neighbours`, 0 skips it) and, when `linear`, the linear
 * probe (linearProbe, seed 1) fitted on 100, 10 and 1 % of the train rows' classes, both
 * scored on the query rows. Classes below 0 are unlabeled rows, skipped.
 */
EmbeddingProbe probeEmbeddings(const EmbeddingTable &train, const std::vector<int> &trainClasses, const EmbeddingTable &query,
                               const std::vector<int> &queryClasses, int neighbours, bool linear);
