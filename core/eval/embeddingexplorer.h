#pragma once

#include "core/data/dataset.h"
#include "core/eval/embeddingtable.h"
#include "core/eval/retrievalindex.h"
#include "core/util/progress.h"

#include <QtCore/QString>
#include <QtCore/QStringList>

#include <memory>
#include <vector>

/** One embedding output over some samples, with the model's predicted class for each row. */
struct EmbeddingSet
{
    QString output;             ///< "embedding", "joint", "embed/text", "embed/image" or "embed/audio"
    EmbeddingTable table;       ///< rows: the requested samples (for a modality's output, those that have it)
    std::vector<int> predicted; ///< per row, a column of EmbeddingExplorer::classNames(); empty when it has none
};

/**
 * What the Embeddings tab asks of a model file, of any objective (a contrastive model too,
 * which has no classes to explain): which embeddings it returns, a split's embeddings with its
 * predictions, and cross-modal retrieval over the whole dataset from the cached index that
 * `fusionscope retrieve` shares. Torch-free header. Not thread-safe: one thread drives it
 * (the window's worker, or a test).
 */
class EmbeddingExplorer
{
public:
    /** Opens any TorchScript file that follows the model contract; nullptr with a reason on failure. */
    static std::unique_ptr<EmbeddingExplorer> open(const QString &modelPath, QString *error);
    ~EmbeddingExplorer();
    EmbeddingExplorer(const EmbeddingExplorer &) = delete;
    EmbeddingExplorer &operator=(const EmbeddingExplorer &) = delete;

    QString modelPath() const;
    /** "contrastive (InfoNCE, …)", "classify", …: what the model was trained for. */
    QString taskSummary() const;
    /** Options that read data as this model was trained (its preprocessing and tokenizer). */
    DatasetOptions datasetOptions(DatasetOptions base = {}) const;

    /**
     * Binds the dataset (read with datasetOptions()) and probes one sample's forward for the
     * outputs there are. Empty when usable, else a sentence; a model without any embedding
     * output is refused here with what it does return.
     */
    QString attach(std::shared_ptr<const Dataset> dataset);
    std::shared_ptr<const Dataset> dataset() const;
    /** The embeddings the model returns, the one that stands for a whole sample first
     *  ("joint" for a contrastive model, whose fusion was never trained; else "embedding"). */
    QStringList outputs() const;
    /** The logits' column names when the model classifies; empty otherwise (contrastive, regression, tags). */
    QStringList classNames() const;
    /** False for a contrastive model: it has no task outputs (nothing for Inspect to explain). */
    bool hasTaskOutputs() const;
    /** The model returns embed/text, embed/image and embed/audio, which retrieval searches. */
    bool canRetrieve() const;

    /** `output` of `indices` (dataset indices), batched under inference mode; false with *error or when cancelled. */
    bool embed(const std::vector<int> &indices, const QString &output, EmbeddingSet *set, QString *error,
               const ProgressCallback &progress = {}, const CancelFlag *cancel = nullptr);

    /**
     * The retrieval index over every sample of the attached dataset: loaded from the cache
     * when this model and manifest built one (`fusionscope retrieve` shares it), else built and
     * cached. *cached says which. False with *error; a failed save is not an error (the index
     * is still usable) and is named in *warning.
     */
    bool prepareRetrieval(const QString &columnMap, bool *cached, QString *warning, QString *error,
                          const ProgressCallback &progress = {}, const CancelFlag *cancel = nullptr);
    /** Empty until prepareRetrieval() succeeded. */
    const RetrievalIndex &retrievalIndex() const;
    /** The dataset index of an index row (rows are matched by sample id); -1 when absent. */
    int datasetIndexOfRow(int row) const;
    /**
     * A caption (modality 0), or an image or audio file, embedded as the model reads its data.
     * False with *error naming what cannot be used.
     */
    bool embedQuery(int modality, const QString &value, std::vector<float> *query, QString *error);

private:
    EmbeddingExplorer();
    struct Private;
    std::unique_ptr<Private> d;
};
