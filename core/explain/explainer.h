#pragma once

#include "core/data/dataset.h"
#include "core/eval/modelmeta.h"
#include "core/explain/explanation.h"
#include "core/explain/splitexplanation.h"
#include "core/util/precision.h"
#include "core/util/progress.h"

#include <QtCore/QString>
#include <memory>
#include <string>
#include <vector>

/**
 * The explanation engine behind one model file of any task: opens it, checks it against a
 * dataset, then explains single samples (attention, rollout, contributions) and whole splits
 * (Shapley summary, the task's score per modality subset, confusion or per-target / per-tag
 * scores, pointing game, robustness). A model trained without labels is explained through its
 * representation: how far each modality moves the sample's embedding, how well its modalities
 * agree, its attention (TaskReadout). Torch-free header. Not
 * thread-safe: one thread at a time drives it (the GUI's worker, or the CLI's main thread).
 */
class Explainer
{
public:
    /** Opens any TorchScript file that follows the model contract, self-supervised ones too; nullptr with a reason on failure. */
    static std::unique_ptr<Explainer> open(const QString &modelPath, QString *error);
    ~Explainer();
    Explainer(const Explainer &) = delete;
    Explainer &operator=(const Explainer &) = delete;

    QString modelPath() const;
    bool hasMeta() const;               ///< false for an external file without fusionscope/meta.json
    bool hasTokenizer() const;          ///< false: the dataset trains one at load, as a new run would
    const ModelMeta &meta() const;
    /** "attention", "graph", ... or "external". */
    QString fusionName() const;

    /** Options that read data as this model was trained: its preprocessing and tokenizer (when it has meta). */
    DatasetOptions datasetOptions(DatasetOptions base = {}) const;

    /**
     * Binds the dataset to explain: runs the contract check with its shapes and matches class
     * counts. Empty when usable, else a sentence. Must succeed before explaining.
     */
    QString attach(std::shared_ptr<const Dataset> dataset);
    /** Output columns: the model's labels (the dataset's for a model without meta), its regression targets or its tags. */
    QStringList classNames() const;
    TaskKind task() const;
    /**
     * Which regression target or tag the modality game explains (its value, or its logit); an
     * empty name restores the default (the first target; the sample's most probable tag).
     * Empty when set, else a sentence naming the outputs there are.
     */
    QString setExplainedOutput(const QString &name);
    /** Token layout in use (from meta, or filled in from the maps of the first explained sample). */
    TokenGeometry geometry() const;

    /** The split's passes (explainSplit) run in this precision; default: what "auto" resolves to.
     *  One sample's explanation is always fp32: its gradients and Shapley values are the reference. */
    Precision precision() const;
    void setPrecision(Precision precision);

    /** One sample by dataset index; a failure is the result's error. */
    SampleExplanation explainSample(int index, bool gradInput = true);
    SplitExplanation explainSplit(const std::vector<int> &indices, const SplitOptions &options = {},
                                  const ProgressCallback &progress = {}, const CancelFlag *cancel = nullptr);

private:
    Explainer();
    QString attachClassNames(const Dataset &dataset, int classes);
    /** attach() for a model trained without labels: its game is its representation (TaskReadout). */
    QString attachRepresentation(std::shared_ptr<const Dataset> dataset);
    struct Private;
    std::unique_ptr<Private> d;
};
