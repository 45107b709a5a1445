#pragma once

// Internal to core (includes torch): cross-modal retrieval scores.

#include <torch/torch.h>

#include <QtCore/QJsonArray>
#include <QtCore/QString>

#include <array>
#include <vector>

class Dataset;

/**
 * Which file each sample's text, image and audio came from, as [N, 3] int64 ids (equal id:
 * the same caption text, image file or audio file; -1 where absent). Rows that share a file
 * (Flickr8k-style: five captions of one image) describe the same thing, so they are not each
 * other's negatives in contrastive training, and retrieval counts any of them as a hit.
 */
torch::Tensor modalitySources(const Dataset &dataset);

/** How well one modality's embeddings find another's: queries in `query`, the gallery in `gallery`. */
struct RetrievalScore
{
    int query = 0;   ///< modality index {text, image, audio}
    int gallery = 0;
    int queries = 0;       ///< samples with both modalities
    int gallerySize = 0;   ///< distinct gallery files
    double recallAt1 = 0.0; ///< the query's own file is ranked first
    double recallAt5 = 0.0;
    double recallAt10 = 0.0;
    double medianRank = 0.0; ///< 1 = first
    double classPrecisionAt1 = std::nan("");  ///< of the top hits, the share with the query's label; NaN without labels
    double classPrecisionAt10 = std::nan("");

    /** "text→image". */
    QString pairName() const;
};

/**
 * Instance-level retrieval for every ordered pair of modalities over one split's samples:
 * each sample with both modalities asks with its `query` embedding and is answered from the
 * gallery of the split's distinct `gallery` files (rows that share a file, five captions of
 * one image, are one gallery item, so a hit on any of them counts); cosine similarity, the
 * query's own file is the one right answer, a tie counts against it. Class-level precision
 * uses `labels` ([N] int64 class index, -1 unlabeled; undefined: none). Pairs without
 * queries are left out. Queries are scored in chunks, so memory stays O(chunk × gallery).
 *
 * embeddings: [N, D] float per modality (normalised; zeros where absent), present [N, 3],
 * sources [N, 3] int64 file ids (modalitySources() rows of the same samples).
 */
std::vector<RetrievalScore> retrievalScores(const std::array<torch::Tensor, 3> &embeddings, const torch::Tensor &present,
                                            const torch::Tensor &sources, const torch::Tensor &labels);

/** The mean R@1 over the pairs, what a contrastive run's validation reports; NaN when there are none. */
double meanRecallAt1(const std::vector<RetrievalScore> &scores);

QJsonArray retrievalJson(const std::vector<RetrievalScore> &scores);
/** One line per pair: "text→image  R@1 42.0 %  R@5 …  median rank 2 (1200 queries, 400 images)". */
QString retrievalText(const std::vector<RetrievalScore> &scores);
