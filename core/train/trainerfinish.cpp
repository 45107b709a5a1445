// The end of a run: multi-label thresholds tuned on validation, the test evaluation and the
// self-supervised measurements, and the files the run leaves (model.pt, report.json).
#include "core/train/trainer.h"

#include "core/data/batchloader.h"
#include "core/eval/evaluator.h"
#include "core/eval/multilabelevaluator.h"
#include "core/eval/regressionevaluator.h"
#include "core/train/runconfig.h"
#include "core/train/runresults.h"
#include "core/train/trainingjob.h"
#include "core/util/precision.h"

#include <QtCore/QFile>

#include <cmath>

bool Trainer::tuneThresholds(QString *error)
{
    // Each tag's threshold is the one with the best F1 on validation, so test and new data are
    // judged by a decision rule chosen without them. Without a validation split they stay 0.5.
    TaskSpec &task = m_job.m_task;
    if (m_valIndices.empty()) {
        m_job.emitMessage(MessageLevel::Warning, QStringLiteral("no validation samples to tune the tags' thresholds on; every tag uses 0.5"));
        return true;
    }
    TagMatrix matrix;
    const PrecisionScope precision(m_job.m_precision);
    const EvalReport val = evaluateMultilabel(m_module, m_dataset, m_valIndices, m_job.m_train.batchSize, task,
                                              /*subsets=*/false, nullptr, &matrix, {}, &m_job.m_cancel);
    if (!val.error.isEmpty()) {
        *error = QStringLiteral("tuning the thresholds on validation failed: %1").arg(val.error);
        return false;
    }
    task.thresholds = matrix.tunedThresholds();
    m_meta.task = task;
    const MultilabelReport tuned = MultilabelReport::compute(task.targets, matrix, task.thresholds);
    m_job.emitMessage(MessageLevel::Info, QStringLiteral("thresholds tuned on validation: micro-F1 %1 (at 0.5: %2)")
                                              .arg(tuned.microF1, 0, 'f', 3).arg(val.multilabel.microF1, 0, 'f', 3));
    return true;
}

FinishReport Trainer::finishRun(bool stoppedEarly, double lastValLoss, double lastValAccuracy, double lastValRecall)
{
    const TrainConfig &config = m_job.m_train;
    const QString runDir = m_job.runDir();
    FinishReport result;
    result.runDir = runDir;
    bool revalidate = !std::isfinite(lastValLoss); // a resume after the last epoch (every rank alike)
    // Rank 0 reads the best weights from its run folder and hands them to the other ranks.
    const QString bestWeights = runfiles::bestWeightsPath(runDir);
    std::int64_t useBest = config.earlyStoppingPatience > 0 && ownsRunFolder() && QFile::exists(bestWeights) ? 1 : 0;
    if (useBest == 1 && !loadWeights(bestWeights, m_module, &result.reason))
        useBest = -1;
    if (m_group)
        useBest = m_group->broadcastValue(useBest);
    if (useBest < 0) {
        if (!ownsRunFolder())
            result.reason = QStringLiteral("rank 0 could not read the best weights");
        return result;
    }
    if (useBest == 1) {
        if (m_group)
            broadcastModel();
        m_job.emitMessage(MessageLevel::Info, QStringLiteral("using the weights with the lowest validation loss (%1)")
                                                  .arg(m_state.bestValLoss, 0, 'f', 4));
        revalidate = true;
    }
    // Validation figures of the weights that are exported, not of the last epoch's.
    Validation val;
    val.loss = lastValLoss;
    val.accuracy = lastValAccuracy;
    val.recallAt1 = lastValRecall;
    if (revalidate) {
        val = validate();
        if (val.cancelled)
            return stopCancelled();
        if (!val.ran)
            val.loss = val.accuracy = std::nan("");
    }

    RunOutcome outcome;
    outcome.valLoss = val.loss;
    outcome.valAccuracy = val.accuracy;
    outcome.valSamples = int(m_valIndices.size());
    outcome.trainSamples = int(m_trainIndices.size());
    outcome.trainingSeconds = m_secondsBefore + m_clock.elapsed() / 1000.0;
    outcome.epochsTrained = m_state.epoch;
    outcome.steps = m_state.step;
    outcome.stoppedEarly = stoppedEarly;
    outcome.bestValLoss = m_state.bestValLoss;
    outcome.valRecallAt1 = val.recallAt1;
    m_module.eval();
    if (m_job.m_task.isMultilabel() && !tuneThresholds(&result.reason))
        return result;
    if (!config.supervised) {
        // No task outputs to test: the retrieval table (contrastive) and the probe below are the test.
    } else if (m_testIndices.empty()) {
        if (ownsRunFolder())
            m_job.emitMessage(MessageLevel::Warning, QStringLiteral("the dataset has no labeled test samples; report.json has no test metrics"));
    } else {
        outcome.hasTest = true;
        const PrecisionScope precision(m_job.m_precision);
        const TaskSpec &task = m_job.m_task;
        if (task.isRegression())
            outcome.test = evaluateRegression(m_module, m_dataset, m_testIndices, config.batchSize, task,
                                              /*subsets=*/true, nullptr, m_job.m_callbacks.progress, &m_job.m_cancel);
        else if (task.isMultilabel())
            outcome.test = evaluateMultilabel(m_module, m_dataset, m_testIndices, config.batchSize, task, /*subsets=*/true,
                                              nullptr, nullptr, m_job.m_callbacks.progress, &m_job.m_cancel);
        else
            outcome.test = evaluateModel(m_module, m_dataset, m_testIndices, config.batchSize, /*subsets=*/true, nullptr,
                                         m_job.m_callbacks.progress, &m_job.m_cancel);
        if (m_job.m_cancel.load())
            return stopCancelled();
        if (!outcome.test.error.isEmpty()) {
            result.reason = QStringLiteral("test evaluation failed: %1").arg(outcome.test.error);
            return result;
        }
    }
    if (config.contrastiveWeight > 0.0 && !measureTestRetrieval(&outcome, &result.reason))
        return m_job.m_cancel.load() ? stopCancelled() : result;
    if (!config.supervised && !measureTestProbe(&outcome, &result.reason))
        return m_job.m_cancel.load() ? stopCancelled() : result;
    if (!ownsRunFolder()) { // rank 0 writes the model and the report of what every rank evaluated
        result.ok = true;
        result.reason = QStringLiteral("%1 trained and evaluated its share of %2 steps").arg(m_group->env().describe()).arg(m_state.step);
        return result;
    }
    if (!writeRunResults(runDir, m_module, m_meta, m_dataset, config, outcome, &result.reason))
        return result;
    result.ok = true;
    result.reason = stoppedEarly ? QStringLiteral("stopped early after epoch %1").arg(m_state.epoch)
                                 : QStringLiteral("trained %1 epochs").arg(m_state.epoch);
    return result;
}
