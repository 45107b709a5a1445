#include "core/eval/regressionevaluator.h"

#include "core/data/batch.h"
#include "core/eval/evaluator.h"
#include "core/eval/modelio.h"

#include <cmath>

namespace {

namespace F = torch::nn::functional;

torch::Tensor column(const std::vector<double> &values)
{
    std::vector<float> floats(values.begin(), values.end());
    return torch::tensor(floats, torch::kFloat32);
}

} // namespace

at::Tensor modelOrderTargets(const Batch &batch, const std::vector<int> &columnOfTarget)
{
    const std::int64_t rows = batch.size();
    at::Tensor out = torch::full({rows, std::int64_t(columnOfTarget.size())}, std::nan(""), torch::kFloat32);
    for (std::size_t k = 0; k < columnOfTarget.size(); ++k) {
        if (columnOfTarget[k] >= 0 && batch.targets.defined())
            out.select(1, std::int64_t(k)).copy_(batch.targets.select(1, columnOfTarget[k]));
    }
    return out;
}

torch::Tensor standardisedTargets(const torch::Tensor &targets, const TaskSpec &task)
{
    return (targets - column(task.mean)) / column(task.std);
}

torch::Tensor targetValues(const torch::Tensor &outputs, const TaskSpec &task)
{
    return outputs * column(task.std) + column(task.mean);
}

std::pair<torch::Tensor, torch::Tensor> regressionLoss(const torch::Tensor &outputs, const torch::Tensor &targets,
                                                       const TaskSpec &task)
{
    const torch::Tensor given = torch::isfinite(targets);
    // Missing targets become the prediction itself: no loss and no gradient, without NaN * 0.
    const torch::Tensor wanted = torch::where(given, standardisedTargets(targets, task), outputs.detach());
    torch::Tensor elements;
    if (task.loss == QLatin1String("huber"))
        elements = F::huber_loss(outputs, wanted, F::HuberLossFuncOptions().reduction(torch::kNone).delta(1.0));
    else if (task.loss == QLatin1String("l1"))
        elements = (outputs - wanted).abs();
    else
        elements = (outputs - wanted).square();
    return {(elements * given.to(elements.scalar_type())).sum(), given.sum()};
}

EvalReport evaluateRegression(torch::jit::Module &module, const Dataset &dataset, const std::vector<int> &indices,
                              int batchSize, const TaskSpec &task, bool subsets,
                              std::vector<RegressionPrediction> *predictions, const ProgressCallback &progress,
                              const CancelFlag *cancel)
{
    EvalReport report;
    report.task = TaskKind::Regress;
    const auto targets = std::size_t(task.targets.size());
    std::vector<int> columnOfTarget;
    for (const QString &name : task.targets)
        columnOfTarget.push_back(int(dataset.targetNames().indexOf(name)));
    TargetColumns all(task.targets);
    // Each masked subset's predictions; the last subset (every modality) is `all` itself.
    std::vector<TargetColumns> subsetColumns(subsets ? kSubsetMasks.size() - 1 : 0, TargetColumns(task.targets));
    if (predictions)
        predictions->clear();
    double lossSum = 0.0;
    double lossCount = 0.0;
    int samples = 0;

    forEachEvalBatch(module, dataset, indices, batchSize, &report, progress, cancel,
                     [&](const std::vector<int> &chunk, const Batch &batch) {
        const at::Tensor outputs = forwardLogits(module, batch, batch.present);
        if (outputs.dim() != 2 || outputs.size(0) != batch.size() || outputs.size(1) != std::int64_t(targets)) {
            report.error = QStringLiteral("the model gave outputs of shape [%1, %2] for %3 samples and %4 targets")
                               .arg(outputs.size(0)).arg(outputs.dim() > 1 ? outputs.size(1) : 0)
                               .arg(batch.size()).arg(targets);
            return false;
        }
        const at::Tensor wanted = modelOrderTargets(batch, columnOfTarget);
        const auto [sum, count] = regressionLoss(outputs, wanted, task);
        lossSum += sum.item<double>();
        lossCount += count.item<double>();
        const at::Tensor values = targetValues(outputs, task).contiguous();
        const auto valueAccess = values.accessor<float, 2>();
        const auto truthAccess = wanted.accessor<float, 2>();
        for (std::int64_t row = 0; row < batch.size(); ++row) {
            bool any = false;
            for (std::size_t k = 0; k < targets; ++k) {
                all.add(k, truthAccess[row][std::int64_t(k)], valueAccess[row][std::int64_t(k)]);
                any = any || std::isfinite(truthAccess[row][std::int64_t(k)]);
            }
            samples += any ? 1 : 0;
            if (predictions) {
                RegressionPrediction prediction;
                prediction.index = chunk[std::size_t(row)];
                for (std::size_t k = 0; k < targets; ++k)
                    prediction.values.push_back(valueAccess[row][std::int64_t(k)]);
                predictions->push_back(std::move(prediction));
            }
        }
        for (std::size_t s = 0; s < subsetColumns.size(); ++s) {
            const at::Tensor mask = torch::tensor({kSubsetMasks[s][0], kSubsetMasks[s][1], kSubsetMasks[s][2]});
            const at::Tensor subsetValues = targetValues(forwardLogits(module, batch, batch.present * mask), task).contiguous();
            const auto access = subsetValues.accessor<float, 2>();
            for (std::int64_t row = 0; row < batch.size(); ++row)
                for (std::size_t k = 0; k < targets; ++k)
                    subsetColumns[s].add(k, truthAccess[row][std::int64_t(k)], access[row][std::int64_t(k)]);
        }
        return true;
    });

    RegressionReport &r = report.regression;
    r.samples = samples;
    r.loss = lossCount > 0 ? lossSum / lossCount : 0.0;
    r.targets = all.scores();
    r.meanR2 = meanR2(r.targets);
    if (subsets && samples > 0 && report.error.isEmpty()) {
        const QStringList names = EvalReport::subsetNames();
        for (std::size_t s = 0; s < subsetColumns.size(); ++s)
            r.subsetR2.insert(names.at(int(s)), meanR2(subsetColumns[s].scores()));
        r.subsetR2.insert(names.last(), r.meanR2);
    }
    report.samples = samples;
    report.loss = r.loss;
    return report;
}
