#include "core/eval/regressionevaluator.h"

#include "core/data/batch.h"
#include "core/eval/modelio.h"

#include <array>
#include <cmath>

namespace {

namespace F = torch::nn::functional;

torch::Tensor column(const std::vector<double> &values)
{
    std::vector<float> floats(values.begin(), values.end());
    return torch::tensor(floats, torch::kFloat32);
}

at::Tensor forwardOutputs(torch::jit::Module &module, const Batch &batch, const at::Tensor &present)
{
    const c10::IValue output = module.forward({batch.text, batch.image, batch.audio, present});
    if (!output.isGenericDict())
        throw std::runtime_error("forward did not return a Dict[str, Tensor]");
    const auto dict = output.toGenericDict();
    const auto logits = dict.find(c10::IValue(std::string("logits")));
    if (logits == dict.end() || !logits->value().isTensor())
        throw std::runtime_error("forward's output has no \"logits\" tensor");
    return logits->value().toTensor().to(torch::kFloat32);
}

/** The seven modality subsets in EvalReport::subsetNames() order: {text, image, audio}. */
constexpr std::array<std::array<float, 3>, 7> kSubsetMasks{{
    {1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 1, 0}, {1, 0, 1}, {0, 1, 1}, {1, 1, 1}}};

/** The targets of `batch` reordered to the model's target order (NaN where the dataset lacks one). */
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

} // namespace

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
    std::vector<std::vector<double>> truth(targets);
    std::vector<std::vector<double>> predicted(targets);
    std::array<std::vector<std::vector<double>>, 7> subsetPredicted;
    if (predictions)
        predictions->clear();
    double lossSum = 0.0;
    double lossCount = 0.0;
    int samples = 0;

    const bool wasTraining = module.is_training();
    setTrainingMode(module, false);
    c10::InferenceMode inference;
    const std::size_t step = std::size_t(std::max(1, batchSize));
    for (std::size_t start = 0; start < indices.size(); start += step) {
        if (cancel && cancel->load()) {
            report.error = QStringLiteral("evaluation cancelled");
            break;
        }
        const std::size_t end = std::min(indices.size(), start + step);
        const std::vector<int> chunk(indices.begin() + std::ptrdiff_t(start), indices.begin() + std::ptrdiff_t(end));
        try {
            const Batch batch = makeBatch(dataset, chunk);
            const at::Tensor outputs = forwardOutputs(module, batch, batch.present);
            if (outputs.dim() != 2 || outputs.size(0) != batch.size() || outputs.size(1) != std::int64_t(targets)) {
                report.error = QStringLiteral("the model gave outputs of shape [%1, %2] for %3 samples and %4 targets")
                                   .arg(outputs.size(0)).arg(outputs.dim() > 1 ? outputs.size(1) : 0)
                                   .arg(batch.size()).arg(targets);
                break;
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
                    truth[k].push_back(truthAccess[row][std::int64_t(k)]);
                    predicted[k].push_back(valueAccess[row][std::int64_t(k)]);
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
            if (subsets) {
                for (std::size_t s = 0; s < kSubsetMasks.size(); ++s) {
                    const at::Tensor mask = torch::tensor({kSubsetMasks[s][0], kSubsetMasks[s][1], kSubsetMasks[s][2]});
                    const at::Tensor subsetValues =
                        s + 1 < kSubsetMasks.size() ? targetValues(forwardOutputs(module, batch, batch.present * mask), task).contiguous()
                                                    : values;
                    subsetPredicted[s].resize(targets);
                    const auto access = subsetValues.accessor<float, 2>();
                    for (std::int64_t row = 0; row < batch.size(); ++row)
                        for (std::size_t k = 0; k < targets; ++k)
                            subsetPredicted[s][k].push_back(access[row][std::int64_t(k)]);
                }
            }
        } catch (const std::exception &error) {
            report.error = QStringLiteral("evaluation failed on samples %1..%2: %3")
                               .arg(dataset.record(chunk.front()).id, dataset.record(chunk.back()).id,
                                    torchErrorSentence(error));
            break;
        }
        if (progress)
            progress(Progress{QStringLiteral("evaluating"), qint64(end), qint64(indices.size()), QString()});
    }
    setTrainingMode(module, wasTraining);

    RegressionReport &r = report.regression;
    r.samples = samples;
    r.loss = lossCount > 0 ? lossSum / lossCount : 0.0;
    double r2Sum = 0.0;
    int r2Count = 0;
    for (std::size_t k = 0; k < targets; ++k) {
        r.targets.push_back(TargetScores::compute(task.targets.at(int(k)), truth[k], predicted[k]));
        if (std::isfinite(r.targets.back().r2)) {
            r2Sum += r.targets.back().r2;
            ++r2Count;
        }
    }
    r.meanR2 = r2Count > 0 ? r2Sum / r2Count : TargetScores::kNan;
    if (subsets && samples > 0 && report.error.isEmpty()) {
        const QStringList names = EvalReport::subsetNames();
        for (std::size_t s = 0; s < kSubsetMasks.size(); ++s) {
            double sum = 0.0;
            int count = 0;
            for (std::size_t k = 0; k < targets; ++k) {
                const double value = TargetScores::compute(task.targets.at(int(k)), truth[k], subsetPredicted[s][k]).r2;
                if (std::isfinite(value)) {
                    sum += value;
                    ++count;
                }
            }
            r.subsetR2.insert(names.at(int(s)), count > 0 ? sum / count : TargetScores::kNan);
        }
    }
    report.samples = samples;
    report.loss = r.loss;
    return report;
}
