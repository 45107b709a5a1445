// Attention without a model: rollout on hand-made maps, tokens mapped back to pixels, seconds
// and words, heats from synthetic maps, the pointing game, and the JSON a sample becomes.
#include "core/explain/explanation.h"
#include "core/explain/pointinggame.h"

#include <QtCore/QJsonArray>
#include <QtTest/QtTest>

#include <cmath>

namespace {

AttentionMap map(const QString &name, int heads, int queries, int keys, std::vector<float> weights)
{
    AttentionMap result;
    AttentionMap::parseName(name, &result);
    result.heads = heads;
    result.queries = queries;
    result.keys = keys;
    result.weights = std::move(weights);
    return result;
}

} // namespace

class TestExplainAttention final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rolloutOnHandMadeMaps()
    {
        // Layer map: every token attends to token 0. (A + I) row-normalised: [[1, 0], [.5, .5]].
        const AttentionMap layer0 = map(QStringLiteral("attn/all->all/0"), 1, 2, 2, {1, 0, 1, 0});
        const AttentionMap layer1 = map(QStringLiteral("attn/all->all/1"), 1, 2, 2, {1, 0, 1, 0});
        const std::vector<float> one = attentionRollout({&layer0});
        QCOMPARE(one, (std::vector<float>{1.0f, 0.0f, 0.5f, 0.5f}));
        const std::vector<float> two = attentionRollout({&layer0, &layer1});
        QCOMPARE(two, (std::vector<float>{1.0f, 0.0f, 0.75f, 0.25f}));
        // Heads average first: one head looks at token 0, the other at itself.
        const AttentionMap heads = map(QStringLiteral("attn/graph/0"), 2, 2, 2, {1, 0, 1, 0, 1, 0, 0, 1});
        QCOMPARE(heads.headAverage(), (std::vector<float>{1.0f, 0.0f, 0.5f, 0.5f}));
        QVERIFY(heads.isJoint());
        QCOMPARE(heads.family, QStringLiteral("graph"));
        // Identity maps roll out to the identity; mismatched sizes to nothing.
        const AttentionMap identity = map(QStringLiteral("attn/all->all/0"), 1, 2, 2, {1, 0, 0, 1});
        QCOMPARE(attentionRollout({&identity, &identity}), (std::vector<float>{1.0f, 0.0f, 0.0f, 1.0f}));
        const AttentionMap other = map(QStringLiteral("attn/all->all/1"), 1, 3, 3, std::vector<float>(9, 1.0f / 3));
        QVERIFY(attentionRollout({&identity, &other}).empty());
        AttentionMap parsed;
        QVERIFY(AttentionMap::parseName(QStringLiteral("attn/text->image/3"), &parsed));
        QCOMPARE(parsed.query, QStringLiteral("text"));
        QCOMPARE(parsed.key, QStringLiteral("image"));
        QCOMPARE(parsed.layer, 3);
        QVERIFY(!AttentionMap::parseName(QStringLiteral("logits"), &parsed));
        QVERIFY(!AttentionMap::parseName(QStringLiteral("attn/text->image/x"), &parsed));
    }

    void tokensMapBackToPixelsSecondsAndPieces()
    {
        TokenGeometry geometry;
        geometry.textLength = 3;
        geometry.gridH = 4;
        geometry.gridW = 4;
        geometry.audioFrames = 100;
        geometry.audioTokens = 25;
        geometry.audioHopSeconds = 0.01;
        // Token 6 = row 1, column 2 of a 4×4 grid over a 200×100 image.
        const PixelRect rect = geometry.imageTokenRect(6, 200, 100);
        QCOMPARE(rect.x0, 100);
        QCOMPARE(rect.x1, 150);
        QCOMPARE(rect.y0, 25);
        QCOMPARE(rect.y1, 50);
        const TimeSpan span = geometry.audioTokenSpan(3);
        QVERIFY(std::abs(span.start - 0.12) < 1e-9 && std::abs(span.end - 0.16) < 1e-9);

        // A synthetic text->image map whose words both look at token 6, and padding elsewhere.
        SampleExplanation sample;
        sample.geometry = geometry;
        sample.present = {true, true, true};
        sample.textValid = {true, true, false};
        sample.imageWidth = 200;
        sample.imageHeight = 100;
        std::vector<float> weights(3 * 16, 0.0f);
        weights[0 * 16 + 6] = 1.0f;
        weights[1 * 16 + 6] = 0.8f;
        weights[1 * 16 + 9] = 0.2f;
        weights[2 * 16 + 15] = 1.0f; // the padding row points elsewhere and must not count
        sample.maps.push_back(map(QStringLiteral("attn/text->image/0"), 1, 3, 16, weights));
        summariseAttention(&sample);
        QVERIFY(sample.imageHeat());
        QCOMPARE(sample.imageHeat()->source, QStringLiteral("text->image"));
        QCOMPARE(peakIndex(sample.imageHeat()->weights), 6);
        QCOMPARE(sample.imageHeat()->weights[15], 0.0f);
        QVERIFY(std::abs(sample.imageHeat()->weights[6] - 0.9f) < 1e-6);
        PixelRect box{100, 25, 150, 50};
        QVERIFY(pointingHit(sample.imageHeat()->weights, geometry, 200, 100, box));
    }

    void jointLayoutAndInferredGrid()
    {
        // No layout: 9 image keys → a 3×3 grid; a joint map of 1 + 2 + 9 + 4 tokens has one leading token.
        SampleExplanation sample;
        sample.geometry.textLength = 2;
        sample.present = {true, true, true};
        sample.textValid = {true, true};
        sample.maps.push_back(map(QStringLiteral("attn/text->image/0"), 1, 2, 9, std::vector<float>(18, 1.0f / 9)));
        sample.maps.push_back(map(QStringLiteral("attn/text->audio/0"), 1, 2, 4, std::vector<float>(8, 0.25f)));
        std::vector<float> joint(16 * 16, 0.0f);
        for (int q = 0; q < 16; ++q)
            joint[std::size_t(q * 16 + 3 + 4)] = 1.0f; // everyone attends to image token 4 (the centre)
        sample.maps.push_back(map(QStringLiteral("attn/all->all/0"), 1, 16, 16, joint));
        summariseAttention(&sample);
        QCOMPARE(sample.geometry.gridH, 3);
        QCOMPARE(sample.geometry.audioTokens, 4);
        QCOMPARE(int(sample.rollouts.size()), 1);
        QCOMPARE(sample.rollouts.front().leading, 1);
        QCOMPARE(sample.imageHeat()->source, QStringLiteral("rollout(all->all) from text"));
        QCOMPARE(peakIndex(sample.imageHeat()->weights), 4);
        QCOMPARE(int(sample.imageHeats.size()), 2); // rollout, then text->image

        // A readout over the final image states reaches the inputs through the rollout: image
        // token k's row is (e_k + e_4) / 2, so a readout 0.8 on token 2 and 0.2 on token 4 gives
        // 0.4 on token 2 and 0.6 on token 4.
        std::vector<float> readout(9, 0.0f);
        readout[2] = 0.8f;
        readout[4] = 0.2f;
        sample.maps.push_back(map(QStringLiteral("attn/readout->image/0"), 1, 1, 9, readout));
        summariseAttention(&sample);
        QCOMPARE(int(sample.imageHeats.size()), 4);
        const TokenHeat &composed = sample.imageHeats[0]; // the decision's rollout is preferred
        QCOMPARE(sample.imageHeat()->source, composed.source);
        QCOMPARE(composed.source, QStringLiteral("rollout(all->all) via readout->image"));
        QVERIFY(std::abs(composed.weights[2] - 0.4f) < 1e-6 && std::abs(composed.weights[4] - 0.6f) < 1e-6);
        QCOMPARE(sample.imageHeats[3].source, QStringLiteral("readout->image"));
        QCOMPARE(peakIndex(sample.imageHeats[3].weights), 2);

        // The GUI's selectors: one word of a joint map, the rollout, a cross map's word.
        const AttentionMap &textToImage = sample.maps[0];
        const AttentionMap &jointMap = sample.maps[2];
        QCOMPARE(peakIndex(mapHeat(sample, jointMap, Modality::Image, 0, 1)), 4);
        QCOMPARE(int(mapHeat(sample, jointMap, Modality::Audio).size()), 4);
        QCOMPARE(peakIndex(rolloutHeat(sample, sample.rollouts.front(), Modality::Image, 0)), 4);
        QCOMPARE(int(mapHeat(sample, textToImage, Modality::Image, -1, 0).size()), 9);
        QVERIFY(mapHeat(sample, textToImage, Modality::Audio).empty()); // keyed on image only
        QVERIFY(mapHeat(sample, jointMap, Modality::Image, 0, 7).empty()); // there is no word 7
        // Text heat: the classification token's row of the rollout over the words.
        QCOMPARE(int(sample.textHeat.weights.size()), 2);
    }

    void pointingGameOnConstructedMaps()
    {
        TokenGeometry geometry;
        geometry.gridH = 3;
        geometry.gridW = 3;
        const PixelRect centre{21, 21, 42, 42};
        std::vector<float> heat(9, 0.1f);
        heat[4] = 0.5f;
        QVERIFY(pointingHit(heat, geometry, 64, 64, centre));
        heat[4] = 0.0f;
        heat[0] = 0.9f; // peak top-left: centre (10.7, 10.7) is outside
        QVERIFY(!pointingHit(heat, geometry, 64, 64, centre));
        QVERIFY(pointingHit(heat, geometry, 64, 64, PixelRect{0, 0, 21, 21}));
        // Half-open box: a centre exactly on x1 misses.
        QVERIFY(!pointingHit(heat, geometry, 60, 60, PixelRect{0, 0, 10, 20}));
        QVERIFY(!pointingHit({}, geometry, 64, 64, centre));
        PixelRect parsed;
        QVERIFY(targetBox(QJsonObject{{QStringLiteral("target_box"), QJsonArray{21, 0, 42, 21}}}, &parsed));
        QCOMPARE(parsed.x1, 42);
        QVERIFY(!targetBox(QJsonObject{{QStringLiteral("target_box"), QJsonArray{21, 0}}}, &parsed));
        QVERIFY(!targetBox(QJsonObject{}, &parsed));
    }

    void sampleJsonCarriesPredictionAndContributions()
    {
        SampleExplanation sample;
        sample.sampleId = QStringLiteral("s1");
        sample.classNames = {QStringLiteral("a"), QStringLiteral("b")};
        sample.probabilities = {0.25f, 0.75f};
        sample.predicted = 1;
        sample.label = QStringLiteral("b");
        sample.textPieces = {QStringLiteral("\u2581where")};
        sample.textHeat.weights = {1.0f};
        const QJsonObject json = sample.toJson(1);
        const QJsonObject prediction = json.value(QStringLiteral("prediction")).toObject();
        QCOMPARE(prediction.value(QStringLiteral("label")).toString(), QStringLiteral("b"));
        QCOMPARE(prediction.value(QStringLiteral("correct")).toBool(), true);
        QCOMPARE(prediction.value(QStringLiteral("top_k")).toArray().size(), 1);
        QVERIFY(json.value(QStringLiteral("contributions")).toObject().contains(QStringLiteral("shapley")));
        const QJsonArray tokens = json.value(QStringLiteral("attention")).toObject().value(QStringLiteral("text")).toObject().value(QStringLiteral("tokens")).toArray();
        QCOMPARE(tokens.at(0).toObject().value(QStringLiteral("weight")).toDouble(), 1.0);
    }
};

QTEST_GUILESS_MAIN(TestExplainAttention)
#include "test_explain_attention.moc"
