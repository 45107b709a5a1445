#include "core/eval/evaluator.h"

#include "core/data/batch.h"
#include "core/dist/evalshard.h"
#include "core/eval/modelio.h"

#include <array>
#include <cmath>

namespace {

at::Tensor localLogits(torch::jit::Module &module, const Batch &batch, const at::Tensor &present)
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

} // namespace

at::Tensor forwardLogits(torch::jit::Module &module, const Batch &batch, const at::Tensor &present)
{
    if (ProcessGroup *group = EvalShardScope::current()) { // a distributed run's evaluation: 1/N of the rows here
        return gatherShardedRows(*group, batch, present, [&module](const Batch &rows, const at::Tensor &rowsPresent) {
            return localLogits(module, rows, rowsPresent);
        });
    }
    return localLogits(module, batch, present);
}

void forEachEvalBatch(torch::jit::Module &module, const Dataset &dataset, const std::vector<int> &indices, int batchSize,
                      EvalReport *report, const ProgressCallback &progress, const CancelFlag *cancel,
                      const std::function<bool(const std::vector<int> &chunk, const Batch &batch)> &score)
{
    const std::size_t step = std::size_t(std::max(1, batchSize));
    const bool wasTraining = module.is_training();
    setTrainingMode(module, false);
    {
        c10::InferenceMode inference; // no autograd bookkeeping at all; the caller picks the precision
        for (std::size_t start = 0; start < indices.size(); start += step) {
            if (cancel && cancel->load()) {
                report->error = QStringLiteral("evaluation cancelled");
                break;
            }
            const std::size_t end = std::min(indices.size(), start + step);
            const std::vector<int> chunk(indices.begin() + std::ptrdiff_t(start), indices.begin() + std::ptrdiff_t(end));
            try {
                if (!score(chunk, makeBatch(dataset, chunk)))
                    break;
            } catch (const std::exception &error) {
                report->error = QStringLiteral("evaluation failed on samples %1..%2: %3")
                                    .arg(dataset.record(chunk.front()).id, dataset.record(chunk.back()).id,
                                         torchErrorSentence(error));
                break;
            }
            if (progress)
                progress(Progress{QStringLiteral("evaluating"), qint64(end), qint64(indices.size()), QString()});
        }
    }
    setTrainingMode(module, wasTraining);
}

EvalReport evaluateModel(torch::jit::Module &module, const Dataset &dataset, const std::vector<int> &indices,
                         int batchSize, bool subsets, std::vector<SamplePrediction> *predictions,
                         const ProgressCallback &progress, const CancelFlag *cancel, const QStringList &classNames)
{
    EvalReport report;
    report.labels = classNames.isEmpty() ? dataset.labels() : classNames;
    const int classes = int(report.labels.size());
    std::vector<std::int64_t> labelMap;
    for (const QString &label : dataset.labels())
        labelMap.push_back(report.labels.indexOf(label));
    report.confusion.assign(std::size_t(classes), std::vector<int>(std::size_t(classes), 0));
    if (predictions)
        predictions->clear();

    std::vector<int> labeledTruth; // the labeled rows' classes and probabilities, for report.curves
    std::vector<float> labeledProbabilities;
    std::array<long long, 7> subsetCorrect{};
    long long labeled = 0;
    double lossSum = 0.0;
    forEachEvalBatch(module, dataset, indices, batchSize, &report, progress, cancel,
                     [&](const std::vector<int> &chunk, const Batch &batch) {
        const std::int64_t rows = batch.size();
        at::Tensor target = batch.labels.to(torch::kInt64).clone();
        auto targetAccess = target.accessor<std::int64_t, 1>();
        for (std::int64_t i = 0; i < rows; ++i) {
            const std::int64_t datasetLabel = targetAccess[i];
            targetAccess[i] = datasetLabel >= 0 && datasetLabel < std::int64_t(labelMap.size())
                                  ? labelMap[std::size_t(datasetLabel)]
                                  : -1;
        }
        const at::Tensor logits = forwardLogits(module, batch, batch.present);
        if (logits.dim() != 2 || logits.size(0) != rows || logits.size(1) != classes) {
            report.error = QStringLiteral("the model gave logits of shape [%1, %2] for %3 samples and %4 classes")
                               .arg(logits.size(0))
                               .arg(logits.dim() > 1 ? logits.size(1) : 0)
                               .arg(rows)
                               .arg(classes);
            return false;
        }
        const at::Tensor logProbabilities = torch::log_softmax(logits, 1);
        const at::Tensor probabilities = logProbabilities.exp().contiguous();
        const at::Tensor predicted = logits.argmax(1).contiguous();
        const auto logAccess = logProbabilities.accessor<float, 2>();
        const auto predictedAccess = predicted.accessor<std::int64_t, 1>();
        for (std::int64_t i = 0; i < rows; ++i) {
            const std::int64_t truth = targetAccess[i];
            const float *row = probabilities.data_ptr<float>() + i * classes;
            if (truth >= 0) {
                ++labeled;
                labeledTruth.push_back(int(truth));
                labeledProbabilities.insert(labeledProbabilities.end(), row, row + classes);
                lossSum -= double(logAccess[i][truth]);
                ++report.confusion[std::size_t(truth)][std::size_t(predictedAccess[i])];
            }
            if (predictions) {
                SamplePrediction prediction;
                prediction.index = chunk[std::size_t(i)];
                prediction.predicted = int(predictedAccess[i]);
                prediction.probabilities.assign(row, row + classes);
                predictions->push_back(std::move(prediction));
            }
        }
        if (subsets) {
            for (std::size_t s = 0; s < kSubsetMasks.size(); ++s) {
                at::Tensor subsetPredicted = predicted;
                if (s + 1 < kSubsetMasks.size()) { // the full mask leaves present unchanged
                    const at::Tensor mask = torch::tensor({kSubsetMasks[s][0], kSubsetMasks[s][1], kSubsetMasks[s][2]});
                    subsetPredicted = forwardLogits(module, batch, batch.present * mask).argmax(1).contiguous();
                }
                const auto access = subsetPredicted.accessor<std::int64_t, 1>();
                for (std::int64_t i = 0; i < rows; ++i) {
                    if (targetAccess[i] >= 0 && access[i] == targetAccess[i])
                        ++subsetCorrect[s];
                }
            }
        }
        return true;
    });

    report.computeScores();
    report.curves = ClassifierCurves::compute(labeledTruth, labeledProbabilities, classes);
    report.loss = labeled > 0 ? lossSum / double(labeled) : 0.0;
    if (subsets && labeled > 0) {
        const QStringList names = EvalReport::subsetNames();
        for (std::size_t s = 0; s < kSubsetMasks.size(); ++s)
            report.subsetAccuracy.insert(names.at(int(s)), double(subsetCorrect[s]) / double(labeled));
    }
    return report;
}
