#pragma once

#include <QtCore/QString>
#include <QtCore/QStringList>

#include <array>
#include <vector>

/** What the Embeddings tab knows of its model once it is attached to the dataset. */
struct EmbedModelInfo
{
    QString path;
    QString task;             ///< "contrastive (…)", "classify", …
    QStringList outputs;      ///< the embeddings it returns, the default first ("joint", "embedding", "embed/text", …)
    QStringList classNames;   ///< its predictions' names; empty when it does not classify
    bool canRetrieve = false; ///< it returns embed/text, embed/image and embed/audio
    bool hasTaskOutputs = true; ///< false for a contrastive model: Inspect has nothing to explain
};

/** A 2-D map of one embedding over one split: the rows' dataset indices and their positions. */
struct EmbeddingMap
{
    QString output;
    QString split;              ///< "test", "val", "train" or "all"
    std::vector<int> indices;   ///< dataset indices (of the attached dataset), one per point
    std::vector<float> xy;      ///< 2 per point
    std::vector<int> predicted; ///< per point, into EmbedModelInfo::classNames; empty without classes
    int dim = 0;                ///< the embedding's width
    double klDivergence = 0.0;
    double perplexity = 0.0;
    double seconds = 0.0;       ///< embedding pass plus layout
};

/** One neighbour found by a retrieval query. */
struct RetrievalHit
{
    int datasetIndex = -1; ///< of the attached dataset; -1 when the index row is not in it
    double score = 0.0;    ///< cosine similarity
    QString id;
    QString label;
    QString text;
    QString imagePath;     ///< absolute
    QString audioPath;     ///< absolute
};

/** What a query asked and what each other modality answered. */
struct RetrievalAnswer
{
    QString query;                                  ///< "sample s0042 (image)", "text \"a red car\"", "image.png"
    int queryModality = 0;
    std::array<std::vector<RetrievalHit>, 3> hits;  ///< per target modality; empty for the query's own
    double milliseconds = 0.0;
    QString error;
};

/** How the window asks a retrieval question. */
struct RetrievalQuery
{
    enum class Kind { Sample, Text, File };
    Kind kind = Kind::Sample;
    int datasetIndex = -1; ///< Sample: of the attached dataset
    int modality = 0;      ///< which of the sample's modalities asks, or the file's modality (text: 0)
    QString value;         ///< Text: the caption; File: the path
    int k = 8;
};
