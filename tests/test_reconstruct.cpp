// Masked-modality reconstruction as a user meets it: `train --task reconstruct` on captions and
// images with no label in training learns a fused embedding whose validation loss falls and
// which a linear probe reads the labels from; info, eval, embed, explain and fine-tuning treat
// the model as a self-supervised one. Plus the targets, the hidden-modality draw and the loss
// on values worked by hand.
#include "core/data/batch.h"
#include "core/train/maskedreconstruction.h"
#include "tests/datasetfixture.h"
#include "tests/testsupport.h"

#include <torch/script.h>
#include <torch/torch.h>

#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>

namespace {

/** Two rows: text+image (caption tokens 2, 258, pad), and image alone; images of constant 0.5 and 1.0. */
Batch handBatch()
{
    Batch batch;
    batch.text = torch::tensor({2, 258, 0, 0, 0, 0}, torch::kInt64).reshape({2, 3});
    batch.image = torch::cat({torch::full({1, 3, 8, 8}, 0.5), torch::full({1, 3, 8, 8}, 1.0)});
    batch.audio = torch::zeros({2, 1, 4, 6});
    batch.present = torch::tensor({1.0f, 1.0f, 0.0f, 0.0f, 1.0f, 0.0f}).reshape({2, 3});
    batch.indices = {0, 1};
    return batch;
}

/** A module whose fused embedding is its presence mask: enough for the decoders to attach to. */
torch::jit::Module presenceModel()
{
    torch::jit::Module module("PresenceModel");
    module.define(R"(
def forward(self, text, image, audio, present):
    return {'embedding': present * 1.0, 'logits': present[:, :0]}
)");
    return module;
}

} // namespace

class TestReconstruct : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void targetsSummariseTheInputs()
    {
        const MaskedReconstruction::Targets targets = MaskedReconstruction::targetsOf(handBatch());
        QCOMPARE(targets.text.sizes().vec(), (std::vector<std::int64_t>{2, MaskedReconstruction::kTextBuckets}));
        // Tokens 2 and 258 share bucket 2; padding says nothing.
        QCOMPARE(targets.text[0].sum().item<float>(), 1.0f);
        QCOMPARE(targets.text[0][2].item<float>(), 1.0f);
        QCOMPARE(targets.text[1].sum().item<float>(), 0.0f);
        QCOMPARE(targets.image.size(1), std::int64_t(3 * 4 * 4));
        QVERIFY(torch::allclose(targets.image[0], torch::full({48}, 0.5)));
        QCOMPARE(targets.audio.size(1), std::int64_t(4)); // one mean per mel band
    }

    void hiddenModalityIsPresentAndDrawnFromSeedAndStep()
    {
        const torch::Tensor present = torch::tensor({1.0f, 1.0f, 1.0f, 0.0f, 1.0f, 1.0f, 0.0f, 0.0f, 1.0f}).reshape({3, 3}).repeat({20, 1});
        const torch::Tensor hidden = MaskedReconstruction::chooseHidden(present, 7, 3);
        for (std::int64_t row = 0; row < hidden.size(0); ++row) {
            const std::int64_t m = hidden[row].item<std::int64_t>();
            if (row % 3 == 2)
                QCOMPARE(m, std::int64_t(-1)); // one modality alone: nothing to predict it from
            else
                QVERIFY(m >= 0 && present[row][m].item<float>() > 0.5f);
        }
        QVERIFY(torch::equal(hidden, MaskedReconstruction::chooseHidden(present, 7, 3)));
        QVERIFY(!torch::equal(hidden, MaskedReconstruction::chooseHidden(present, 7, 4)));
        // Every present modality gets hidden somewhere in 60 rows.
        for (int m = 0; m < 3; ++m)
            QVERIFY(hidden.eq(m).any().item<bool>());
    }

    void lossByHandWithFreshDecoders()
    {
        torch::jit::Module module = presenceModel();
        MaskedReconstruction reconstruction;
        QString error;
        const Batch batch = handBatch();
        QVERIFY2(reconstruction.attach(module, batch, &error), qPrintable(error));
        QVERIFY(module.hasattr("reconstruct_image_weight"));
        const MaskedReconstruction::Targets targets = MaskedReconstruction::targetsOf(batch);
        const torch::Tensor fused = MaskedReconstruction::maskedEmbedding(module, batch, torch::tensor({1, -1}, torch::kInt64));
        // The image was hidden from row 0's forward: its fused embedding (the mask) lost it.
        QVERIFY(torch::equal(fused[0], torch::tensor({1.0f, 0.0f, 0.0f})));
        // Zero decoders predict 0: the image's MSE is 0.5², the text's BCE is ln 2 per bucket.
        std::int64_t rows = 0;
        QCOMPARE(reconstruction.loss(fused, torch::tensor({1, -1}, torch::kInt64), targets, &rows).item<double>(), 0.25);
        QCOMPARE(rows, std::int64_t(1));
        QVERIFY(std::abs(reconstruction.loss(fused, torch::tensor({0, -1}, torch::kInt64), targets).item<double>() - std::log(2.0)) < 1e-6);
        // Nothing hidden: zero, still on the graph.
        const torch::Tensor none = reconstruction.loss(fused.requires_grad_(), torch::tensor({-1, -1}, torch::kInt64), targets, &rows);
        QCOMPARE(none.item<double>(), 0.0);
        QCOMPARE(rows, std::int64_t(0));
        QVERIFY(none.requires_grad());
        // A second attach (a resumed run) finds the decoders and keeps them.
        module.attr("reconstruct_image_weight").toTensor().data().fill_(0.5);
        QVERIFY(reconstruction.attach(module, batch, &error));
        QCOMPARE(module.attr("reconstruct_image_weight").toTensor()[0][0].item<float>(), 0.5f);
    }

    void reconstructLearnsWithoutLabels()
    {
        QVERIFY(m_dir.isValid());
        const QString data = m_dir.filePath(QStringLiteral("colours"));
        datasetfixture::writeColourCaptions(data);
        const QString run = m_dir.filePath(QStringLiteral("run"));
        const auto trained = testsupport::trainColourCaptions(data, QStringLiteral("concat"), QStringLiteral("reconstruct"), 25, run);
        QVERIFY2(trained.exitCode == 0, trained.err.constData());
        QVERIFY2(trained.err.contains("task: reconstruct") && trained.err.contains("used only to measure"), trained.err.constData());

        // Every train sample trained, labelled or not; config.json and meta say what it was.
        const QJsonObject report = testsupport::readJson(run + QStringLiteral("/report.json"));
        QCOMPARE(report.value(QStringLiteral("train_samples")).toInt(), 96);
        QCOMPARE(report.value(QStringLiteral("task")).toObject().value(QStringLiteral("objective")).toString(), QStringLiteral("reconstruct"));
        QVERIFY(report.value(QStringLiteral("retrieval")).isUndefined() || report.value(QStringLiteral("retrieval")).toObject().isEmpty());
        QVERIFY(testsupport::readJson(run + QStringLiteral("/config.json")).value(QStringLiteral("train")).toObject().value(QStringLiteral("reconstruct")).toBool());

        // The validation loss (the same objective on val) falls well below where it started.
        const std::vector<double> valLoss = testsupport::epochValues(run, QStringLiteral("val_loss"));
        QCOMPARE(int(valLoss.size()), 25);
        QVERIFY2(valLoss.front() > 0.0 && valLoss.back() < 0.7 * valLoss.front(),
                 qPrintable(QStringLiteral("val loss %1 → %2").arg(valLoss.front()).arg(valLoss.back())));

        // The fused embedding, never shown a label, separates bright from dark for a linear probe.
        const QJsonObject probe = report.value(QStringLiteral("embedding_probe")).toObject().value(QStringLiteral("test")).toObject();
        const double accuracy = probe.value(QStringLiteral("linear_probe")).toObject().value(QStringLiteral("100")).toObject()
                                    .value(QStringLiteral("accuracy")).toDouble(-1.0);
        QVERIFY2(accuracy >= 0.75, qPrintable(QStringLiteral("linear probe %1").arg(accuracy)));
        m_model = run + QStringLiteral("/model.pt");
        m_data = data;
    }

    void theCommandsKnowAReconstructionModel()
    {
        QVERIFY(!m_model.isEmpty());
        const auto info = testsupport::runFusionscope({QStringLiteral("info"), m_model});
        QVERIFY2(info.exitCode == 0 && info.out.contains("reconstruct: no task outputs"), info.out.constData());
        const auto eval = testsupport::runFusionscope({QStringLiteral("eval"), m_model, m_data});
        QVERIFY2(eval.exitCode == 0, eval.err.constData());
        QVERIFY2(eval.out.contains("(reconstruct: no task outputs)") && eval.out.contains("fused embeddings against")
                     && !eval.out.contains("retrieval ("),
                 eval.out.constData());
        // explain reads the fused embedding: no prediction, and no agreement (the modalities are not aligned).
        const auto explain = testsupport::runFusionscope({QStringLiteral("explain"), m_model, m_data, QStringLiteral("--out"),
                                                          m_dir.filePath(QStringLiteral("explained")), QStringLiteral("--no-robustness")});
        QVERIFY2(explain.exitCode == 0, explain.err.constData());
        QVERIFY2(explain.out.contains("explained through the fused embedding") && !explain.out.contains("agreement")
                     && explain.out.contains("modality contribution (Shapley of cosine"),
                 explain.out.constData());
        const QString embedded = m_dir.filePath(QStringLiteral("embedded"));
        const auto embed = testsupport::runFusionscope({QStringLiteral("embed"), m_model, m_data, QStringLiteral("--out"), embedded});
        QVERIFY2(embed.exitCode == 0, embed.err.constData());
        QCOMPARE(testsupport::readJson(embedded + QStringLiteral("/embed.json")).value(QStringLiteral("embedding")).toString(), QStringLiteral("embedding"));

        // Fine-tuning: the encoders and the fusion come along, the decoders stay behind.
        const QString tuned = m_dir.filePath(QStringLiteral("tuned"));
        const auto fineTuned = testsupport::runFusionscope({QStringLiteral("train"), m_data, QStringLiteral("--init"), m_model,
                                                            QStringLiteral("--task"), QStringLiteral("classify"), QStringLiteral("--epochs"),
                                                            QStringLiteral("3"), QStringLiteral("--out"), tuned});
        QVERIFY2(fineTuned.exitCode == 0, fineTuned.err.constData());
        QVERIFY(testsupport::readJson(tuned + QStringLiteral("/report.json")).value(QStringLiteral("test")).toObject().contains(QStringLiteral("accuracy")));
    }

    void reconstructCannotMixWithOtherObjectives()
    {
        const QString config = m_dir.filePath(QStringLiteral("mixed.json"));
        testsupport::writeFile(config, R"({"train":{"reconstruct":true,"supervised":true}})");
        const auto refused = testsupport::runFusionscope({QStringLiteral("train"), m_dir.filePath(QStringLiteral("colours")), QStringLiteral("--config"),
                                                          config, QStringLiteral("--out"), m_dir.filePath(QStringLiteral("never-mixed"))});
        QVERIFY(refused.exitCode != 0);
        QVERIFY2(refused.err.contains("reconstruct") && refused.err.contains("objective of its own"), refused.err.constData());
    }

private:
    QTemporaryDir m_dir;
    QString m_model;
    QString m_data;
};

QTEST_GUILESS_MAIN(TestReconstruct)
#include "test_reconstruct.moc"
