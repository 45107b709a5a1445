#pragma once

#include <QtCore/QString>
#include <QtCore/QStringList>

#include <vector>

class Dataset;

/**
 * A split's embeddings as plain values: one row of `dim` floats per sample, in `indices`
 * order (dataset indices). Torch-free, so writers, searches and the window share it.
 */
struct EmbeddingTable
{
    std::vector<int> indices;
    int dim = 0;
    std::vector<float> values; ///< indices.size() × dim, row-major

    int rows() const { return int(indices.size()); }
    const float *row(int r) const { return values.data() + std::size_t(r) * std::size_t(dim); }
};

/**
 * The files TensorBoard's Embedding Projector loads, plus the same matrix for NumPy:
 * `tensors.tsv` (a row of tab-separated numbers per sample), `metadata.tsv` (a header, then
 * id, split, label and the present modalities per sample; tabs and line breaks in a label
 * become spaces, as the Projector cannot quote them) and `embeddings.npy` (float32 [N, D],
 * NPY format 1.0, little-endian). Each file is written atomically; false with *error naming it.
 */
bool writeEmbeddingFiles(const QString &directory, const EmbeddingTable &table, const Dataset &dataset, QString *error);

/** A float32 [rows, cols] C-order array in NPY 1.0 (numpy.load reads it). */
QByteArray npyBytes(const float *values, int rows, int cols);

/**
 * k-nearest-neighbour accuracy by cosine similarity: each query row takes the majority class
 * of its k most similar reference rows (a tie goes to the class of the most similar among the
 * tied). Rows with a class below 0 are skipped on both sides. NaN when nothing can be scored.
 * O(queries × references × dim) time, O(references) extra memory.
 */
double knnAccuracy(const EmbeddingTable &reference, const std::vector<int> &referenceClasses, const EmbeddingTable &query,
                   const std::vector<int> &queryClasses, int k);
