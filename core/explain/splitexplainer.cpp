#include "core/explain/splitexplainer.h"

#include "core/eval/evalreport.h"
#include "core/eval/modelio.h"
#include "core/explain/contributions.h"
#include "core/explain/modelrunner.h"
#include "core/explain/pointinggame.h"
#include "core/explain/shapley.h"

#include <algorithm>
#include <cmath>

namespace {

/** Running sums over the split. */
struct Tally
{
    std::array<double, 3> absShapley{};
    std::array<double, 3> shapley{};
    std::array<int, 3> players{};
    std::array<double, 3> gates{};
    long long gated = 0;
    std::vector<std::array<double, 3>> outputAbsShapley; ///< regress / multilabel: per column
    std::vector<std::array<double, 3>> outputShapley;
    std::vector<PointingScore> pointing;
    std::array<double, 3> agreement{}; ///< a representation: summed cosines per kModalityPairs pair
    std::array<int, 3> agreementCount{};

    void addAgreement(const std::array<double, 3> &pairs)
    {
        for (std::size_t p = 0; p < pairs.size(); ++p) {
            if (std::isfinite(pairs[p])) {
                agreement[p] += pairs[p];
                ++agreementCount[p];
            }
        }
    }
};

void scorePointing(SampleExplanation &sample, std::vector<PointingScore> *scores, const AgreementHeats &agreement, std::int64_t row)
{
    summariseAttention(&sample);
    preferAgreementHeats(&sample, agreement, row);
    for (const TokenHeat &heat : sample.imageHeats) {
        auto it = std::find_if(scores->begin(), scores->end(), [&](const PointingScore &s) { return s.source == heat.source; });
        if (it == scores->end())
            it = scores->insert(scores->end(), PointingScore{heat.source, 0, 0});
        ++it->total;
        it->hits += pointingHit(heat.weights, sample.geometry, sample.imageWidth, sample.imageHeight, sample.targetBox) ? 1 : 0;
    }
}

/** What one set of readings predicts, in words: the class, the tags over their thresholds, or the values. */
QString predictionText(const TaskReadout &readout, const QStringList &columns, const float *readings)
{
    const TaskSpec &task = readout.task;
    if (task.isRegression()) {
        QStringList values;
        for (int c = 0; c < readout.outputs; ++c)
            values << (readout.outputs > 1 ? columns.value(c) + QLatin1Char(' ') : QString()) + QString::number(readings[c], 'g', 3);
        return values.join(QStringLiteral(", "));
    }
    if (task.isMultilabel()) {
        QStringList tags;
        for (int c = 0; c < readout.outputs; ++c) {
            if (readings[c] >= (std::size_t(c) < task.thresholds.size() ? task.thresholds[std::size_t(c)] : 0.5))
                tags << columns.value(c);
        }
        return tags.isEmpty() ? QStringLiteral("no tag") : tags.join(QStringLiteral(", "));
    }
    return columns.value(int(std::max_element(readings, readings + readout.outputs) - readings));
}

/** How far apart two unimodal readings are, in the units DisagreementCase::score names. */
double readingDistance(const TaskReadout &readout, const float *a, const float *b)
{
    double sum = 0.0;
    for (int c = 0; c < readout.outputs; ++c) {
        const double gap = std::abs(double(a[c]) - double(b[c]));
        sum += readout.task.isRegression() && std::size_t(c) < readout.task.std.size() ? gap / readout.task.std[std::size_t(c)] : gap;
    }
    if (readout.task.hasTargets())
        return readout.outputs > 0 ? sum / readout.outputs : 0.0;
    return 0.5 * sum; // total variation of two class distributions
}

DisagreementCase disagreement(const Dataset &dataset, int index, const QStringList &columns, const TaskReadout &readout,
                              const float *fullReadings, const ModalityContribution &contribution,
                              const std::array<const float *, 3> &unimodal)
{
    DisagreementCase result;
    result.index = index;
    result.sampleId = dataset.record(index).id;
    result.label = dataset.record(index).label;
    result.predicted = predictionText(readout, columns, fullReadings);
    result.shapley = contribution.shapley;
    std::vector<int> present;
    QStringList says;
    for (int m = 0; m < 3; ++m) {
        if (!(contribution.players & (1U << m)))
            continue;
        present.push_back(m);
        result.unimodal[std::size_t(m)] = predictionText(readout, columns, unimodal[std::size_t(m)]);
        says << QStringLiteral("%1 alone says %2").arg(modalityName(Modality(m)), result.unimodal[std::size_t(m)]);
    }
    int pairs = 0;
    for (std::size_t a = 0; a < present.size(); ++a) {
        for (std::size_t b = a + 1; b < present.size(); ++b) {
            result.score += readingDistance(readout, unimodal[std::size_t(present[a])], unimodal[std::size_t(present[b])]);
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

/** 1 when the prediction is right (the class, or the whole tag set), 0 when wrong, -1 unknown or a regression. */
int verdictOf(const TaskReadout &readout, const SplitPrediction &outcome, const at::Tensor &truth, std::int64_t row,
              const float *readings)
{
    if (!readout.task.hasTargets())
        return outcome.truth >= 0 ? (outcome.truth == outcome.predicted ? 1 : 0) : -1;
    if (!readout.task.isMultilabel())
        return -1;
    const at::Tensor known = truth[row].contiguous();
    const float *given = known.data_ptr<float>();
    for (int c = 0; c < readout.outputs; ++c) {
        if (!std::isfinite(given[c]))
            return -1;
        const double threshold = std::size_t(c) < readout.task.thresholds.size() ? readout.task.thresholds[std::size_t(c)] : 0.5;
        if ((readings[c] >= threshold) != (given[c] > 0.5f))
            return 0;
    }
    return 1;
}

unsigned playersOf(const Dataset &dataset, int index)
{
    unsigned players = 0;
    const PresenceMask presence = dataset.presence(index);
    for (int m = 0; m < 3; ++m)
        players |= presence[std::size_t(m)] ? (1U << m) : 0U;
    return players;
}

/** Adds each column's own Shapley values (regress targets, tags) of one row to the tally. */
void addOutputShapley(Tally *tally, const std::array<at::Tensor, 8> &values, std::int64_t row, unsigned players)
{
    for (std::size_t c = 0; c < tally->outputShapley.size(); ++c) {
        std::array<double, 8> game{};
        for (unsigned mask = 0; mask < 8; ++mask)
            game[mask] = values[mask].data_ptr<double>()[row * values[mask].size(1) + std::int64_t(c)];
        const std::array<double, 3> phi = exactShapley(game, players);
        for (int m = 0; m < 3; ++m) {
            if (!(players & (1U << m)))
                continue;
            tally->outputShapley[c][std::size_t(m)] += phi[std::size_t(m)];
            tally->outputAbsShapley[c][std::size_t(m)] += std::abs(phi[std::size_t(m)]);
        }
    }
}

} // namespace

SplitExplanation explainSplit(torch::jit::Module &module, const Dataset &dataset, const std::vector<int> &indices,
                              const ExplainSettings &settings, const SplitOptions &options,
                              const ProgressCallback &progress, const CancelFlag *cancel)
{
    const TaskReadout &readout = settings.readout;
    SplitExplanation split;
    split.task = readout.task.kind;
    split.representation = readout.representation;
    split.classNames = settings.classNames;
    const int columns = int(split.classNames.size());
    const bool representation = !readout.needsLogits(); // no task: no score, confusion or disagreement
    const bool classify = !readout.task.hasTargets() && !representation;
    if (classify)
        split.confusion.assign(std::size_t(columns), std::vector<int>(std::size_t(columns), 0));
    Tally tally;
    if (!classify && !representation) {
        tally.outputShapley.assign(std::size_t(columns), {});
        tally.outputAbsShapley.assign(std::size_t(columns), {});
    }
    std::vector<TaskScore> subsetScores(8, TaskScore(readout)); // by mask; 7 is every modality
    std::vector<DisagreementCase> cases;
    std::vector<int> labeledTruth; // classify: for split.curves
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
            const at::Tensor truth = readout.truth(batch);
            std::array<at::Tensor, 8> scores;   // what the game reads per mask: logits, or a representation
            std::array<at::Tensor, 8> values;   // the game's value per mask, [B,C] double
            std::array<at::Tensor, 8> readings; // [B,C] float
            ForwardOutput full;
            for (unsigned mask = 0; mask < 8; ++mask) {
                const at::Tensor keep = torch::tensor({float(mask & 1U), float((mask >> 1) & 1U), float((mask >> 2) & 1U)});
                ForwardOutput output = runForward(module, batch.text, batch.image, batch.audio, batch.present * keep,
                                                  /*keepAttention=*/mask == 7 && options.pointing, readout.needsLogits());
                scores[mask] = readout.scores(output);
                if (!representation && scores[mask].size(1) != columns)
                    throw std::runtime_error("the model gave " + std::to_string(scores[mask].size(1)) + " outputs for "
                                             + std::to_string(columns) + " columns (" + split.classNames.join(QStringLiteral(", ")).toStdString() + ")");
                if (mask > 0 && !representation)
                    subsetScores[mask].add(output.logits, truth);
                if (mask == 7)
                    full = std::move(output);
            }
            for (unsigned mask = 0; mask < 8; ++mask) {
                values[mask] = readout.values(scores[mask], scores[7]).to(torch::kFloat64).contiguous();
                readings[mask] = readout.readings(scores[mask], scores[7]).to(torch::kFloat32).contiguous();
            }
            const at::Tensor explained = readout.explainedColumns(scores[7]).contiguous();
            AgreementHeats agreement; // an aligned model's, for the pointing game
            bool agreementDone = false;
            for (std::size_t i = 0; i < chunk.size(); ++i) {
                const auto row = std::int64_t(i);
                const int index = chunk[i];
                const int predicted = int(explained.data_ptr<std::int64_t>()[row]);
                const unsigned players = playersOf(dataset, index);
                std::array<double, 8> game{};
                std::array<int, 8> subsetPredicted{};
                for (unsigned mask = 0; mask < 8; ++mask) {
                    const double *cells = values[mask].data_ptr<double>() + row * columns;
                    game[mask] = cells[predicted];
                    subsetPredicted[mask] = int(std::max_element(cells, cells + columns) - cells);
                }
                ModalityContribution contribution;
                fillContribution(&contribution, players, game, subsetPredicted, readout);
                split.maxEfficiencyError = std::max(split.maxEfficiencyError, contribution.efficiencyError());
                for (int m = 0; m < 3; ++m) {
                    if (!(players & (1U << m)))
                        continue;
                    ++tally.players[std::size_t(m)];
                    tally.shapley[std::size_t(m)] += contribution.shapley[std::size_t(m)];
                    tally.absShapley[std::size_t(m)] += std::abs(contribution.shapley[std::size_t(m)]);
                }
                if (!classify)
                    addOutputShapley(&tally, values, row, players);
                if (full.gates.defined()) {
                    ++tally.gated;
                    for (int m = 0; m < 3; ++m)
                        tally.gates[std::size_t(m)] += full.gates[row][m].item<double>();
                }
                const float *fullReadings = readings[7].data_ptr<float>() + row * columns;
                SplitPrediction outcome{index, -1, predicted, {}, {}};
                if (classify) {
                    outcome.truth = int(truth[row].item<std::int64_t>());
                    if (outcome.truth >= 0) {
                        ++split.labeled;
                        labeledTruth.push_back(outcome.truth);
                        labeledProbabilities.insert(labeledProbabilities.end(), fullReadings, fullReadings + columns);
                        ++split.confusion[std::size_t(outcome.truth)][std::size_t(predicted)];
                    }
                } else if (!representation) {
                    const at::Tensor known = truth[row];
                    split.labeled += torch::isfinite(known).any().item<bool>() ? 1 : 0;
                    if (readout.task.isRegression()) {
                        outcome.truthValues.assign(known.data_ptr<float>(), known.data_ptr<float>() + columns);
                        outcome.predictedValues.assign(fullReadings, fullReadings + columns);
                    }
                }
                split.predictions.push_back(std::move(outcome));
                if (readout.isJoint()) {
                    tally.addAgreement(pairAgreement(full, row, players));
                } else if (!representation) {
                    const std::array<const float *, 3> unimodal{readings[1].data_ptr<float>() + row * columns,
                                                                readings[2].data_ptr<float>() + row * columns,
                                                                readings[4].data_ptr<float>() + row * columns};
                    cases.push_back(disagreement(dataset, index, split.classNames, readout, fullReadings, contribution, unimodal));
                    cases.back().verdict = verdictOf(readout, split.predictions.back(), truth, row, fullReadings);
                }

                PixelRect box;
                if (options.pointing && (players & 2U) && targetBox(dataset.record(index).meta, &box)) {
                    SampleExplanation sample;
                    describeSample(&sample, dataset, index, settings.geometry);
                    sample.maps = attentionMapsOf(full, row);
                    if (readout.isJoint() && !agreementDone) {
                        agreement = agreementHeats(module, batch, settings.geometry); // once per batch, when needed
                        agreementDone = true;
                    }
                    ++split.targetBoxes;
                    scorePointing(sample, &tally.pointing, agreement, row);
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

    split.accuracy = representation ? std::nan("") : subsetScores[7].score();
    for (std::size_t p = 0; p < tally.agreementCount.size(); ++p) {
        split.agreementCount[p] = tally.agreementCount[p];
        split.meanAgreement[p] = tally.agreementCount[p] > 0 ? tally.agreement[p] / tally.agreementCount[p] : std::nan("");
    }
    if (classify)
        split.curves = ClassifierCurves::compute(labeledTruth, labeledProbabilities, columns);
    if (readout.task.isRegression()) {
        split.regression.samples = split.labeled;
        split.regression.loss = std::nan(""); // not what an explanation measures
        split.regression.targets = subsetScores[7].targetColumns().scores();
        split.regression.meanR2 = meanR2(split.regression.targets);
    }
    if (readout.task.isMultilabel()) {
        std::vector<double> thresholds = readout.task.thresholds;
        thresholds.resize(std::size_t(columns), 0.5);
        split.multilabel = MultilabelReport::compute(split.classNames, subsetScores[7].tagMatrix(), thresholds);
        split.multilabel.loss = std::nan("");
    }
    // EvalReport's subset order: text, image, audio, text+image, text+audio, image+audio, all.
    const unsigned subsetMasks[] = {1, 2, 4, 3, 5, 6, 7};
    const QStringList names = EvalReport::subsetNames();
    for (int s = 0; s < 7 && s < names.size() && !representation; ++s)
        split.subsetAccuracy.insert(names.at(s), subsetScores[subsetMasks[s]].score());
    for (int m = 0; m < 3; ++m) {
        split.playerCount[std::size_t(m)] = tally.players[std::size_t(m)];
        const int n = std::max(1, tally.players[std::size_t(m)]);
        split.meanAbsShapley[std::size_t(m)] = tally.absShapley[std::size_t(m)] / n;
        split.meanShapley[std::size_t(m)] = tally.shapley[std::size_t(m)] / n;
        split.meanGates[std::size_t(m)] = tally.gated > 0 ? tally.gates[std::size_t(m)] / double(tally.gated) : 0.0;
        for (std::size_t c = 0; c < tally.outputShapley.size(); ++c) {
            tally.outputShapley[c][std::size_t(m)] /= n;
            tally.outputAbsShapley[c][std::size_t(m)] /= n;
        }
    }
    split.outputMeanShapley = std::move(tally.outputShapley);
    split.outputMeanAbsShapley = std::move(tally.outputAbsShapley);
    split.hasGates = tally.gated > 0;
    split.pointing = tally.pointing;
    std::stable_sort(cases.begin(), cases.end(), [](const DisagreementCase &a, const DisagreementCase &b) {
        return a.score != b.score ? a.score > b.score : (a.signConflict && !b.signConflict);
    });
    cases.resize(std::min(cases.size(), std::size_t(std::max(0, options.disagreements))));
    split.disagreements = std::move(cases);

    if (split.error.isEmpty() && options.robustness && !representation)
        addRobustness(&split, module, dataset, indices, readout, options, progress, cancel);
    return split;
}
