#include "core/model/modelconfig.h"
#include "core/model/modelfactory.h"
#include "core/model/modelsummary.h"
#include "core/train/contrastiveloss.h"
#include "tests/testsupport.h"

#include <torch/torch.h>
#include <ATen/CPUGeneratorImpl.h>

#include <QtCore/QElapsedTimer>
#include <QtCore/QJsonDocument>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <map>
#include <stdexcept>
#include <string>

namespace {

using Outputs = std::map<std::string, torch::Tensor>;

/** A small model that still exercises every code path (grid 4×4, 3 or 12 audio tokens). */
ModelConfig smallConfig(const QString &fusion, const QString &text = QStringLiteral("transformer"),
                        const QString &audio = QStringLiteral("cnn"))
{
    ModelConfig config;
    config.fusion = fusion;
    config.textEncoder = text;
    config.audioEncoder = audio;
    config.dim = 32;
    config.heads = 4;
    config.layers = 2;
    config.numClasses = 5;
    config.vocabSize = 50;
    config.textLength = 8;
    config.imageSize = 32;
    config.melBins = 16;
    config.audioFrames = 24;
    return config;
}

struct Inputs
{
    torch::Tensor text, image, audio, present;
};

/** Random inputs; texts have 2..T real tokens followed by padding. */
Inputs makeInputs(const ModelConfig &config, std::int64_t batch, std::uint64_t seed)
{
    auto generator = at::detail::createCPUGenerator(seed);
    Inputs inputs;
    inputs.text = torch::randint(1, config.vocabSize, {batch, config.textLength}, generator, torch::kLong);
    for (std::int64_t row = 0; row < batch; ++row) {
        const std::int64_t length = 2 + row % (config.textLength - 1);
        inputs.text[row].narrow(0, length, config.textLength - length).zero_();
    }
    inputs.image = torch::randn({batch, 3, config.imageSize, config.imageSize}, generator);
    inputs.audio = torch::randn({batch, 1, config.melBins, config.audioFrames}, generator);
    inputs.present = torch::ones({batch, 3});
    return inputs;
}

Outputs run(torch::jit::Module &model, const Inputs &inputs)
{
    const auto result = model.forward({inputs.text, inputs.image, inputs.audio, inputs.present});
    Outputs outputs;
    for (const auto &entry : result.toGenericDict())
        outputs[entry.key().toStringRef()] = entry.value().toTensor();
    return outputs;
}

double maxDifference(const torch::Tensor &a, const torch::Tensor &b)
{
    return (a - b).abs().max().item<double>();
}

/** The attention maps a fusion must return, with [Tq, Tk] for the small config. */
std::map<std::string, std::pair<std::int64_t, std::int64_t>> expectedMaps(const ModelConfig &config,
                                                                          std::int64_t audioTokens)
{
    const std::int64_t text = config.textLength;
    const std::int64_t image = (config.imageSize / 8) * (config.imageSize / 8);
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> maps;
    if (config.fusion == QLatin1String("attention")) {
        const std::int64_t all = 1 + text + image + audioTokens;
        for (int layer = 0; layer < config.layers; ++layer) {
            const std::string suffix = "/" + std::to_string(layer);
            maps["attn/all->all" + suffix] = {all, all};
            maps["attn/text->image" + suffix] = {text, image};
            maps["attn/text->audio" + suffix] = {text, audioTokens};
        }
        maps["attn/readout->image/0"] = {1, image};
    } else if (config.fusion == QLatin1String("graph")) {
        const std::int64_t all = text + image + audioTokens;
        for (int layer = 0; layer < config.layers; ++layer)
            maps["attn/graph/" + std::to_string(layer)] = {all, all};
        maps["attn/readout->image/0"] = {1, image};
    }
    return maps;
}

/** Writes a Python script into `dir` and runs it with the interop peer. */
bool runPython(const QTemporaryDir &dir, const QString &script, QString *output)
{
    // A file, not -c: torch.jit.script reads the classes' source with inspect.
    const QString path = dir.filePath(QStringLiteral("script.py"));
    testsupport::writeFile(path, script.toUtf8());
    QProcess process;
    process.start(QStringLiteral(FUSIONSCOPE_PEER_PYTHON), {path});
    const bool finished = process.waitForFinished(120000);
    *output = QString::fromUtf8(process.readAllStandardOutput() + process.readAllStandardError());
    return finished && process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
}

} // namespace

/** The built-in models: contract outputs, presence, determinism, training and saving. */
class TestModels final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        torch::set_num_threads(1);
    }

    void everyFusionAndEncoderFollowsTheContract_data()
    {
        QTest::addColumn<QString>("fusion");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("audio");
        for (const QString &fusion : ModelConfig::fusionNames()) {
            for (const QString &text : ModelConfig::textEncoderNames()) {
                for (const QString &audio : ModelConfig::audioEncoderNames()) {
                    const QString name = fusion + QLatin1Char('/') + text + QLatin1Char('/') + audio;
                    QTest::newRow(qPrintable(name)) << fusion << text << audio;
                }
            }
        }
    }

    void everyFusionAndEncoderFollowsTheContract()
    {
        QFETCH(QString, fusion);
        QFETCH(QString, text);
        QFETCH(QString, audio);
        const ModelConfig config = smallConfig(fusion, text, audio);
        auto model = buildModel(config, 1);
        model.eval();
        const std::int64_t batch = 3;
        const Outputs out = run(model, makeInputs(config, batch, 2));

        QVERIFY(out.count("logits"));
        QCOMPARE(out.at("logits").sizes().vec(), (std::vector<std::int64_t>{batch, config.numClasses}));
        QVERIFY(torch::isfinite(out.at("logits")).all().item<bool>());
        if (out.count("embedding")) {
            QCOMPARE(out.at("embedding").dim(), 2);
            QCOMPARE(out.at("embedding").size(0), batch);
        }
        const bool hasWeights = fusion == QLatin1String("gated") || fusion == QLatin1String("late");
        QCOMPARE(bool(out.count("modality_weights")), hasWeights);
        if (hasWeights) {
            const auto weights = out.at("modality_weights");
            QCOMPARE(weights.sizes().vec(), (std::vector<std::int64_t>{batch, 3}));
            QVERIFY(maxDifference(weights.sum(1), torch::ones({batch})) < 1e-5);
        }

        const std::int64_t audioTokens = audio == QLatin1String("cnn") ? 3 : config.audioFrames / 2;
        const auto maps = expectedMaps(config, audioTokens);
        std::size_t mapCount = 0;
        for (const auto &[key, value] : out) {
            if (key.rfind("attn/", 0) == 0)
                ++mapCount;
        }
        QCOMPARE(mapCount, maps.size());
        for (const auto &[key, shape] : maps) {
            QVERIFY2(out.count(key), key.c_str());
            const auto &map = out.at(key);
            QCOMPARE(map.sizes().vec(), (std::vector<std::int64_t>{batch, config.heads, shape.first, shape.second}));
            // Every modality is present, so every query row has keys and sums to 1.
            QVERIFY2(maxDifference(map.sum(-1), torch::ones({batch, config.heads, shape.first})) < 1e-5, key.c_str());
            QVERIFY(map.min().item<double>() >= 0.0);
        }
    }

    void missingModalityHasNoInfluence_data()
    {
        QTest::addColumn<QString>("fusion");
        for (const QString &fusion : ModelConfig::fusionNames())
            QTest::newRow(qPrintable(fusion)) << fusion;
    }

    void missingModalityHasNoInfluence()
    {
        QFETCH(QString, fusion);
        const ModelConfig config = smallConfig(fusion);
        auto model = buildModel(config, 3);
        model.eval();
        torch::NoGradGuard noGrad;
        // Row 0 has everything, rows 1..3 miss text, image, audio, row 4 has only audio.
        Inputs inputs = makeInputs(config, 5, 4);
        inputs.present = torch::tensor({1.f, 1.f, 1.f, 0.f, 1.f, 1.f, 1.f, 0.f, 1.f, 1.f, 1.f, 0.f, 0.f, 0.f, 1.f}).view({5, 3});
        const Outputs before = run(model, inputs);

        Inputs wild = inputs;
        auto generator = at::detail::createCPUGenerator(99);
        wild.text = inputs.text.clone();
        wild.text[1] = torch::randint(1, config.vocabSize, {config.textLength}, generator, torch::kLong);
        wild.text[4] = torch::randint(1, config.vocabSize, {config.textLength}, generator, torch::kLong);
        wild.image = inputs.image.clone();
        wild.image[2] = torch::randn({3, config.imageSize, config.imageSize}, generator) * 1000.0;
        wild.image[4] = torch::full({3, config.imageSize, config.imageSize}, -500.0);
        wild.audio = inputs.audio.clone();
        wild.audio[3] = torch::randn({1, config.melBins, config.audioFrames}, generator) * 1e4;
        const Outputs after = run(model, wild);

        for (const auto &[key, value] : before)
            QVERIFY2(maxDifference(value, after.at(key)) <= 1e-6, key.c_str());

        // The same change to a present modality must show: the check above can fail.
        Inputs seen = inputs;
        seen.image = inputs.image.clone();
        seen.image[0] = wild.image[2];
        QVERIFY(maxDifference(run(model, seen).at("logits")[0], before.at("logits")[0]) > 1e-4);
    }

    void attentionRowsOfAbsentModalitiesAreEmpty()
    {
        const ModelConfig config = smallConfig(QStringLiteral("attention"));
        auto model = buildModel(config, 5);
        model.eval();
        torch::NoGradGuard noGrad;
        Inputs inputs = makeInputs(config, 2, 6);
        inputs.present[1][1] = 0.f; // second sample has no image
        const Outputs out = run(model, inputs);
        const auto toImage = out.at("attn/text->image/0");
        QVERIFY(maxDifference(toImage[0].sum(-1), torch::ones({config.heads, config.textLength})) < 1e-5);
        QCOMPARE(toImage[1].abs().sum().item<double>(), 0.0);
        QCOMPARE(out.at("attn/readout->image/0")[1].abs().sum().item<double>(), 0.0);
        // In self-attention no query of sample 1 gives the image tokens any weight.
        const std::int64_t imageStart = 1 + config.textLength;
        const auto allToImage = out.at("attn/all->all/1")[1].narrow(-1, imageStart, 16);
        QCOMPARE(allToImage.abs().sum().item<double>(), 0.0);
    }

    void sameSeedGivesSameParameters()
    {
        const ModelConfig config = smallConfig(QStringLiteral("graph"), QStringLiteral("gru"));
        const auto a = buildModel(config, 42);
        const auto b = buildModel(config, 42);
        const auto c = buildModel(config, 43);
        const auto pa = a.named_parameters();
        const auto pb = b.named_parameters();
        const auto pc = c.named_parameters();
        QVERIFY(pa.size() > 20);
        QCOMPARE(pa.size(), pb.size());
        bool anyDifferent = false;
        auto ib = pb.begin();
        auto ic = pc.begin();
        for (auto ia = pa.begin(); ia != pa.end(); ++ia, ++ib, ++ic) {
            QCOMPARE((*ia).name, (*ib).name);
            QVERIFY2(torch::equal((*ia).value, (*ib).value), (*ia).name.c_str());
            anyDifferent = anyDifferent || !torch::equal((*ia).value, (*ic).value);
        }
        QVERIFY(anyDifferent);
    }

    void trainAndEvalDifferOnlyWhereTheyShould()
    {
        ModelConfig config = smallConfig(QStringLiteral("attention"));
        config.dropout = 0.3;
        auto model = buildModel(config, 7);
        const Inputs inputs = makeInputs(config, 4, 8);
        const auto runningMean = [&] {
            return model.attr("image_encoder").toModule().attr("block0").toModule().attr("running_mean").toTensor().clone();
        };
        torch::NoGradGuard noGrad;

        model.eval();
        const auto statsBefore = runningMean();
        const auto first = run(model, inputs).at("logits");
        QVERIFY(torch::equal(first, run(model, inputs).at("logits")));
        QVERIFY(torch::equal(statsBefore, runningMean())); // eval never updates batch-norm statistics

        model.train();
        QVERIFY(model.attr("fusion").toModule().is_training());
        const auto noisy = run(model, inputs).at("logits");
        QVERIFY(!torch::equal(noisy, run(model, inputs).at("logits"))); // dropout draws anew
        QVERIFY(!torch::equal(statsBefore, runningMean()));               // batch norm learns statistics

        // Without dropout and with group norm nothing depends on the mode.
        config.dropout = 0.0;
        config.norm = QStringLiteral("group");
        auto plain = buildModel(config, 7);
        plain.train();
        const auto trained = run(plain, inputs).at("logits");
        plain.eval();
        QVERIFY(maxDifference(trained, run(plain, inputs).at("logits")) < 1e-6);
    }

    void backwardReachesEveryParameter_data()
    {
        missingModalityHasNoInfluence_data();
    }

    void backwardReachesEveryParameter()
    {
        QFETCH(QString, fusion);
        for (const QString &text : ModelConfig::textEncoderNames()) {
            const ModelConfig config = smallConfig(fusion, text, text == QLatin1String("gru") ? QStringLiteral("gru") : QStringLiteral("cnn"));
            auto model = buildModel(config, 9);
            model.train();
            const Inputs inputs = makeInputs(config, 4, 10);
            const Outputs outputs = run(model, inputs);
            const auto labels = torch::tensor({0, 1, 2, 3}, torch::kLong);
            // The classifier's loss reaches the encoders and the fusion, the contrastive one the
            // encoders and the embedding heads (with its temperature): together, every parameter.
            const torch::Tensor sources = torch::arange(4, torch::kInt64).unsqueeze(1).expand({4, 3}).contiguous();
            const torch::Tensor alignment = contrastiveLoss({outputs.at("embed/text"), outputs.at("embed/image"), outputs.at("embed/audio")},
                                                            inputs.present, sources, model.attr("embedding_heads").toModule().attr("logit_scale").toTensor());
            (torch::nn::functional::cross_entropy(outputs.at("logits"), labels) + alignment).backward();
            for (const auto &parameter : model.named_parameters()) {
                const auto &grad = parameter.value.grad();
                const QByteArray what = (text + QLatin1Char(' ')).toUtf8() + parameter.name.c_str();
                QVERIFY2(grad.defined(), what.constData());
                QVERIFY2(torch::isfinite(grad).all().item<bool>(), what.constData());
            }
        }
    }

    void valueOutputsAddAWeightReadout()
    {
        // Regression (value_outputs): the token fusions' readout also maps the attention weights,
        // starting at zero, and the gradient of a squared error reaches that map.
        for (const QString &fusion : {QStringLiteral("attention"), QStringLiteral("graph")}) {
            ModelConfig config = smallConfig(fusion);
            config.numClasses = 2;
            config.valueOutputs = true;
            auto model = buildModel(config, 9);
            bool found = false;
            for (const auto &parameter : model.named_parameters()) {
                if (parameter.name.find("pointer_value_w") == std::string::npos)
                    continue;
                found = true;
                QCOMPARE(parameter.value.abs().sum().item<double>(), 0.0);
            }
            QVERIFY2(found, qPrintable(fusion));
            model.train();
            const Inputs inputs = makeInputs(config, 4, 10);
            const auto values = run(model, inputs).at("logits");
            QCOMPARE(values.size(1), 2);
            values.square().sum().backward();
            for (const auto &parameter : model.named_parameters()) {
                if (parameter.name.find("pointer_value_w") != std::string::npos)
                    QVERIFY2(parameter.value.grad().abs().sum().item<double>() > 0.0, qPrintable(fusion));
            }
            ModelConfig classify = config;
            classify.valueOutputs = false;
            for (const auto &parameter : buildModel(classify, 9).named_parameters())
                QVERIFY(parameter.name.find("pointer_value") == std::string::npos);
        }
    }

    void invalidConfigsAreRejectedClearly_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        QTest::newRow("fusion") << QStringLiteral("fusion") << QStringLiteral("\"magic\"");
        QTest::newRow("text encoder") << QStringLiteral("text_encoder") << QStringLiteral("\"lstm\"");
        QTest::newRow("image encoder file") << QStringLiteral("image_encoder") << QStringLiteral("\"/nonexistent/enc.pt\"");
        QTest::newRow("audio encoder") << QStringLiteral("audio_encoder") << QStringLiteral("\"rnn\"");
        QTest::newRow("heads") << QStringLiteral("heads") << QStringLiteral("5");
        QTest::newRow("dim") << QStringLiteral("dim") << QStringLiteral("0");
        // 1 is a one-target regression, 0 a contrastive model without task outputs
        QTest::newRow("classes") << QStringLiteral("num_classes") << QStringLiteral("-1");
        QTest::newRow("dropout") << QStringLiteral("dropout") << QStringLiteral("1.5");
        QTest::newRow("norm") << QStringLiteral("norm") << QStringLiteral("\"layer\"");
        QTest::newRow("image size") << QStringLiteral("image_size") << QStringLiteral("4");
    }

    void invalidConfigsAreRejectedClearly()
    {
        QFETCH(QString, field);
        QFETCH(QString, value);
        const QByteArray json = QStringLiteral("{\"%1\": %2}").arg(field, value).toUtf8();
        QString parseError;
        const ModelConfig config = ModelConfig::fromJson(QJsonDocument::fromJson(json).object(), &parseError);
        QVERIFY2(parseError.isEmpty(), qPrintable(parseError));
        const QString why = config.validate();
        QVERIFY2(why.contains(field.section(QLatin1Char('_'), 0, 0)), qPrintable(why));
        try {
            buildModel(config, 1);
            QFAIL("buildModel accepted an invalid config");
        } catch (const std::invalid_argument &error) {
            QCOMPARE(QString::fromStdString(error.what()), why);
        }
        QVERIFY(!summarizeModel(config).error.isEmpty());
    }

    void configRoundTripsThroughJson()
    {
        ModelConfig config = smallConfig(QStringLiteral("lowrank"), QStringLiteral("conv1d"), QStringLiteral("gru"));
        config.rank = 7;
        config.norm = QStringLiteral("group");
        config.dropout = 0.25;
        QString error;
        const ModelConfig back = ModelConfig::fromJson(config.toJson(), &error);
        QVERIFY(error.isEmpty());
        QCOMPARE(back.toJson(), config.toJson());
        QVERIFY(config.validate().isEmpty());

        ModelConfig::fromJson(QJsonDocument::fromJson(R"({"dim": "wide", "colour": 1})").object(), &error);
        QVERIFY2(error.contains(QLatin1String("\"dim\" has the wrong type")), qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("unknown key \"colour\"")), qPrintable(error));
        QVERIFY(ModelConfig().validate().isEmpty());
    }

    void wrongInputShapesGiveAClearError()
    {
        const ModelConfig config = smallConfig(QStringLiteral("concat"));
        auto model = buildModel(config, 1);
        Inputs inputs = makeInputs(config, 2, 1);
        inputs.image = torch::zeros({2, 3, 48, 48});
        try {
            run(model, inputs);
            QFAIL("a 48×48 image was accepted by a 32×32 model");
        } catch (const std::exception &error) {
            QVERIFY2(QString::fromUtf8(error.what()).contains(QLatin1String("image must be float [B,3,32,32]")), error.what());
        }
    }

    void savedModelLoadsWithIdenticalOutputs_data()
    {
        missingModalityHasNoInfluence_data();
    }

    void savedModelLoadsWithIdenticalOutputs()
    {
        QFETCH(QString, fusion);
        QTemporaryDir dir;
        const ModelConfig config = smallConfig(fusion, QStringLiteral("gru"));
        auto model = buildModel(config, 11);
        model.eval();
        Inputs inputs = makeInputs(config, 3, 12);
        inputs.present[2][2] = 0.f;
        const Outputs original = run(model, inputs);
        const std::string path = dir.filePath(QStringLiteral("model.pt")).toStdString();
        model.save(path);
        auto loaded = torch::jit::load(path);
        loaded.eval();
        const Outputs reloaded = run(loaded, inputs);
        QCOMPARE(reloaded.size(), original.size());
        for (const auto &[key, value] : original)
            QVERIFY2(torch::equal(value, reloaded.at(key)), key.c_str());
        QCOMPARE(loaded.attr("fusion_name").toStringRef(), fusion.toStdString());
    }

    void userTorchScriptEncoders()
    {
        QTemporaryDir dir;
        const QString imagePath = dir.filePath(QStringLiteral("image_encoder.pt"));
        const QString audioPath = dir.filePath(QStringLiteral("audio_encoder.pt"));
        const QString tuplePath = dir.filePath(QStringLiteral("tuple_encoder.pt"));
        // A tiny image CNN emitting a 4×4 token grid, an audio encoder emitting one vector, and
        // one that breaks the documented signature.
        const QString script = QStringLiteral(R"PY(
import torch
class Grid(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 12, 8, stride=8)
        self.norm = torch.nn.BatchNorm2d(12)
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.norm(self.conv(x)).flatten(2).transpose(1, 2)
class Pool(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(16, 20)
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(x.mean(3).flatten(1))
class Tuple(torch.nn.Module):
    def forward(self, x: torch.Tensor):
        return x, x
torch.jit.script(Grid()).save(r"%1")
torch.jit.script(Pool()).save(r"%2")
torch.jit.script(Tuple()).save(r"%3")
)PY").arg(imagePath, audioPath, tuplePath);
        QString output;
        QVERIFY2(runPython(dir, script, &output), qPrintable(output));

        ModelConfig config = smallConfig(QStringLiteral("attention"));
        config.imageEncoder = imagePath;
        config.audioEncoder = audioPath;
        QVERIFY2(config.validate().isEmpty(), qPrintable(config.validate()));
        auto model = buildModel(config, 13);
        model.eval();
        const Inputs inputs = makeInputs(config, 2, 14);
        const Outputs out = run(model, inputs);
        QCOMPARE(out.at("logits").sizes().vec(), (std::vector<std::int64_t>{2, config.numClasses}));
        QCOMPARE(out.at("attn/text->image/0").size(-1), 16);
        QCOMPARE(out.at("attn/text->audio/0").size(-1), 1);
        // The user's parameters are the model's parameters: they train and they are saved.
        bool hasUserConv = false;
        for (const auto &parameter : model.named_parameters())
            hasUserConv = hasUserConv || parameter.name == "image_encoder.net.conv.weight";
        QVERIFY(hasUserConv);
        const std::string saved = dir.filePath(QStringLiteral("model.pt")).toStdString();
        model.save(saved);
        auto loaded = torch::jit::load(saved);
        loaded.eval();
        QVERIFY(torch::equal(run(loaded, inputs).at("logits"), out.at("logits")));

        config.audioEncoder = tuplePath;
        try {
            buildModel(config, 1);
            QFAIL("an encoder returning a tuple was accepted");
        } catch (const std::invalid_argument &error) {
            const QString message = QString::fromUtf8(error.what());
            QVERIFY2(message.contains(QLatin1String("audio_encoder")) && message.contains(tuplePath)
                         && message.contains(QLatin1String("must return a Tensor")), error.what());
        }
        const QString notScript = dir.filePath(QStringLiteral("notes.pt"));
        testsupport::writeFile(notScript, "not a zip archive");
        config.audioEncoder = notScript;
        try {
            buildModel(config, 1);
            QFAIL("a text file was accepted as an encoder");
        } catch (const std::invalid_argument &error) {
            QVERIFY2(QString::fromUtf8(error.what()).contains(QLatin1String("is not a TorchScript file")), error.what());
        }
    }

    void summaryCountsEveryParameter()
    {
        const ModelConfig config; // the default model
        const ModelSummary summary = summarizeModel(config);
        QVERIFY2(summary.error.isEmpty(), qPrintable(summary.error));
        QCOMPARE(summary.parts.size(), 5); // three encoders, the fusion, the embedding heads
        qint64 sum = 0;
        for (const auto &part : summary.parts) {
            QVERIFY(part.parameters > 0);
            sum += part.parameters;
        }
        QCOMPARE(sum, summary.parameters);
        const auto model = buildModel(config, 0);
        qint64 direct = 0;
        for (const auto &parameter : model.parameters())
            direct += parameter.numel();
        QCOMPARE(summary.parameters, direct);
        // Small and fast by design: a few hundred thousand parameters.
        QVERIFY2(summary.parameters > 100000 && summary.parameters < 800000, qPrintable(summary.text));
        QVERIFY(summary.text.contains(QLatin1String("fusion (attention)")));
        QVERIFY(summary.text.contains(QStringLiteral("image 8×8")));
    }

    /** Not a check: FUSIONSCOPE_MODEL_EXPORT=DIR writes untrained default models for tuning in Python. */
    void exportForTuning()
    {
        const QString dir = qEnvironmentVariable("FUSIONSCOPE_MODEL_EXPORT");
        if (dir.isEmpty())
            QSKIP("set FUSIONSCOPE_MODEL_EXPORT=DIR to write untrained models");
        QString error;
        const ModelConfig base = ModelConfig::fromJson(
            QJsonDocument::fromJson(qgetenv("FUSIONSCOPE_MODEL_CONFIG")).object(), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        for (const QString &fusion : ModelConfig::fusionNames()) {
            ModelConfig config = base;
            config.fusion = fusion;
            buildModel(config, 1).save((dir + QLatin1Char('/') + fusion + QStringLiteral(".pt")).toStdString());
        }
    }

    /** Not a check: FUSIONSCOPE_MODEL_TIMING=1 prints forward+backward time per fusion. */
    void timingTable()
    {
        if (qEnvironmentVariableIsEmpty("FUSIONSCOPE_MODEL_TIMING"))
            QSKIP("set FUSIONSCOPE_MODEL_TIMING=1 to time every fusion");
        torch::set_num_threads(2);
        for (const QString &fusion : ModelConfig::fusionNames()) {
            ModelConfig config;
            config.fusion = fusion;
            config.numClasses = 9;
            auto model = buildModel(config, 1);
            model.train();
            const Inputs inputs = makeInputs(config, 64, 1);
            const auto labels = torch::randint(0, 9, {64}, torch::kLong);
            double best = 1e9;
            for (int step = 0; step < 6; ++step) {
                QElapsedTimer timer;
                timer.start();
                const auto logits = run(model, inputs).at("logits");
                torch::nn::functional::cross_entropy(logits, labels).backward();
                if (step >= 2) // the first calls profile and optimise the graph
                    best = std::min(best, double(timer.nsecsElapsed()) / 1e6);
            }
            qInfo("%-10s %8lld parameters  %7.1f ms forward+backward (batch 64, 2 threads)", qPrintable(fusion),
                  summarizeModel(config).parameters, best);
        }
        torch::set_num_threads(1);
    }
};

QTEST_GUILESS_MAIN(TestModels)
#include "test_models.moc"
