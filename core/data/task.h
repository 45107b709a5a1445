#pragma once

#include <QtCore/QJsonObject>
#include <QtCore/QString>
#include <QtCore/QStringList>

#include <vector>

/**
 * What a model learns from a sample's label. classify: one class name per sample (the
 * model's outputs are class logits). regress: one or more numbers per sample (`"label": 0.7`
 * or `"label": {"x": 0.3, "y": 0.6}`), the outputs are the standardised targets.
 * multilabel: a set of tags per sample (`"label": ["cat", "dog"]` or `"cat|dog"`), the
 * outputs are one logit per tag.
 */
enum class TaskKind { Classify, Regress, Multilabel };

/** What the user asked for: a task, or Auto to infer it from the labels. */
enum class TaskRequest { Auto, Classify, Regress, Multilabel };

/**
 * How a run learns. Supervised: from the labels (the task). Contrastive: by aligning each
 * sample's modalities with one another (InfoNCE), no labels at all; the model then has no task
 * outputs ("logits" is [B, 0]) and its product is the per-modality embeddings. Semi-supervised:
 * both, the alignment on every sample and the task on the labelled ones. Reconstruct: masked-
 * modality autoencoding, no labels either — one present modality is hidden and the fused
 * embedding of the others predicts what its input held; the product is the fused embedding.
 */
enum class Objective { Supervised, Contrastive, SemiSupervised, Reconstruct };

/** "supervised", "contrastive", "contrastive+supervised", "reconstruct"; parseObjective reads them back. */
QString objectiveName(Objective objective);
bool parseObjective(const QString &text, Objective *objective);

/** "classify", "regress", "multilabel". */
QString taskName(TaskKind kind);
/** "auto", "classify", "regress", "multilabel" → the request; false for anything else. */
bool parseTaskRequest(const QString &text, TaskRequest *request);
QStringList taskRequestNames();
/** The request that reads labels as `kind` does (a recorded task read back). */
TaskRequest requestFor(TaskKind kind);
/** What validation scores a run of this task by: "accuracy", "mean R²", "mAP". */
QString taskScoreName(TaskKind kind);
/** metrics.jsonl's key for that score: "val_accuracy", "val_r2", "val_map". */
QString taskScoreKey(TaskKind kind);

/** Where a text label holds several tags ("cat|dog"), unless the user names another separator. */
inline constexpr char kDefaultTagSeparator = '|';

/**
 * Scalar labels that are all numbers are classes when they look like class ids (integers
 * with at most this many distinct values, e.g. "0".."9") and regression targets otherwise.
 */
inline constexpr int kMaxIntegerClassLabels = 20;

/** The regression losses: "mse" (default), "huber" (delta 1 in standard deviations), "l1". */
QStringList regressionLossNames();

/**
 * A model's task as its run folder and meta.json record it. For regress the model's outputs
 * ("logits" in the contract) are standardised targets: value = output * std + mean, per
 * target, with mean and std measured on the train split. For multilabel they are one logit
 * per tag: probability = sigmoid(output), and the tag is predicted when the probability
 * reaches the tag's threshold (tuned on the validation split for the best F1).
 * A meta.json without "task" is classify.
 */
struct TaskSpec
{
    TaskKind kind = TaskKind::Classify;
    QStringList targets;       ///< regress: the target names; multilabel: the tags; in output order
    std::vector<double> mean;  ///< regress: per target
    std::vector<double> std;   ///< regress: per target, > 0
    std::vector<double> thresholds; ///< multilabel: per tag, in (0, 1)
    std::vector<double> posWeight;  ///< multilabel: BCE's positive weight per tag; empty: none
    QString tagSeparator = QString(QLatin1Char(kDefaultTagSeparator)); ///< multilabel: how text labels were split
    QString loss = QStringLiteral("cross_entropy"); ///< classify: cross_entropy; regress: mse, huber, l1; multilabel: bce
    Objective objective = Objective::Supervised;    ///< meta.json "objective"; absent: supervised (older files)

    bool isRegression() const { return kind == TaskKind::Regress; }
    bool isMultilabel() const { return kind == TaskKind::Multilabel; }
    /** The outputs are per target or tag (Batch::targets holds them), not classes. */
    bool hasTargets() const { return kind != TaskKind::Classify; }
    /** False for a self-supervised model (contrastive, reconstruct): it was never taught the labels and has no outputs for them. */
    bool hasTaskOutputs() const { return objective == Objective::Supervised || objective == Objective::SemiSupervised; }
    /** The per-modality embeddings were trained to align (contrastive or semi-supervised). */
    bool isAligned() const { return objective == Objective::Contrastive || objective == Objective::SemiSupervised; }
    QJsonObject toJson() const;
    /** Absent or empty: classify. False with *error naming the field for a malformed one. */
    static bool fromJson(const QJsonObject &json, TaskSpec *spec, QString *error);
    /** "regress: x, y (mse; outputs standardised: …)", "multilabel: 9 tags (…)", "classify", "contrastive (…)". */
    QString describe() const;

private:
    QString describeTask() const;
};
