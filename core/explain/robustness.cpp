// Robustness curves (MultiBench style): one modality degraded, the others clean.
#include "core/explain/splitexplainer.h"

#include "core/eval/modelio.h"
#include "core/explain/corruptions.h"
#include "core/explain/modelrunner.h"

namespace {

void scorePass(TaskScore *score, torch::jit::Module &module, const Batch &batch, const at::Tensor &present, const at::Tensor &truth)
{
    const ForwardOutput output = runForward(module, batch.text, batch.image, batch.audio, present, /*keepAttention=*/false);
    score->add(output.logits, truth);
}

} // namespace

bool addRobustness(SplitExplanation *split, torch::jit::Module &module, const Dataset &dataset,
                   const std::vector<int> &indices, const TaskReadout &readout,
                   const SplitOptions &options, const ProgressCallback &progress, const CancelFlag *cancel)
{
    const std::vector<CorruptionInfo> &kinds = corruptionList();
    const int steps = std::max(2, options.severitySteps);
    std::vector<double> severities;
    for (int s = 0; s < steps; ++s)
        severities.push_back(double(s) / double(steps - 1));
    // scores[kind][step]; step 0 is the clean pass, shared by every curve.
    std::vector<std::vector<TaskScore>> scores(kinds.size(), std::vector<TaskScore>(severities.size(), TaskScore(readout)));
    std::vector<TaskScore> missing(3, TaskScore(readout));
    TaskScore clean(readout);
    c10::InferenceMode inference;
    const std::size_t step = std::size_t(std::max(1, options.batchSize));
    for (std::size_t start = 0; start < indices.size(); start += step) {
        if (cancel && cancel->load()) {
            split->error = QStringLiteral("robustness evaluation cancelled");
            return false;
        }
        const std::size_t end = std::min(indices.size(), start + step);
        const std::vector<int> chunk(indices.begin() + std::ptrdiff_t(start), indices.begin() + std::ptrdiff_t(end));
        try {
            const Batch batch = makeBatch(dataset, chunk);
            const at::Tensor truth = readout.truth(batch);
            scorePass(&clean, module, batch, batch.present, truth);
            for (std::size_t k = 0; k < kinds.size(); ++k) {
                for (std::size_t s = 1; s < severities.size(); ++s) {
                    Batch degraded = batch;
                    corruptBatch(&degraded, kinds[k].kind, severities[s], options.seed, dataset.preprocess());
                    scorePass(&scores[k][s], module, degraded, degraded.present, truth);
                }
            }
            for (int m = 0; m < 3; ++m) {
                at::Tensor present = batch.present.clone();
                present.select(1, m).zero_();
                scorePass(&missing[std::size_t(m)], module, batch, present, truth);
            }
        } catch (const std::exception &error) {
            split->error = QStringLiteral("robustness evaluation failed on samples %1..%2: %3")
                               .arg(dataset.record(chunk.front()).id, dataset.record(chunk.back()).id, torchErrorSentence(error));
            return false;
        }
        if (progress)
            progress(Progress{QStringLiteral("robustness"), qint64(end), qint64(indices.size()), QString()});
    }
    split->hasRobustness = true;
    split->cleanAccuracy = clean.score();
    for (int m = 0; m < 3; ++m)
        split->missingAccuracy[std::size_t(m)] = missing[std::size_t(m)].score();
    const int imageSize = dataset.preprocess().imageSize;
    for (std::size_t k = 0; k < kinds.size(); ++k) {
        RobustnessCurve curve;
        curve.modality = modalityName(kinds[k].modality);
        curve.corruption = QString::fromLatin1(kinds[k].name);
        curve.levelUnit = QString::fromLatin1(kinds[k].levelUnit);
        curve.severities = severities;
        for (std::size_t s = 0; s < severities.size(); ++s) {
            curve.levels.push_back(corruptionLevel(kinds[k].kind, severities[s], imageSize));
            curve.accuracy.push_back(s == 0 ? split->cleanAccuracy : scores[k][s].score());
        }
        split->robustness.push_back(std::move(curve));
    }
    return true;
}
