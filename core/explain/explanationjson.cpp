// JSON form of a sample explanation: what `fusionscope explain --json` prints and the GUI exports.
#include "core/explain/explanation.h"

#include "core/explain/pointinggame.h"
#include "core/util/jsonnumber.h"

#include <QtCore/QJsonArray>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace {

QJsonObject perModality(const std::array<double, 3> &values)
{
    QJsonObject object;
    for (Modality modality : kAllModalities)
        object.insert(modalityName(modality), jsonNumber(values[std::size_t(modality)]));
    return object;
}

QJsonArray floats(const std::vector<float> &values)
{
    QJsonArray array;
    for (float value : values)
        array.append(double(value));
    return array;
}

QJsonArray rectJson(const PixelRect &rect)
{
    return QJsonArray{rect.x0, rect.y0, rect.x1, rect.y1};
}

QJsonObject heatJson(const TokenHeat &heat)
{
    return QJsonObject{{QStringLiteral("source"), heat.source}, {QStringLiteral("weights"), floats(heat.weights)},
                       {QStringLiteral("peak"), peakIndex(heat.weights)}};
}

QString maskName(unsigned mask)
{
    QStringList names;
    for (Modality modality : kAllModalities) {
        if (mask & (1U << int(modality)))
            names << modalityName(modality);
    }
    return names.isEmpty() ? QStringLiteral("none") : names.join(QLatin1Char('+'));
}

} // namespace

QString gameValueDescription(TaskKind task)
{
    switch (task) {
    case TaskKind::Regress:
        return QStringLiteral("the predicted value of the explained target, in the dataset's units");
    case TaskKind::Multilabel:
        return QStringLiteral("the logit (log-odds) of the explained tag");
    case TaskKind::Classify:
        break;
    }
    return QStringLiteral("log-probability of the class predicted with every present modality");
}

QString representationGameDescription(const QString &representation)
{
    return QStringLiteral("cosine between the sample's %1 embedding with these modalities and with every present modality")
        .arg(representation);
}

QString modalityPairName(std::size_t pair)
{
    return modalityName(kModalityPairs[pair][0]) + QLatin1Char('~') + modalityName(kModalityPairs[pair][1]);
}

QStringList SampleExplanation::predictedTags() const
{
    QStringList tags;
    for (std::size_t c = 0; c < probabilities.size() && task == TaskKind::Multilabel; ++c) {
        if (probabilities[c] >= (c < thresholds.size() ? thresholds[c] : 0.5))
            tags << classNames.value(int(c));
    }
    return tags;
}

QStringList SampleExplanation::trueTags() const
{
    QStringList tags;
    for (std::size_t c = 0; c < truth.size() && task == TaskKind::Multilabel; ++c) {
        if (truth[c] > 0.5f)
            tags << classNames.value(int(c));
    }
    return tags;
}

double ModalityContribution::efficiencyError() const
{
    return std::abs(shapleySum() - (fAll - fNone));
}

QJsonObject ModalityContribution::toJson() const
{
    QJsonObject json;
    json.insert(QStringLiteral("value"), representation.isEmpty() ? gameValueDescription(task) : representationGameDescription(representation));
    json.insert(QStringLiteral("players"), maskName(players));
    json.insert(QStringLiteral("f_all"), jsonNumber(fAll));
    json.insert(QStringLiteral("f_none"), jsonNumber(fNone));
    json.insert(QStringLiteral("shapley"), perModality(shapley));
    json.insert(QStringLiteral("shapley_sum"), jsonNumber(shapleySum()));
    json.insert(QStringLiteral("efficiency_error"), jsonNumber(efficiencyError()));
    QJsonObject subsets;
    for (unsigned mask = 0; mask < 8; ++mask) {
        if ((mask & players) != mask)
            continue;
        subsets.insert(maskName(mask), QJsonObject{{QStringLiteral("value"), jsonNumber(subsetValues[mask])},
                                                   {QStringLiteral("predicted"), subsetPredicted[mask]}});
    }
    json.insert(QStringLiteral("subsets"), subsets);
    // A regression's reading is the predicted value, a representation's the cosine, not a probability.
    const QString reading = !representation.isEmpty() ? QStringLiteral("cosine")
                            : task == TaskKind::Regress ? QStringLiteral("prediction") : QStringLiteral("probability");
    json.insert(reading, jsonNumber(probability));
    json.insert(reading + QStringLiteral("_without"), perModality(probabilityWithout));
    json.insert(QStringLiteral("leave_one_out"), perModality(leaveOneOut));
    json.insert(QStringLiteral("gates"), hasGates ? QJsonValue(perModality(gates)) : QJsonValue(QJsonValue::Null));
    json.insert(QStringLiteral("grad_input"), perModality(gradInput));
    json.insert(QStringLiteral("grad_input_text"), textGradMethod);
    return json;
}

QJsonObject SampleExplanation::predictionJson(int topK) const
{
    const auto number = [this](const std::vector<float> &values, std::size_t c) {
        return c < values.size() ? jsonNumber(double(values[c])) : QJsonValue(QJsonValue::Null);
    };
    if (!contribution.representation.isEmpty()) {
        // Nothing is predicted: the sample is a point in the embedding space.
        QJsonObject pairs;
        for (std::size_t p = 0; p < agreement.size(); ++p)
            pairs.insert(modalityPairName(p), jsonNumber(agreement[p]));
        return {{QStringLiteral("representation"), contribution.representation}, {QStringLiteral("agreement"), pairs}};
    }
    if (task == TaskKind::Regress) {
        QJsonObject values;
        QJsonObject truths;
        for (std::size_t c = 0; c < probabilities.size(); ++c) {
            values.insert(classNames.value(int(c)), number(probabilities, c));
            truths.insert(classNames.value(int(c)), number(truth, c));
        }
        return {{QStringLiteral("target"), classNames.value(predicted)}, {QStringLiteral("index"), predicted},
                {QStringLiteral("values"), values}, {QStringLiteral("truth"), truth.empty() ? QJsonValue(QJsonValue::Null) : QJsonValue(truths)}};
    }
    if (task == TaskKind::Multilabel) {
        QJsonObject tagProbabilities;
        for (std::size_t c = 0; c < probabilities.size(); ++c)
            tagProbabilities.insert(classNames.value(int(c)), number(probabilities, c));
        return {{QStringLiteral("tags"), QJsonArray::fromStringList(predictedTags())},
                {QStringLiteral("true_tags"), truth.empty() ? QJsonValue(QJsonValue::Null) : QJsonValue(QJsonArray::fromStringList(trueTags()))},
                {QStringLiteral("explained_tag"), classNames.value(predicted)}, {QStringLiteral("index"), predicted},
                {QStringLiteral("probabilities"), tagProbabilities}};
    }
    std::vector<int> order(probabilities.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [this](int a, int b) { return probabilities[std::size_t(a)] > probabilities[std::size_t(b)]; });
    QJsonArray top;
    for (int k = 0; k < std::min<int>(topK, int(order.size())); ++k)
        top.append(QJsonObject{{QStringLiteral("label"), classNames.value(order[std::size_t(k)])},
                               {QStringLiteral("probability"), double(probabilities[std::size_t(order[std::size_t(k)])])}});
    return {{QStringLiteral("label"), classNames.value(predicted)},
            {QStringLiteral("index"), predicted},
            {QStringLiteral("probability"), predicted >= 0 ? double(probabilities[std::size_t(predicted)]) : 0.0},
            {QStringLiteral("correct"), label.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(label == classNames.value(predicted))},
            {QStringLiteral("top_k"), top}};
}

QJsonObject SampleExplanation::toJson(int topK) const
{
    QJsonObject json;
    json.insert(QStringLiteral("id"), sampleId);
    json.insert(QStringLiteral("index"), index);
    json.insert(QStringLiteral("label"), label.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(label));
    if (!error.isEmpty()) {
        json.insert(QStringLiteral("error"), error);
        return json;
    }
    QJsonObject present;
    for (Modality modality : kAllModalities)
        present.insert(modalityName(modality), this->present[std::size_t(modality)]);
    json.insert(QStringLiteral("present"), present);

    json.insert(QStringLiteral("prediction"), predictionJson(topK));
    if (!outputShapley.empty()) {
        QJsonObject columns;
        for (std::size_t c = 0; c < outputShapley.size(); ++c)
            columns.insert(classNames.value(int(c)), perModality(outputShapley[c]));
        json.insert(QStringLiteral("output_shapley"), columns);
    }

    QJsonObject attention;
    QJsonArray mapList;
    for (const AttentionMap &map : maps) {
        const std::vector<bool> rows = map.query == QLatin1String("text") && map.queries == geometry.textLength ? textValid : std::vector<bool>();
        mapList.append(QJsonObject{{QStringLiteral("name"), map.name}, {QStringLiteral("layer"), map.layer},
                                   {QStringLiteral("heads"), map.heads}, {QStringLiteral("queries"), map.queries},
                                   {QStringLiteral("keys"), map.keys},
                                   {QStringLiteral("key_weights"), floats(meanRows(map.headAverage(), map.queries, map.keys, rows))}});
    }
    attention.insert(QStringLiteral("maps"), mapList);
    QJsonArray rolloutList;
    for (const AttentionRollout &rollout : rollouts)
        rolloutList.append(QJsonObject{{QStringLiteral("family"), rollout.family}, {QStringLiteral("tokens"), rollout.tokens},
                                       {QStringLiteral("leading_tokens"), rollout.leading}});
    attention.insert(QStringLiteral("rollouts"), rolloutList);

    if (const TokenHeat *heat = imageHeat()) {
        QJsonObject image = heatJson(*heat);
        image.insert(QStringLiteral("grid"), QJsonArray{geometry.gridH, geometry.gridW});
        image.insert(QStringLiteral("image_size"), QJsonArray{imageWidth, imageHeight});
        const int peak = peakIndex(heat->weights);
        if (peak >= 0 && std::size_t(peak) < imageRects.size())
            image.insert(QStringLiteral("peak_rect"), rectJson(imageRects[std::size_t(peak)]));
        if (hasTargetBox) {
            image.insert(QStringLiteral("target_box"), rectJson(targetBox));
            image.insert(QStringLiteral("pointing_hit"), pointingHit(heat->weights, geometry, imageWidth, imageHeight, targetBox));
        }
        QJsonArray others;
        for (std::size_t i = 1; i < imageHeats.size(); ++i)
            others.append(heatJson(imageHeats[i]));
        image.insert(QStringLiteral("other_sources"), others);
        attention.insert(QStringLiteral("image"), image);
    }
    if (const TokenHeat *heat = audioHeat()) {
        QJsonObject audio = heatJson(*heat);
        QJsonArray spans;
        for (const TimeSpan &span : audioSpans)
            spans.append(QJsonArray{span.start, span.end});
        audio.insert(QStringLiteral("spans_seconds"), spans);
        audio.insert(QStringLiteral("clip_seconds"), audioSeconds);
        const int peak = peakIndex(heat->weights);
        if (peak >= 0 && std::size_t(peak) < audioSpans.size())
            audio.insert(QStringLiteral("peak_span_seconds"), QJsonArray{audioSpans[std::size_t(peak)].start, audioSpans[std::size_t(peak)].end});
        attention.insert(QStringLiteral("audio"), audio);
    }
    QJsonArray tokens;
    for (int t = 0; t < int(textPieces.size()); ++t) {
        const float weight = std::size_t(t) < textHeat.weights.size() ? textHeat.weights[std::size_t(t)] : 0.0f;
        tokens.append(QJsonObject{{QStringLiteral("piece"), textPieces.at(t)}, {QStringLiteral("weight"), double(weight)}});
    }
    attention.insert(QStringLiteral("text"), QJsonObject{{QStringLiteral("source"), textHeat.source}, {QStringLiteral("tokens"), tokens}});
    json.insert(QStringLiteral("attention"), attention);
    json.insert(QStringLiteral("contributions"), contribution.toJson());
    return json;
}
