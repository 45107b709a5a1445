#include "core/explain/splitexplainer.h"

#include "core/eval/evalreport.h"
#include "core/eval/modelio.h"
#include "core/explain/contributions.h"
#include "core/explain/modelrunner.h"
#include "core/explain/pointinggame.h"

#include <algorithm>
#include <cmath>

namespace {

/** Running sums over the split. */
struct Tally
{
    long long labeled = 0;
    long long correct = 0;
    std::array<long long, 8> subsetCorrect{};
    std::array<double, 3> absShapley{};
    std::array<double, 3> shapley{};
    std::array<int, 3> players{};
    std::array<double, 3> gates{};
    long long gated = 0;
    std::vector<PointingScore> pointing;
};

void scorePointing(SampleExplanation &sample, std::vector<PointingScore> *scores)
{
    summariseAttention(&sample);
    for (const TokenHeat &heat : sample.imageHeats) {
        auto it = std::find_if(scores->begin(), scores->end(), [&](const PointingScore &s) { return s.source == heat.source; });
        if (it == scores->end())
            it = scores->insert(scores->end(), PointingScore{heat.source, 0, 0});
        ++it->total;
        it->hits += pointingHit(heat.weights, sample.geometry, sample.imageWidth, sample.imageHeight, sample.targetBox) ? 1 : 0;
    }
}

DisagreementCase disagreement(const Dataset &dataset, int index, const QStringList &classNames, int predicted,
                              const ModalityContribution &contribution, const std::array<at::Tensor, 3> &unimodal)
{
    DisagreementCase result;
    result.index = index;
    result.sampleId = dataset.record(index).id;
    result.label = dataset.record(index).label;
    result.predicted = classNames.value(predicted);
    result.shapley = contribution.shapley;
    std::vector<int> present;
    QStringList says;
    for (int m = 0; m < 3; ++m) {
        if (!(contribution.players & (1U << m)))
            continue;
        present.push_back(m);
        result.unimodal[std::size_t(m)] = classNames.value(int(unimodal[std::size_t(m)].argmax().item<std::int64_t>()));
        says << QStringLiteral("%1 alone says %2").arg(modalityName(Modality(m)), result.unimodal[std::size_t(m)]);
    }
    // Mean total-variation distance between the unimodal predictive distributions.
    int pairs = 0;
    for (std::size_t a = 0; a < present.size(); ++a) {
        for (std::size_t b = a + 1; b < present.size(); ++b) {
            result.score += 0.5 * (unimodal[std::size_t(present[a])] - unimodal[std::size_t(present[b])]).abs().sum().item<double>();
            ++pairs;
        }
    }
    result.score = pairs > 0 ? result.score / pairs : 0.0;
    double magnitude = 0.0;
    for (double value : contribution.shapley)
        magnitude += std::abs(value);
    bool positive = false;
    bool negative = false;
    for (int m : present) {
        positive = positive || contribution.shapley[std::size_t(m)] > 0.05 * magnitude;
        negative = negative || contribution.shapley[std::size_t(m)] < -0.05 * magnitude;
    }
    result.signConflict = positive && negative && magnitude > 1e-6;
    result.reason = says.join(QStringLiteral("; "));
    if (result.signConflict)
        result.reason += QStringLiteral("; Shapley values of both signs");
    return result;
}

} // namespace

std::vector<std::int64_t> classOfLabel(const Dataset &dataset, const QStringList &classNames)
{
    std::vector<std::int64_t> map;
    for (const QString &label : dataset.labels())
        map.push_back(classNames.indexOf(label));
    return map;
}

SplitExplanation explainSplit(torch::jit::Module &module, const Dataset &dataset, const std::vector<int> &indices,
                              const ExplainSettings &settings, const SplitOptions &options,
                              const ProgressCallback &progress, const CancelFlag *cancel)
{
    SplitExplanation split;
    split.classNames = settings.classNames;
    const int classes = int(split.classNames.size());
    split.confusion.assign(std::size_t(classes), std::vector<int>(std::size_t(classes), 0));
    const std::vector<std::int64_t> labelMap = classOfLabel(dataset, split.classNames);
    Tally tally;
    std::vector<DisagreementCase> cases;
    std::vector<int> labeledTruth; // for split.curves
    std::vector<float> labeledProbabilities;
    c10::InferenceMode inference;
    const std::size_t step = std::size_t(std::max(1, options.batchSize));
    for (std::size_t start = 0; start < indices.size(); start += step) {
        if (cancel && cancel->load()) {
            split.error = QStringLiteral("explanation cancelled");
            break;
        }
        const std::size_t end = std::min(indices.size(), start + step);
        const std::vector<int> chunk(indices.begin() + std::ptrdiff_t(start), indices.begin() + std::ptrdiff_t(end));
        try {
            const Batch batch = makeBatch(dataset, chunk);
            std::array<at::Tensor, 8> logProbabilities;
            ForwardOutput full;
            for (unsigned mask = 0; mask < 8; ++mask) {
                const at::Tensor keep = torch::tensor({float(mask & 1U), float((mask >> 1) & 1U), float((mask >> 2) & 1U)});
                ForwardOutput output = runForward(module, batch.text, batch.image, batch.audio, batch.present * keep,
                                                  /*keepAttention=*/mask == 7 && options.pointing);
                if (output.logits.size(1) != classes)
                    throw std::runtime_error("the model gave " + std::to_string(output.logits.size(1)) + " logits for "
                                             + std::to_string(classes) + " classes");
                logProbabilities[mask] = torch::log_softmax(output.logits, 1).contiguous();
                if (mask == 7)
                    full = std::move(output);
            }
            const at::Tensor predictedAll = logProbabilities[7].argmax(1).contiguous();
            const at::Tensor probabilitiesAll = logProbabilities[7].exp().to(torch::kFloat32).contiguous();
            for (std::size_t i = 0; i < chunk.size(); ++i) {
                const auto row = std::int64_t(i);
                const int index = chunk[i];
                const int predicted = int(predictedAll[row].item<std::int64_t>());
                unsigned players = 0;
                const PresenceMask presence = dataset.presence(index);
                for (int m = 0; m < 3; ++m)
                    players |= presence[std::size_t(m)] ? (1U << m) : 0U;
                std::array<double, 8> values{};
                std::array<int, 8> subsetPredicted{};
                for (unsigned mask = 0; mask < 8; ++mask) {
                    values[mask] = logProbabilities[mask][row][predicted].item<double>();
                    subsetPredicted[mask] = int(logProbabilities[mask][row].argmax().item<std::int64_t>());
                }
                ModalityContribution contribution;
                fillContribution(&contribution, players, values, subsetPredicted);
                split.maxEfficiencyError = std::max(split.maxEfficiencyError, contribution.efficiencyError());
                for (int m = 0; m < 3; ++m) {
                    if (!(players & (1U << m)))
                        continue;
                    ++tally.players[std::size_t(m)];
                    tally.shapley[std::size_t(m)] += contribution.shapley[std::size_t(m)];
                    tally.absShapley[std::size_t(m)] += std::abs(contribution.shapley[std::size_t(m)]);
                }
                if (full.gates.defined()) {
                    ++tally.gated;
                    for (int m = 0; m < 3; ++m)
                        tally.gates[std::size_t(m)] += full.gates[row][m].item<double>();
                }
                const int label = dataset.labelIndex(index);
                const std::int64_t truth = label >= 0 && std::size_t(label) < labelMap.size() ? labelMap[std::size_t(label)] : -1;
                split.predictions.push_back(SplitPrediction{index, int(truth), predicted});
                if (truth >= 0) {
                    ++tally.labeled;
                    const float *probabilities = probabilitiesAll.data_ptr<float>() + row * classes;
                    labeledTruth.push_back(int(truth));
                    labeledProbabilities.insert(labeledProbabilities.end(), probabilities, probabilities + classes);
                    ++split.confusion[std::size_t(truth)][std::size_t(predicted)];
                    tally.correct += predicted == truth ? 1 : 0;
                    for (unsigned mask = 1; mask < 8; ++mask)
                        tally.subsetCorrect[mask] += subsetPredicted[mask] == truth ? 1 : 0;
                }
                const std::array<at::Tensor, 3> unimodal{logProbabilities[1][row].exp(), logProbabilities[2][row].exp(),
                                                         logProbabilities[4][row].exp()};
                cases.push_back(disagreement(dataset, index, split.classNames, predicted, contribution, unimodal));

                PixelRect box;
                if (options.pointing && presence[int(Modality::Image)] && targetBox(dataset.record(index).meta, &box)) {
                    SampleExplanation sample;
                    describeSample(&sample, dataset, index, settings.geometry);
                    sample.maps = attentionMapsOf(full, row);
                    ++split.targetBoxes;
                    scorePointing(sample, &tally.pointing);
                }
            }
        } catch (const std::exception &error) {
            split.error = QStringLiteral("explanation failed on samples %1..%2: %3")
                              .arg(dataset.record(chunk.front()).id, dataset.record(chunk.back()).id, torchErrorSentence(error));
            break;
        }
        split.samples += int(chunk.size());
        if (progress)
            progress(Progress{QStringLiteral("explaining"), qint64(end), qint64(indices.size()), QString()});
    }

    split.labeled = int(tally.labeled);
    const auto rate = [&](long long hits) { return tally.labeled > 0 ? double(hits) / double(tally.labeled) : 0.0; };
    split.accuracy = rate(tally.correct);
    split.curves = ClassifierCurves::compute(labeledTruth, labeledProbabilities, classes);
    // EvalReport's subset order: text, image, audio, text+image, text+audio, image+audio, all.
    const unsigned subsetMasks[] = {1, 2, 4, 3, 5, 6, 7};
    const QStringList names = EvalReport::subsetNames();
    for (int s = 0; s < 7 && s < names.size(); ++s)
        split.subsetAccuracy.insert(names.at(s), rate(tally.subsetCorrect[subsetMasks[s]]));
    for (int m = 0; m < 3; ++m) {
        split.playerCount[std::size_t(m)] = tally.players[std::size_t(m)];
        const int n = std::max(1, tally.players[std::size_t(m)]);
        split.meanAbsShapley[std::size_t(m)] = tally.absShapley[std::size_t(m)] / n;
        split.meanShapley[std::size_t(m)] = tally.shapley[std::size_t(m)] / n;
        split.meanGates[std::size_t(m)] = tally.gated > 0 ? tally.gates[std::size_t(m)] / double(tally.gated) : 0.0;
    }
    split.hasGates = tally.gated > 0;
    split.pointing = tally.pointing;
    std::stable_sort(cases.begin(), cases.end(), [](const DisagreementCase &a, const DisagreementCase &b) {
        return a.score != b.score ? a.score > b.score : (a.signConflict && !b.signConflict);
    });
    cases.resize(std::min(cases.size(), std::size_t(std::max(0, options.disagreements))));
    split.disagreements = std::move(cases);

    if (split.error.isEmpty() && options.robustness)
        addRobustness(&split, module, dataset, indices, labelMap, options, progress, cancel);
    return split;
}
