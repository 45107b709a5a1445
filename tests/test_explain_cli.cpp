// `fusionscope explain` end to end: a built-in attention model saved with its metadata and an
// external TorchScript file scripted in Python that returns only logits, on a small Shapes-AV.
#include "core/data/dataset.h"
#include "core/eval/modelio.h"
#include "core/model/modelfactory.h"
#include "core/util/precision.h"
#include "tests/testsupport.h"

#include <torch/script.h>

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <opencv2/imgcodecs.hpp>

namespace {

const char *const kExternalModel = R"PY(
import sys, torch
from typing import Dict

class External(torch.nn.Module):
    """The model contract with nothing but logits: no attention, no gates, no metadata."""
    def __init__(self, classes: int):
        super().__init__()
        g = torch.Generator().manual_seed(0)
        self.w = torch.nn.Parameter(torch.randn(3, classes, generator=g))
        self.v = torch.nn.Parameter(torch.randn(3, classes, generator=g))

    def forward(self, text: torch.Tensor, image: torch.Tensor, audio: torch.Tensor,
                present: torch.Tensor) -> Dict[str, torch.Tensor]:
        colour = image.mean([2, 3]) * present[:, 1:2]
        loud = audio.mean([1, 2, 3]).unsqueeze(1) * present[:, 2:3]
        words = (text > 0).float().mean(1, keepdim=True) * present[:, 0:1]
        return {"logits": present @ self.w + colour @ self.v + loud + words}

torch.jit.script(External(int(sys.argv[2]))).save(sys.argv[1])
)PY";

QJsonObject readJson(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

} // namespace

class TestExplainCli final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void explainsOneSampleWithOverlays();
    void summarisesASplit();
    void explainsAnExternalLogitsOnlyModel();
    void badArgumentsAndMissingFiles();

private:
    QTemporaryDir m_dir;
    QString m_data;
    QString m_model;
    QString m_external;
    std::shared_ptr<Dataset> m_dataset;
};

void TestExplainCli::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_data = m_dir.filePath(QStringLiteral("shapes"));
    // 48-pixel originals against a 32-pixel model input: token rectangles must land on the originals.
    const auto demo = testsupport::runFusionscope({QStringLiteral("demo-data"), QStringLiteral("--out"), m_data,
                                                   QStringLiteral("--samples"), QStringLiteral("30"),
                                                   QStringLiteral("--image-size"), QStringLiteral("48")});
    QVERIFY2(demo.exitCode == 0, demo.err.constData());

    DatasetOptions options;
    options.preprocess.imageSize = 32;
    options.preprocess.mel.melBins = 16;
    options.preprocess.vocabSize = 60;
    options.preprocess.textLength = 12;
    options.threads = 1;
    m_dataset = Dataset::load(m_data, options);
    QVERIFY(m_dataset && m_dataset->loadError().isEmpty());
    QCOMPARE(m_dataset->size(), 30);

    ModelConfig config;
    config.fusion = QStringLiteral("attention");
    config.textEncoder = QStringLiteral("mean");
    config.dim = 16;
    config.heads = 2;
    config.layers = 1;
    config.numClasses = int(m_dataset->labels().size());
    config.vocabSize = m_dataset->tokenizer().vocabSize();
    config.textLength = m_dataset->preprocess().textLength;
    config.imageSize = m_dataset->preprocess().imageSize;
    config.melBins = m_dataset->preprocess().mel.melBins;
    config.audioFrames = m_dataset->preprocess().audioFrames();
    const torch::jit::Module model = buildModel(config, /*seed=*/5);
    ModelMeta meta;
    meta.labels = m_dataset->labels();
    meta.preprocess = m_dataset->preprocess();
    meta.model = config;
    // The layout an exported model carries, from the attributes the built-in models record.
    meta.tokenLayout = QJsonObject{
        {QStringLiteral("text_length"), config.textLength},
        {QStringLiteral("image_size"), config.imageSize},
        {QStringLiteral("audio_frames"), config.audioFrames},
        {QStringLiteral("audio_hop_seconds"), 0.01},
        {QStringLiteral("image_grid"), QJsonArray{double(model.attr("image_grid_h").toInt()), double(model.attr("image_grid_w").toInt())}},
        {QStringLiteral("audio_tokens"), double(model.attr("audio_tokens").toInt())}};
    m_model = m_dir.filePath(QStringLiteral("attention.pt"));
    QString error;
    QVERIFY2(saveModelFile(m_model, model, meta, m_dataset->tokenizer().serialized(), &error), qPrintable(error));

    if (QFileInfo::exists(QStringLiteral(FUSIONSCOPE_PEER_PYTHON))) {
        const QString script = m_dir.filePath(QStringLiteral("external.py"));
        testsupport::writeFile(script, kExternalModel);
        m_external = m_dir.filePath(QStringLiteral("external.pt"));
        QProcess python;
        python.start(QStringLiteral(FUSIONSCOPE_PEER_PYTHON), {script, m_external, QString::number(m_dataset->labels().size())});
        QVERIFY(python.waitForFinished(120000));
        QVERIFY2(python.exitCode() == 0 && QFileInfo::exists(m_external), python.readAllStandardError().constData());
    }
}

void TestExplainCli::explainsOneSampleWithOverlays()
{
    const QString id = m_dataset->record(3).id;
    const QString out = m_dir.filePath(QStringLiteral("one"));
    const auto run = testsupport::runFusionscope({QStringLiteral("explain"), m_model, m_data, QStringLiteral("--sample"), id,
                                                  QStringLiteral("--out"), out});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QVERIFY(run.out.contains("shapley"));
    for (const char *suffix : {"_image.png", "_audio.png", "_text.png"}) {
        const cv::Mat png = cv::imread(QDir(out).filePath(id + QLatin1String(suffix)).toStdString(), cv::IMREAD_COLOR);
        QVERIFY2(!png.empty(), suffix);
        if (QLatin1String(suffix) == QLatin1String("_image.png"))
            QCOMPARE(png.cols, 288); // 48-pixel original enlarged 6× to reach 256
    }
    QVERIFY(!QFileInfo::exists(QDir(out).filePath(QStringLiteral("split_test.json")))); // --sample alone: no split
    const QJsonObject json = readJson(QDir(out).filePath(id + QStringLiteral(".json")));
    QCOMPARE(json.value(QStringLiteral("id")).toString(), id);
    QVERIFY(m_dataset->labels().contains(json.value(QStringLiteral("prediction")).toObject().value(QStringLiteral("label")).toString()));
    const QJsonObject contributions = json.value(QStringLiteral("contributions")).toObject();
    QVERIFY(contributions.value(QStringLiteral("efficiency_error")).toDouble(1.0) < 1e-5);
    QCOMPARE(contributions.value(QStringLiteral("subsets")).toObject().size(), 8);
    QVERIFY(contributions.value(QStringLiteral("grad_input")).toObject().value(QStringLiteral("text")).isDouble()); // embedding surrogate
    const QJsonObject attention = json.value(QStringLiteral("attention")).toObject();
    QVERIFY(attention.value(QStringLiteral("maps")).toArray().size() >= 3);
    QCOMPARE(attention.value(QStringLiteral("rollouts")).toArray().size(), 1);
    const QJsonObject image = attention.value(QStringLiteral("image")).toObject();
    QCOMPARE(image.value(QStringLiteral("grid")).toArray(), (QJsonArray{4, 4}));
    QCOMPARE(image.value(QStringLiteral("image_size")).toArray(), (QJsonArray{48, 48}));
    const QJsonArray peak = image.value(QStringLiteral("peak_rect")).toArray();
    QCOMPARE(peak.size(), 4);
    QCOMPARE(peak.at(2).toInt() - peak.at(0).toInt(), 12); // a 4×4 grid over 48 pixels
    QVERIFY(image.contains(QStringLiteral("pointing_hit")));
    QVERIFY(attention.value(QStringLiteral("audio")).toObject().value(QStringLiteral("spans_seconds")).toArray().size() > 0);
    QVERIFY(attention.value(QStringLiteral("text")).toObject().value(QStringLiteral("tokens")).toArray().size() > 0);
}

void TestExplainCli::summarisesASplit()
{
    const QString out = m_dir.filePath(QStringLiteral("split"));
    const auto run = testsupport::runFusionscope({QStringLiteral("explain"), m_model, m_data, QStringLiteral("--split"),
                                                  QStringLiteral("all"), QStringLiteral("--limit"), QStringLiteral("12"),
                                                  QStringLiteral("--overlays"), QStringLiteral("1"), QStringLiteral("--severities"),
                                                  QStringLiteral("3"), QStringLiteral("--json"), QStringLiteral("--out"), out});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QJsonObject document = QJsonDocument::fromJson(run.out).object();
    QCOMPARE(document.value(QStringLiteral("samples")).toArray().size(), 1);
    QCOMPARE(document.value(QStringLiteral("precision")).toString(), precisionName(resolvePrecision(QStringLiteral("auto"))));
    const QJsonObject split = document.value(QStringLiteral("split")).toObject();
    QCOMPARE(split, readJson(QDir(out).filePath(QStringLiteral("split_all.json"))));
    QCOMPARE(split.value(QStringLiteral("samples")).toInt(), 12);
    QVERIFY(split.value(QStringLiteral("shapley")).toObject().value(QStringLiteral("max_efficiency_error")).toDouble(1.0) < 1e-5);
    QCOMPARE(split.value(QStringLiteral("subset_accuracy")).toObject().size(), 7);
    QCOMPARE(split.value(QStringLiteral("confusion")).toObject().value(QStringLiteral("matrix")).toArray().size(),
             int(m_dataset->labels().size()));
    QCOMPARE(split.value(QStringLiteral("disagreements")).toArray().size(), 12);
    const QJsonObject pointing = split.value(QStringLiteral("pointing_game")).toObject();
    QCOMPARE(pointing.value(QStringLiteral("samples")).toInt(), 12); // every Shapes-AV sample has a target box
    QCOMPARE(pointing.value(QStringLiteral("primary")).toObject().value(QStringLiteral("source")).toString(),
             QStringLiteral("rollout(all->all) via readout->image"));
    const QJsonObject robustness = split.value(QStringLiteral("robustness")).toObject();
    const QJsonArray curves = robustness.value(QStringLiteral("curves")).toArray();
    QCOMPARE(curves.size(), 7);
    for (const QJsonValue &curve : curves) {
        QCOMPARE(curve.toObject().value(QStringLiteral("accuracy")).toArray().size(), 3);
        QCOMPARE(curve.toObject().value(QStringLiteral("accuracy")).toArray().at(0).toDouble(),
                 robustness.value(QStringLiteral("clean_accuracy")).toDouble());
    }
    QCOMPARE(robustness.value(QStringLiteral("missing")).toObject().size(), 3);
}

void TestExplainCli::explainsAnExternalLogitsOnlyModel()
{
    if (m_external.isEmpty())
        QSKIP("the Python peer " FUSIONSCOPE_PEER_PYTHON " is not installed");
    const QString id = m_dataset->record(5).id;
    const QString out = m_dir.filePath(QStringLiteral("external"));
    const auto run = testsupport::runFusionscope({QStringLiteral("explain"), m_external, m_data, QStringLiteral("--sample"), id,
                                                  QStringLiteral("--split"), QStringLiteral("all"), QStringLiteral("--overlays"),
                                                  QStringLiteral("0"), QStringLiteral("--severities"), QStringLiteral("2"),
                                                  QStringLiteral("--json"), QStringLiteral("--out"), out});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QJsonObject document = QJsonDocument::fromJson(run.out).object();
    QCOMPARE(document.value(QStringLiteral("fusion")).toString(), QStringLiteral("external"));
    const QJsonObject sample = document.value(QStringLiteral("samples")).toArray().at(0).toObject();
    const QJsonObject attention = sample.value(QStringLiteral("attention")).toObject();
    QVERIFY(attention.value(QStringLiteral("maps")).toArray().isEmpty());
    QVERIFY(!attention.contains(QStringLiteral("image")));
    const QJsonObject contributions = sample.value(QStringLiteral("contributions")).toObject();
    QVERIFY(contributions.value(QStringLiteral("efficiency_error")).toDouble(1.0) < 1e-5);
    QVERIFY(contributions.value(QStringLiteral("gates")).isNull());
    QVERIFY(contributions.value(QStringLiteral("grad_input")).toObject().value(QStringLiteral("text")).isNull());
    QVERIFY(contributions.value(QStringLiteral("grad_input")).toObject().value(QStringLiteral("image")).toDouble() > 0.0);
    QVERIFY(contributions.value(QStringLiteral("grad_input_text")).toString().startsWith(QLatin1String("unavailable")));
    double shapleyMagnitude = 0.0;
    for (const QJsonValue &value : contributions.value(QStringLiteral("shapley")).toObject())
        shapleyMagnitude += std::abs(value.toDouble());
    QVERIFY(shapleyMagnitude > 0.0);
    // No attention, so no overlays and no pointing game; the rest of the split still comes out.
    QVERIFY(!QFileInfo::exists(QDir(out).filePath(id + QStringLiteral("_image.png"))));
    const QJsonObject split = document.value(QStringLiteral("split")).toObject();
    QVERIFY(split.value(QStringLiteral("pointing_game")).isNull());
    QCOMPARE(split.value(QStringLiteral("samples")).toInt(), 30);
    QCOMPARE(split.value(QStringLiteral("robustness")).toObject().value(QStringLiteral("curves")).toArray().size(), 7);
}

void TestExplainCli::badArgumentsAndMissingFiles()
{
    const QString out = m_dir.filePath(QStringLiteral("bad"));
    auto run = testsupport::runFusionscope({QStringLiteral("explain"), m_model, m_data, QStringLiteral("--split"), QStringLiteral("bogus")});
    QCOMPARE(run.exitCode, 2);
    QVERIFY(run.err.contains("--split"));
    run = testsupport::runFusionscope({QStringLiteral("explain"), m_model});
    QCOMPARE(run.exitCode, 2);
    run = testsupport::runFusionscope({QStringLiteral("explain"), m_model, m_data, QStringLiteral("--precision"), QStringLiteral("half")});
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains("--precision must be fp32, bf16 or auto, got 'half'"), run.err.constData());
    run = testsupport::runFusionscope({QStringLiteral("explain"), m_dir.filePath(QStringLiteral("missing.pt")), m_data, QStringLiteral("--out"), out});
    QCOMPARE(run.exitCode, 1);
    QVERIFY(run.err.contains("missing.pt"));
    run = testsupport::runFusionscope({QStringLiteral("explain"), m_model, m_data, QStringLiteral("--sample"), QStringLiteral("no-such-id"),
                                       QStringLiteral("--out"), out});
    QCOMPARE(run.exitCode, 1);
    QVERIFY(run.err.contains("no-such-id"));
}

QTEST_GUILESS_MAIN(TestExplainCli)
#include "test_explain_cli.moc"
