#include "core/eval/multilabelevaluator.h"

#include "core/data/batch.h"
#include "core/eval/evaluator.h"
#include "core/eval/regressionevaluator.h"

#include <cmath>

namespace {

namespace F = torch::nn::functional;

} // namespace

at::Tensor modelOrderTags(const Batch &batch, const std::vector<int> &columnOfTag)
{
    at::Tensor tags = modelOrderTargets(batch, columnOfTag);
    if (!batch.targets.defined() || batch.targets.size(1) == 0)
        return tags;
    const at::Tensor known = torch::isfinite(batch.targets.select(1, 0)).unsqueeze(1);
    return torch::where(known, torch::nan_to_num(tags, 0.0), tags);
}

std::pair<torch::Tensor, torch::Tensor> tagLoss(const torch::Tensor &logits, const torch::Tensor &targets, const TaskSpec &task)
{
    const torch::Tensor given = torch::isfinite(targets);
    const torch::Tensor wanted = torch::where(given, targets, torch::zeros_like(targets));
    auto options = F::BinaryCrossEntropyWithLogitsFuncOptions().reduction(torch::kNone);
    if (!task.posWeight.empty()) {
        const std::vector<float> weights(task.posWeight.begin(), task.posWeight.end());
        options.pos_weight(torch::tensor(weights, torch::kFloat32));
    }
    const torch::Tensor elements = F::binary_cross_entropy_with_logits(logits, wanted, options);
    return {(elements * given.to(elements.scalar_type())).sum(), given.sum()};
}

EvalReport evaluateMultilabel(torch::jit::Module &module, const Dataset &dataset, const std::vector<int> &indices,
                              int batchSize, const TaskSpec &task, bool subsets, std::vector<TagPrediction> *predictions,
                              TagMatrix *matrix, const ProgressCallback &progress, const CancelFlag *cancel)
{
    EvalReport report;
    report.task = TaskKind::Multilabel;
    const int tags = int(task.targets.size());
    std::vector<int> columnOfTag;
    for (const QString &name : task.targets)
        columnOfTag.push_back(int(dataset.targetNames().indexOf(name)));
    TagMatrix all;
    all.tags = tags;
    // Each masked subset's probabilities; the last subset (every modality) is `all` itself.
    std::vector<TagMatrix> subsetMatrices(subsets ? kSubsetMasks.size() - 1 : 0, all);
    if (predictions)
        predictions->clear();
    double lossSum = 0.0;
    double lossCount = 0.0;

    forEachEvalBatch(module, dataset, indices, batchSize, &report, progress, cancel,
                     [&](const std::vector<int> &chunk, const Batch &batch) {
        const at::Tensor logits = forwardLogits(module, batch, batch.present);
        if (logits.dim() != 2 || logits.size(0) != batch.size() || logits.size(1) != tags) {
            report.error = QStringLiteral("the model gave outputs of shape [%1, %2] for %3 samples and %4 tags")
                               .arg(logits.size(0)).arg(logits.dim() > 1 ? logits.size(1) : 0)
                               .arg(batch.size()).arg(tags);
            return false;
        }
        const at::Tensor truth = modelOrderTags(batch, columnOfTag).contiguous();
        const auto [sum, count] = tagLoss(logits, truth, task);
        lossSum += sum.item<double>();
        lossCount += count.item<double>();
        const at::Tensor probabilities = torch::sigmoid(logits).contiguous();
        for (std::int64_t row = 0; row < batch.size(); ++row) {
            all.add(truth.data_ptr<float>() + row * tags, probabilities.data_ptr<float>() + row * tags);
            if (predictions) {
                const float *p = probabilities.data_ptr<float>() + row * tags;
                predictions->push_back(TagPrediction{chunk[std::size_t(row)], std::vector<float>(p, p + tags)});
            }
        }
        for (std::size_t s = 0; s < subsetMatrices.size(); ++s) {
            const at::Tensor mask = torch::tensor({kSubsetMasks[s][0], kSubsetMasks[s][1], kSubsetMasks[s][2]});
            const at::Tensor subset = torch::sigmoid(forwardLogits(module, batch, batch.present * mask)).contiguous();
            for (std::int64_t row = 0; row < batch.size(); ++row)
                subsetMatrices[s].add(truth.data_ptr<float>() + row * tags, subset.data_ptr<float>() + row * tags);
        }
        return true;
    });

    std::vector<double> thresholds = task.thresholds;
    thresholds.resize(std::size_t(tags), 0.5);
    MultilabelReport &m = report.multilabel;
    m = MultilabelReport::compute(task.targets, all, thresholds);
    m.loss = lossCount > 0 ? lossSum / lossCount : 0.0;
    if (subsets && m.samples > 0 && report.error.isEmpty()) {
        const QStringList names = EvalReport::subsetNames();
        for (std::size_t s = 0; s < subsetMatrices.size(); ++s)
            m.subsetMap.insert(names.at(int(s)), MultilabelReport::compute(task.targets, subsetMatrices[s], thresholds).meanAveragePrecision);
        m.subsetMap.insert(names.last(), m.meanAveragePrecision);
    }
    if (matrix)
        *matrix = std::move(all);
    report.samples = m.samples;
    report.loss = m.loss;
    return report;
}
