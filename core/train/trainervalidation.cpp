// Each epoch's validation of Trainer: the task's loss and score over the validation split (a
// distributed run's ranks share its forward through the EvalShardScope train() holds).
#include "core/train/trainer.h"

#include "core/data/batchloader.h"
#include "core/eval/evaluator.h"
#include "core/eval/multilabelevaluator.h"
#include "core/eval/multilabelscores.h"
#include "core/eval/regressionevaluator.h"
#include "core/eval/regressionscores.h"
#include "core/train/trainingjob.h"
#include "core/util/precision.h"

namespace F = torch::nn::functional;

bool Trainer::forEachValidationBatch(const std::function<void(const Batch &)> &visit)
{
    m_valLoader->startEpoch(0);
    Batch batch;
    while (m_valLoader->next(&batch)) {
        if (m_job.m_cancel.load())
            return false;
        visit(batch);
    }
    return true;
}

Trainer::Validation Trainer::validate()
{
    Validation result;
    if (m_valIndices.empty())
        return result;
    m_module.eval();
    if (!m_job.m_train.supervised) {
        c10::InferenceMode inference;
        const PrecisionScope precision(m_job.m_precision);
        result = m_job.m_train.reconstruct ? validateReconstruction() : validateAlignment();
        m_module.train(true);
        return result;
    }
    c10::InferenceMode inference; // thread-local, like grad mode: this guard is on the worker's thread
    const PrecisionScope precision(m_job.m_precision);
    const TaskSpec &task = m_job.m_task;
    TargetColumns columns(task.targets);
    TagMatrix tags;
    tags.tags = int(task.targets.size());
    double lossSum = 0.0;
    std::int64_t correct = 0;
    std::int64_t count = 0;
    result.cancelled = !forEachValidationBatch([&](const Batch &batch) {
        const torch::Tensor logits = forwardLogits(m_module, batch, batch.present);
        if (task.isRegression()) {
            const auto [sum, given] = regressionLoss(logits, batch.targets, task);
            lossSum += sum.item<double>();
            count += given.item<std::int64_t>();
            const torch::Tensor values = targetValues(logits, task).contiguous();
            const auto predicted = values.accessor<float, 2>();
            const auto truth = batch.targets.accessor<float, 2>();
            for (std::int64_t row = 0; row < values.size(0); ++row)
                for (std::int64_t k = 0; k < values.size(1); ++k)
                    columns.add(std::size_t(k), truth[row][k], predicted[row][k]);
            return;
        }
        if (task.isMultilabel()) {
            const auto [sum, given] = tagLoss(logits, batch.targets, task);
            lossSum += sum.item<double>();
            count += given.item<std::int64_t>();
            const torch::Tensor probabilities = torch::sigmoid(logits).contiguous();
            const torch::Tensor truth = batch.targets.contiguous();
            for (std::int64_t row = 0; row < batch.size(); ++row)
                tags.add(truth.data_ptr<float>() + row * tags.tags, probabilities.data_ptr<float>() + row * tags.tags);
            return;
        }
        const torch::Tensor rows = batch.labels.ge(0).nonzero().squeeze(1); // a contrastive run validates unlabelled samples too
        if (rows.numel() == 0)
            return;
        const torch::Tensor kept = logits.index_select(0, rows);
        const torch::Tensor labels = batch.labels.index_select(0, rows);
        lossSum += F::cross_entropy(kept, labels, F::CrossEntropyFuncOptions().reduction(torch::kSum)).item<double>();
        correct += kept.argmax(1).eq(labels).sum().item<std::int64_t>();
        count += rows.size(0);
    });
    if (!result.cancelled && m_job.m_train.contrastiveWeight > 0.0)
        result.recallAt1 = validationRecall();
    m_module.train(true);
    if (!result.cancelled && count > 0) {
        result.ran = true;
        result.loss = lossSum / double(count);
        // A regression's score is its mean R² over the targets, a multi-label's its mAP: higher is better, as accuracy.
        if (task.isRegression())
            result.accuracy = meanR2(columns.scores());
        else if (task.isMultilabel())
            result.accuracy = MultilabelReport::compute(task.targets, tags, task.thresholds).meanAveragePrecision;
        else
            result.accuracy = double(correct) / double(count);
    }
    return result;
}
