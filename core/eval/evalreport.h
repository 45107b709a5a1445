#pragma once

#include "core/data/task.h"
#include "core/eval/classifiercurves.h"
#include "core/eval/multilabelscores.h"
#include "core/eval/regressionscores.h"

#include <QtCore/QJsonObject>
#include <QtCore/QList>
#include <QtCore/QMap>
#include <QtCore/QStringList>
#include <vector>

/** Classification quality of a model on a set of samples. Torch-free, plain values. */
struct EvalReport
{
    struct ClassScores
    {
        double precision = 0.0;
        double recall = 0.0;
        double f1 = 0.0;
        int support = 0;
    };

    /**
     * Regress: only `regression` (and samples, loss, error) is filled; multilabel: only
     * `multilabel`. The classification fields stay empty for both.
     */
    TaskKind task = TaskKind::Classify;
    RegressionReport regression;
    MultilabelReport multilabel;
    QStringList labels;
    int samples = 0;
    double loss = 0.0;
    double accuracy = 0.0;
    double macroF1 = 0.0;
    QList<ClassScores> perClass;
    std::vector<std::vector<int>> confusion; ///< [true][predicted]
    /** Accuracy with only these modalities present: keys "text", "image+audio", "text+image+audio", ... */
    QMap<QString, double> subsetAccuracy;
    /** Top-k accuracy, ROC / precision-recall per class and calibration of the labeled samples' probabilities. */
    ClassifierCurves curves;
    /** Non-empty when the evaluation could not finish (forward failed, cancelled); scores are then partial. */
    QString error;

    QJsonObject toJson() const;
    static EvalReport fromJson(const QJsonObject &json);
    /**
     * Fills samples, accuracy, macroF1, perClass from confusion. Macro-F1 averages the classes
     * that occur in the truth or the predictions (as scikit-learn does without labels=).
     */
    void computeScores();

    /** The subset keys in display order: "text", "image", "audio", "text+image", ... */
    static QStringList subsetNames();
};
