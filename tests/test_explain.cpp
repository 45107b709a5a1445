// The explanation engine on hand-built models whose answers are known: Shapley values,
// leave-one-out, gradient × input and gates, and the robustness corruptions.
#include "core/explain/contributions.h"
#include "core/explain/corruptions.h"
#include "core/explain/explanation.h"
#include "core/explain/shapley.h"

#include <torch/script.h>

#include <QtTest/QtTest>

#include <cmath>
#include <functional>

namespace {

torch::jit::Module scripted(const char *name, const char *source,
                            const std::function<void(torch::jit::Module &)> &setup = {})
{
    torch::jit::Module module(name);
    module.register_attribute("training", c10::BoolType::get(), false);
    if (setup)
        setup(module); // parameters and buffers exist before the source that reads them compiles
    module.define(source);
    return module;
}

/** One sample in the contract's layout: 4 tokens (2 words), a 3×8×8 image, a 1×4×10 mel. */
Batch sampleBatch(const std::array<float, 3> &present = {1, 1, 1})
{
    torch::manual_seed(5);
    Batch batch;
    batch.text = torch::tensor({{5, 7, 0, 0}}, torch::kInt64);
    batch.image = torch::randn({1, 3, 8, 8});
    batch.audio = torch::randn({1, 1, 4, 10});
    batch.present = torch::tensor({{present[0], present[1], present[2]}});
    batch.labels = torch::zeros({1}, torch::kInt64);
    batch.indices = {0};
    return batch;
}

/** Class 1's logit is 2·(text + image) + audio over the presence flags: text and image are symmetric players. */
torch::jit::Module presenceModel()
{
    return scripted("PresenceGame", R"(
def forward(self, text: Tensor, image: Tensor, audio: Tensor, present: Tensor) -> Dict[str, Tensor]:
    score = 2.0 * (present[:, 0] + present[:, 1]) + present[:, 2]
    return {"logits": torch.stack([torch.zeros_like(score), score], 1)}
)");
}

double logSigmoid(double z) { return -std::log1p(std::exp(-z)); }

/** Shapley by averaging marginal contributions over all 3! orders (independent of exactShapley). */
std::array<double, 3> shapleyByPermutations(const std::array<double, 8> &values)
{
    std::array<int, 3> order{0, 1, 2};
    std::array<double, 3> phi{};
    int count = 0;
    do {
        unsigned mask = 0;
        for (int player : order) {
            phi[std::size_t(player)] += values[mask | (1U << player)] - values[mask];
            mask |= 1U << player;
        }
        ++count;
    } while (std::next_permutation(order.begin(), order.end()));
    for (double &value : phi)
        value /= count;
    return phi;
}

} // namespace

class TestExplain final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shapleyOnPresenceGame()
    {
        torch::jit::Module module = presenceModel();
        const SampleForward forward = explainOne(module, sampleBatch());
        QCOMPARE(forward.predicted, 1);
        const ModalityContribution &c = forward.contribution;
        // Symmetry: text and image enter the game identically.
        QVERIFY(std::abs(c.shapley[0] - c.shapley[1]) < 1e-6);
        // Efficiency, and the values the game gives by hand.
        QVERIFY(c.efficiencyError() < 1e-6);
        QVERIFY(std::abs(c.fAll - logSigmoid(5.0)) < 1e-5);
        QVERIFY(std::abs(c.fNone - logSigmoid(0.0)) < 1e-5);
        std::array<double, 8> values{};
        for (unsigned mask = 0; mask < 8; ++mask)
            values[mask] = logSigmoid(2.0 * ((mask & 1U) + ((mask >> 1) & 1U)) + ((mask >> 2) & 1U));
        const std::array<double, 3> expected = shapleyByPermutations(values);
        for (int k = 0; k < 3; ++k)
            QVERIFY2(std::abs(c.shapley[std::size_t(k)] - expected[std::size_t(k)]) < 1e-5, qPrintable(QString::number(k)));
        QVERIFY(c.shapley[0] > c.shapley[2]); // text weighs 2, audio 1
        // Leave-one-out: p(class 1) with all minus p(class 1) without that modality.
        QVERIFY(std::abs(c.leaveOneOut[2] - (std::exp(logSigmoid(5.0)) - std::exp(logSigmoid(4.0)))) < 1e-5);
        QVERIFY(!c.hasGates);
    }

    void regressionAndTagGamesDecomposeTheirOwnValues()
    {
        // The presence game is additive: column 1's logit is 2·text + 2·image + audio.
        torch::jit::Module module = presenceModel();
        TaskReadout tags;
        tags.task.kind = TaskKind::Multilabel;
        tags.task.targets = {QStringLiteral("a"), QStringLiteral("b")};
        tags.task.thresholds = {0.5, 0.5};
        tags.outputs = 2;
        SampleForward forward = explainOne(module, sampleBatch(), /*gradInput=*/true, tags);
        QCOMPARE(forward.predicted, 1); // the most probable tag: σ(5) against σ(0)
        QVERIFY(std::abs(forward.contribution.fAll - 5.0) < 1e-6); // the logit itself
        QVERIFY(std::abs(forward.contribution.probability - 1.0 / (1.0 + std::exp(-5.0))) < 1e-6);
        const std::array<double, 3> logitShares{2.0, 2.0, 1.0};
        for (int k = 0; k < 3; ++k)
            QVERIFY(std::abs(forward.contribution.shapley[std::size_t(k)] - logitShares[std::size_t(k)]) < 1e-6);
        QCOMPARE(int(forward.outputShapley.size()), 2);
        for (double share : forward.outputShapley[0])
            QVERIFY(std::abs(share) < 1e-9); // tag a's logit is always 0
        tags.chosen = 0;
        QCOMPARE(explainOne(module, sampleBatch(), false, tags).predicted, 0);

        // Regression: value = output · std + mean, so each share scales by std and the mean cancels.
        TaskReadout values;
        values.task.kind = TaskKind::Regress;
        values.task.targets = {QStringLiteral("u"), QStringLiteral("v")};
        values.task.mean = {0.0, 1.0};
        values.task.std = {1.0, 3.0};
        values.outputs = 2;
        values.chosen = 1;
        forward = explainOne(module, sampleBatch({1, 0, 1}), /*gradInput=*/true, values);
        QCOMPARE(forward.predicted, 1);
        QVERIFY(std::abs(forward.probabilities[1] - (3.0 * 3.0 + 1.0)) < 1e-5); // (2 + 1) · 3 + 1
        QVERIFY(std::abs(forward.contribution.fAll - 10.0) < 1e-5);
        QVERIFY(std::abs(forward.contribution.fNone - 1.0) < 1e-5);
        QVERIFY(std::abs(forward.contribution.shapley[0] - 6.0) < 1e-5);
        QCOMPARE(forward.contribution.shapley[1], 0.0); // absent: no player
        QVERIFY(std::abs(forward.contribution.shapley[2] - 3.0) < 1e-5);
        QVERIFY(std::abs(forward.contribution.leaveOneOut[2] - 3.0) < 1e-5); // 10 − 7, in the target's units
        QVERIFY(forward.contribution.efficiencyError() < 1e-9);
        QVERIFY(std::isfinite(forward.contribution.gradInput[2]) && forward.contribution.gradInput[2] == 0.0); // no input is read
    }

    void absentModalityIsNoPlayer()
    {
        torch::jit::Module module = presenceModel();
        const ModalityContribution c = explainOne(module, sampleBatch({1, 1, 0})).contribution;
        QCOMPARE(c.players, 3U);
        QCOMPARE(c.shapley[2], 0.0);
        QCOMPARE(c.leaveOneOut[2], 0.0);
        QCOMPARE(c.gradInput[2], 0.0);
        QVERIFY(std::abs(c.shapleySum() - (logSigmoid(4.0) - logSigmoid(0.0))) < 1e-5);
        QVERIFY(std::abs(c.shapley[0] - c.shapley[1]) < 1e-6);
    }

    void exactShapleyOnKnownGames()
    {
        // Additive game: each player's value is its own contribution.
        std::array<double, 8> additive{};
        for (unsigned mask = 0; mask < 8; ++mask)
            additive[mask] = 1.0 * (mask & 1U) + 2.0 * ((mask >> 1) & 1U) + 4.0 * ((mask >> 2) & 1U);
        const auto phi = exactShapley(additive, 7U);
        QCOMPARE(phi[0], 1.0);
        QCOMPARE(phi[1], 2.0);
        QCOMPARE(phi[2], 4.0);
        // Pure three-way interaction: split evenly.
        std::array<double, 8> unanimity{};
        unanimity[7] = 3.0;
        for (double value : exactShapley(unanimity, 7U))
            QVERIFY(std::abs(value - 1.0) < 1e-12);
        // Two players only: the third is out of the game.
        const auto pair = exactShapley(additive, 5U);
        QCOMPARE(pair[1], 0.0);
        QVERIFY(std::abs(pair[0] + pair[2] - (additive[5] - additive[0])) < 1e-12);
    }

    void ignoredModalityGetsExactlyZero()
    {
        // Reads text's flag, the image's pixels and flag; never the audio or its flag.
        torch::jit::Module module = scripted("IgnoresAudio", R"(
def forward(self, text: Tensor, image: Tensor, audio: Tensor, present: Tensor) -> Dict[str, Tensor]:
    seen = image.mean([1, 2, 3]) * present[:, 1]
    return {"logits": torch.stack([present[:, 0] * 0.5 + seen, present[:, 1] * 1.5 - seen], 1)}
)");
        const ModalityContribution c = explainOne(module, sampleBatch()).contribution;
        QCOMPARE(c.shapley[2], 0.0);
        QCOMPARE(c.leaveOneOut[2], 0.0);
        QCOMPARE(c.probabilityWithout[2], c.probability);
        QCOMPARE(c.gradInput[2], 0.0);
        QVERIFY(c.gradInput[1] > 0.0);
        QVERIFY(c.shapley[1] != 0.0);
        QVERIFY(c.efficiencyError() < 1e-6);
    }

    void gradientTimesInputMatchesByHand()
    {
        torch::jit::Module module = scripted("LinearImage", R"(
def forward(self, text: Tensor, image: Tensor, audio: Tensor, present: Tensor) -> Dict[str, Tensor]:
    score = (image * self.w).sum([1, 2, 3])
    return {"logits": torch.stack([torch.zeros_like(score), score], 1),
            "modality_weights": torch.tensor([[0.2, 0.5, 0.3]]).expand(image.size(0), 3)}
)", [](torch::jit::Module &m) {
            m.register_buffer("w", torch::linspace(-1.0, 1.0, 3 * 8 * 8).reshape({1, 3, 8, 8}));
        });
        const Batch batch = sampleBatch();
        const SampleForward forward = explainOne(module, batch);
        const at::Tensor w = module.attr("w").toTensor();
        const double z = (batch.image * w).sum().item<double>();
        const int c = forward.predicted;
        QCOMPARE(c, z > 0.0 ? 1 : 0);
        // d log p_c / d image = (±)(1 − p_1 or p_1) · w, so |grad · x| sums to that factor × Σ|w x|.
        const double p1 = 1.0 / (1.0 + std::exp(-z));
        const double factor = c == 1 ? 1.0 - p1 : p1;
        const double expected = factor * (batch.image * w).abs().sum().item<double>();
        QVERIFY2(std::abs(forward.contribution.gradInput[1] - expected) < 1e-4 * std::max(1.0, expected),
                 qPrintable(QStringLiteral("%1 vs %2").arg(forward.contribution.gradInput[1]).arg(expected)));
        // No embedding matrix: text's entry is unavailable and says why.
        QVERIFY(std::isnan(forward.contribution.gradInput[0]));
        QVERIFY(forward.contribution.textGradMethod.startsWith(QLatin1String("unavailable")));
        QVERIFY(forward.contribution.hasGates);
        QVERIFY(std::abs(forward.contribution.gates[1] - 0.5) < 1e-6);
        // JSON has no NaN: the entry is null, the reason beside it.
        const QJsonObject json = forward.contribution.toJson();
        QVERIFY(json.value(QStringLiteral("grad_input")).toObject().value(QStringLiteral("text")).isNull());
    }

    void textGradientThroughEmbedding()
    {
        torch::jit::Module module = scripted("TextEmbedding", R"(
def forward(self, text: Tensor, image: Tensor, audio: Tensor, present: Tensor) -> Dict[str, Tensor]:
    words = torch.embedding(self.text_embedding, text).sum(1)
    score = words.sum(1) * present[:, 0]
    return {"logits": torch.stack([torch.zeros_like(score), score], 1)}
)", [](torch::jit::Module &m) {
            torch::manual_seed(1);
            m.register_parameter("text_embedding", torch::randn({10, 4}), /*is_buffer=*/false);
        });
        const SampleForward forward = explainOne(module, sampleBatch());
        const ModalityContribution &c = forward.contribution;
        QVERIFY(c.textGradMethod.contains(QLatin1String("text_embedding")));
        // f = log p_c; df/de_t = ±factor·1 for the words 5 and 7: Σ|factor·Σ e_t| (padding, id 0, is no word).
        const at::Tensor e = module.attr("text_embedding").toTensor();
        const double z = (e[5].sum() + e[7].sum() + 2 * e[0].sum()).item<double>();
        const double p1 = 1.0 / (1.0 + std::exp(-z));
        const double factor = forward.predicted == 1 ? 1.0 - p1 : p1;
        const double expected = factor * (std::abs(e[5].sum().item<double>()) + std::abs(e[7].sum().item<double>()));
        QVERIFY2(std::abs(c.gradInput[0] - expected) < 1e-4, qPrintable(QStringLiteral("%1 vs %2").arg(c.gradInput[0]).arg(expected)));
        // The parameter's flag is as it was: explaining never leaves the model changed.
        QVERIFY(!module.attr("text_embedding").toTensor().requires_grad());
    }

    void corruptionsChangeInputsByTheRequestedAmount()
    {
        PreprocessConfig pre;
        pre.imageStd[0] = 0.25f;
        pre.imageStd[1] = 0.5f;
        pre.imageStd[2] = 0.1f;
        pre.melMean = -2.0f;
        pre.melStd = 3.0f;
        torch::manual_seed(2);
        Batch clean;
        clean.indices = {0, 1, 2, 3};
        clean.text = torch::randint(2, 50, {4, 20}, torch::kInt64);
        clean.text.slice(1, 10).zero_(); // ten words, ten pads per row
        clean.image = torch::randn({4, 3, 32, 32});
        clean.audio = torch::randn({4, 1, 16, 40});
        clean.present = torch::ones({4, 3});
        for (const CorruptionInfo &info : corruptionList()) {
            Batch same = clean;
            corruptBatch(&same, info.kind, 0.0, 7, pre);
            QVERIFY2(same.text.equal(clean.text) && same.image.equal(clean.image) && same.audio.equal(clean.audio), info.name);
            Batch a = clean;
            Batch b = clean;
            Batch c = clean;
            corruptBatch(&a, info.kind, 0.5, 7, pre);
            corruptBatch(&b, info.kind, 0.5, 7, pre);
            corruptBatch(&c, info.kind, 0.5, 8, pre);
            QVERIFY2(a.text.equal(b.text) && a.image.equal(b.image) && a.audio.equal(b.audio), info.name); // deterministic
            if (info.kind != Corruption::ImageBlur) // blur draws nothing at random
                QVERIFY2(!(a.text.equal(c.text) && a.image.equal(c.image) && a.audio.equal(c.audio)), info.name);
            QVERIFY2(!(a.text.equal(clean.text) && a.image.equal(clean.image) && a.audio.equal(clean.audio)), info.name);
        }
        // Gaussian noise: sigma 0.5 × severity in pixel intensity, divided by each channel's std.
        Batch noisy = clean;
        corruptBatch(&noisy, Corruption::ImageNoise, 0.8, 1, pre);
        for (int ch = 0; ch < 3; ++ch) {
            const double measured = (noisy.image - clean.image).select(1, ch).std().item<double>();
            const double expected = 0.4 / pre.imageStd[ch];
            QVERIFY2(std::abs(measured - expected) < 0.05 * expected, qPrintable(QStringLiteral("channel %1: %2 vs %3").arg(ch).arg(measured).arg(expected)));
        }
        // Occlusion: a square covering the requested share of each image.
        Batch occluded = clean;
        corruptBatch(&occluded, Corruption::ImageOcclusion, 0.25, 1, pre);
        const double covered = (occluded.image != clean.image).select(1, 0).to(torch::kFloat64).mean().item<double>();
        QVERIFY2(std::abs(covered - 0.25) < 0.01, qPrintable(QString::number(covered)));
        // Blur smooths: less variance, same mean.
        Batch blurred = clean;
        corruptBatch(&blurred, Corruption::ImageBlur, 0.5, 1, pre);
        QVERIFY(blurred.image.var().item<double>() < 0.5 * clean.image.var().item<double>());
        // White noise at SNR 30 − 40·0.5 = 10 dB: added power is a tenth of the signal's.
        Batch hiss = clean;
        corruptBatch(&hiss, Corruption::AudioNoise, 0.5, 1, pre);
        const at::Tensor power = torch::exp(clean.audio.to(torch::kFloat64) * pre.melStd + pre.melMean);
        const at::Tensor noisyPower = torch::exp(hiss.audio.to(torch::kFloat64) * pre.melStd + pre.melMean);
        const double ratio = ((noisyPower - power).mean() / power.mean()).item<double>();
        QVERIFY2(std::abs(ratio - 0.1) < 0.01, qPrintable(QString::number(ratio)));
        QCOMPARE(corruptionLevel(Corruption::AudioNoise, 0.5, 0), 10.0);
        // Time dropout: exactly round(0.3 × 40) = 12 frames per clip become silence.
        Batch dropped = clean;
        corruptBatch(&dropped, Corruption::AudioDropout, 0.3, 1, pre);
        const float silence = (std::log(pre.mel.floor) - pre.melMean) / pre.melStd;
        for (int row = 0; row < 4; ++row) {
            const at::Tensor frames = (dropped.audio[row][0] == silence).all(0);
            QCOMPARE(frames.sum().item<std::int64_t>(), std::int64_t(12));
        }
        // Typos and word dropout: exactly round(0.4 × 10) = 4 of the 10 words per row, pads untouched.
        Batch typos = clean;
        corruptBatch(&typos, Corruption::TextTypos, 0.4, 1, pre);
        Batch words = clean;
        corruptBatch(&words, Corruption::TextDropout, 0.4, 1, pre);
        for (int row = 0; row < 4; ++row) {
            QCOMPARE((typos.text[row] == 1).sum().item<std::int64_t>(), std::int64_t(4));
            QCOMPARE((typos.text[row] != clean.text[row]).sum().item<std::int64_t>(), std::int64_t(4));
            QCOMPARE((words.text[row] == 0).sum().item<std::int64_t>(), std::int64_t(14));
        }
        // The clean batch shares no storage with the corrupted copies.
        QCOMPARE((clean.text == 0).sum().item<std::int64_t>(), std::int64_t(40));
    }

};

QTEST_GUILESS_MAIN(TestExplain)
#include "test_explain.moc"
