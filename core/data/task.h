#pragma once

#include <QtCore/QJsonObject>
#include <QtCore/QString>
#include <QtCore/QStringList>

#include <vector>

/**
 * What a model learns from a sample's label. classify: one class name per sample (the
 * model's outputs are class logits). regress: one or more numbers per sample (`"label": 0.7`
 * or `"label": {"x": 0.3, "y": 0.6}`), the outputs are the standardised targets.
 */
enum class TaskKind { Classify, Regress };

/** What the user asked for: a task, or Auto to infer it from the labels. */
enum class TaskRequest { Auto, Classify, Regress };

/** "classify", "regress". */
QString taskName(TaskKind kind);
/** "auto", "classify", "regress" → the request; false for anything else. */
bool parseTaskRequest(const QString &text, TaskRequest *request);
QStringList taskRequestNames();

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
 * target, with mean and std measured on the train split. A meta.json without "task" is classify.
 */
struct TaskSpec
{
    TaskKind kind = TaskKind::Classify;
    QStringList targets;       ///< regress: the target names, in output order
    std::vector<double> mean;  ///< regress: per target
    std::vector<double> std;   ///< regress: per target, > 0
    QString loss = QStringLiteral("cross_entropy"); ///< classify: cross_entropy; regress: mse, huber, l1

    bool isRegression() const { return kind == TaskKind::Regress; }
    QJsonObject toJson() const;
    /** Absent or empty: classify. False with *error naming the field for a malformed one. */
    static bool fromJson(const QJsonObject &json, TaskSpec *spec, QString *error);
    /** "regress: x, y (mse; outputs standardised: value = output * std + mean)" or "classify". */
    QString describe() const;
};
