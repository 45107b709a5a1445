// `fusionscope eval` end to end, and the exported file in Python: same tensors, same logits.
#include "core/data/audiodecoder.h"
#include "core/data/batch.h"
#include "core/data/dataset.h"
#include "core/eval/modelio.h"
#include "core/model/modelfactory.h"
#include "core/util/precision.h"
#include "tests/testsupport.h"

#include <torch/script.h>
#include <torch/csrc/jit/serialization/pickle.h>

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <opencv2/imgcodecs.hpp>

#include <cmath>
#include <numeric>
#include <random>

namespace {

const char *const kFusions[] = {"attention", "graph"};

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

/** 12 samples, labels a/b/c; 4 train (tokenizer, normalisation), 8 test, some missing a modality. */
void writeDataset(const QString &dir)
{
    std::mt19937 rng(5);
    const char *const texts[] = {"where is the circle", "find the red square", "the blue triangle please",
                                 "圆圈在哪里", "point at the green star", "which cell is it"};
    QByteArray manifest;
    for (int i = 0; i < 12; ++i) {
        const QString id = QStringLiteral("x%1").arg(i, 2, 10, QLatin1Char('0'));
        QJsonObject line{{QStringLiteral("id"), id},
                         {QStringLiteral("label"), QString(QLatin1Char(char('a' + i % 3)))},
                         {QStringLiteral("split"), i < 4 ? QStringLiteral("train") : QStringLiteral("test")}};
        if (i != 6)
            line.insert(QStringLiteral("text"), QString::fromUtf8(texts[i % 6]));
        if (i != 7) {
            cv::Mat image(32, 32, CV_8UC3);
            for (int y = 0; y < 32; ++y)
                for (int x = 0; x < 32; ++x)
                    image.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(rng()), uchar(rng()), uchar(rng()));
            const QString name = QStringLiteral("images/%1.png").arg(id);
            QDir().mkpath(dir + QStringLiteral("/images"));
            if (!cv::imwrite(QDir(dir).filePath(name).toStdString(), image))
                qFatal("cannot write %s", qPrintable(name));
            line.insert(QStringLiteral("image"), name);
        }
        if (i != 9) {
            std::vector<float> samples(std::size_t(3200 + 400 * (i % 4)));
            const double hz = 250.0 + 60.0 * i;
            for (std::size_t k = 0; k < samples.size(); ++k)
                samples[k] = float(0.4 * std::sin(2.0 * M_PI * hz * double(k) / 16000.0));
            const QString name = QStringLiteral("audio/%1.wav").arg(id);
            QDir().mkpath(dir + QStringLiteral("/audio"));
            QString error;
            if (!encodeAudio(QDir(dir).filePath(name), samples, 16000, AudioFormat::Wav, &error))
                qFatal("cannot write %s: %s", qPrintable(name), qPrintable(error));
            line.insert(QStringLiteral("audio"), name);
        }
        manifest += QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n';
    }
    testsupport::writeFile(dir + QStringLiteral("/manifest.jsonl"), manifest);
}

/** A contract module that ignores the meta: an "external" model a user scripted elsewhere. */
torch::jit::Module externalModule(int classes)
{
    torch::jit::Module module("External");
    module.register_attribute("training", c10::BoolType::get(), true);
    torch::manual_seed(9);
    module.register_parameter("weight", torch::randn({4, classes}), false);
    module.define(R"(
def forward(self, text, image, audio, present):
    features = torch.cat([present, image.mean([1, 2, 3]).unsqueeze(1)], 1)
    return {"logits": torch.matmul(features, self.weight)}
)");
    return module;
}

} // namespace

class TestEvalInterop final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void evalDumpsTheBatchItScored();
    void pythonRunsTheExportedFileToTheSameLogits();
    void externalModelsRunWithoutMeta();
    void badInputsExitWithOneLine();

private:
    ModelMeta metaFor(const ModelConfig &config, const QStringList &labels) const;

    QTemporaryDir m_dir;
    QString m_data;
    std::shared_ptr<Dataset> m_dataset;
};

ModelMeta TestEvalInterop::metaFor(const ModelConfig &config, const QStringList &labels) const
{
    ModelMeta meta;
    meta.labels = labels;
    meta.preprocess = m_dataset->preprocess();
    meta.model = config;
    meta.tokenLayout = QJsonObject{{QStringLiteral("text_length"), config.textLength}};
    return meta;
}

void TestEvalInterop::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_data = m_dir.filePath(QStringLiteral("data"));
    writeDataset(m_data);
    DatasetOptions options;
    options.preprocess.imageSize = 32;
    options.preprocess.mel.melBins = 16;
    options.preprocess.vocabSize = 40;
    options.preprocess.textLength = 8;
    options.threads = 1;
    m_dataset = Dataset::load(m_data, options);
    QVERIFY(m_dataset && m_dataset->loadError().isEmpty());
    QVERIFY2(m_dataset->issues().isEmpty(), qPrintable(m_dataset->issues().value(0).toString()));
    QCOMPARE(m_dataset->size(), 12);

    for (const char *fusion : kFusions) {
        ModelConfig config;
        config.fusion = QString::fromLatin1(fusion);
        config.dim = 16;
        config.heads = 2;
        config.layers = 1;
        config.numClasses = 3;
        config.vocabSize = m_dataset->preprocess().vocabSize;
        config.textLength = m_dataset->preprocess().textLength;
        config.imageSize = m_dataset->preprocess().imageSize;
        config.melBins = m_dataset->preprocess().mel.melBins;
        config.audioFrames = m_dataset->preprocess().audioFrames();
        torch::jit::Module model = buildModel(config, /*seed=*/17);
        QString error;
        QVERIFY2(saveModelFile(m_dir.filePath(QStringLiteral("%1.pt").arg(QLatin1String(fusion))), model,
                               metaFor(config, m_dataset->labels()), m_dataset->tokenizer().serialized(), &error),
                 qPrintable(error));
        if (config.fusion == QLatin1String("attention")) {
            // Same weights, but the model knows {a, b, z}: the dataset's "c" is foreign to it.
            QVERIFY(saveModelFile(m_dir.filePath(QStringLiteral("foreign.pt")), model,
                                  metaFor(config, {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("z")}),
                                  m_dataset->tokenizer().serialized(), &error));
        }
    }
}

void TestEvalInterop::evalDumpsTheBatchItScored()
{
    const std::vector<int> all = [this] {
        std::vector<int> v(std::size_t(m_dataset->size()));
        std::iota(v.begin(), v.end(), 0);
        return v;
    }();
    const Batch expected = makeBatch(*m_dataset, all);
    // fp32 for the comparison with Python's plain forward; bf16 for the one under torch.autocast.
    for (const QString &precision : {QStringLiteral("fp32"), QStringLiteral("bf16")})
    for (const char *fusion : kFusions) {
        const QString name = QString::fromLatin1(fusion) + (precision == QLatin1String("bf16") ? QStringLiteral(".bf16") : QString());
        const QString dump = m_dir.filePath(name + QStringLiteral(".dump"));
        const QString predictions = m_dir.filePath(name + QStringLiteral(".jsonl"));
        const auto result = testsupport::runFusionscope({QStringLiteral("eval"), m_dir.filePath(QLatin1String(fusion) + QStringLiteral(".pt")),
                                                         m_data, QStringLiteral("--split"), QStringLiteral("all"), QStringLiteral("--json"),
                                                         QStringLiteral("--dump-batch"), dump, QStringLiteral("--predictions"), predictions,
                                                         QStringLiteral("--precision"), precision});
        QVERIFY2(result.exitCode == 0, result.err.constData());
        const QJsonObject report = QJsonDocument::fromJson(result.out).object();
        QCOMPARE(report.value(QStringLiteral("precision")).toString(), precision);
        QCOMPARE(report.value(QStringLiteral("samples")).toInt(), 12);
        QCOMPARE(report.value(QStringLiteral("evaluated")).toInt(), 12);
        QCOMPARE(report.value(QStringLiteral("subset_accuracy")).toObject().size(), 7);
        QCOMPARE(report.value(QStringLiteral("confusion")).toArray().size(), 3);

        // The dump holds exactly what the app fed the model: the same preprocessed tensors.
        const std::vector<char> bytes = [&] {
            const QByteArray raw = readAll(dump);
            return std::vector<char>(raw.begin(), raw.end());
        }();
        QVERIFY(!bytes.empty());
        const auto tensors = torch::pickle_load(bytes).toGenericDict();
        const auto get = [&](const char *key) { return tensors.at(c10::IValue(std::string(key))).toTensor(); };
        QVERIFY(torch::equal(get("text"), expected.text));
        QVERIFY(torch::equal(get("image"), expected.image));
        QVERIFY(torch::equal(get("audio"), expected.audio));
        QVERIFY(torch::equal(get("present"), expected.present));
        QVERIFY(torch::equal(get("labels"), expected.labels));
        const at::Tensor logits = get("logits");
        QCOMPARE(logits.size(0), 12);
        QCOMPARE(logits.size(1), 3);

        // The predictions file agrees with those logits, row by row.
        const QList<QByteArray> lines = readAll(predictions).split('\n');
        QCOMPARE(lines.size(), 13); // 12 lines and the final newline
        const at::Tensor probabilities = torch::softmax(logits, 1);
        for (int row = 0; row < 12; ++row) {
            const QJsonObject line = QJsonDocument::fromJson(lines.at(row)).object();
            QCOMPARE(line.value(QStringLiteral("id")).toString(), m_dataset->record(row).id);
            QCOMPARE(line.value(QStringLiteral("label")).toString(), m_dataset->record(row).label);
            const int argmax = int(logits[row].argmax().item<std::int64_t>());
            QCOMPARE(line.value(QStringLiteral("predicted")).toString(), m_dataset->labels().at(argmax));
            const QJsonObject p = line.value(QStringLiteral("probabilities")).toObject();
            QCOMPARE(p.size(), 3);
            QVERIFY(std::abs(p.value(QStringLiteral("b")).toDouble() - probabilities[row][1].item<double>()) < 1e-6);
        }
    }

    // Without --precision: auto, resolved as training resolves it; an unknown mode is a usage error.
    const QString model = m_dir.filePath(QStringLiteral("attention.pt"));
    auto result = testsupport::runFusionscope({QStringLiteral("eval"), model, m_data, QStringLiteral("--json")});
    QVERIFY2(result.exitCode == 0, result.err.constData());
    QCOMPARE(QJsonDocument::fromJson(result.out).object().value(QStringLiteral("precision")).toString(),
             precisionName(resolvePrecision(QStringLiteral("auto"))));
    result = testsupport::runFusionscope({QStringLiteral("eval"), model, m_data, QStringLiteral("--precision"), QStringLiteral("fp16")});
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains("--precision must be fp32, bf16 or auto, got 'fp16'"), result.err.constData());
}

void TestEvalInterop::pythonRunsTheExportedFileToTheSameLogits()
{
    const QString script = m_dir.filePath(QStringLiteral("peer.py"));
    testsupport::writeFile(script, R"PY(
import json, sys, torch
torch.set_num_threads(1)
folder, fusions = sys.argv[1], sys.argv[2:]
result = {}
for fusion in fusions:
    extra = {'fusionscope/meta.json': '', 'fusionscope/tokenizer.model': ''}
    model = torch.jit.load(folder + '/' + fusion + '.pt', _extra_files=extra)
    trained_mode = model.training
    model.eval()
    batch = torch.load(folder + '/' + fusion + '.dump')
    with torch.no_grad():
        out = model(batch['text'], batch['image'], batch['audio'], batch['present'])
    bf16 = torch.load(folder + '/' + fusion + '.bf16.dump')
    with torch.no_grad(), torch.autocast('cpu', dtype=torch.bfloat16):
        out_bf16 = model(bf16['text'], bf16['image'], bf16['audio'], bf16['present'])
    meta = json.loads(extra['fusionscope/meta.json'])
    result[fusion] = {
        'diff': float((out['logits'] - batch['logits']).abs().max()),
        'diff_bf16': float((out_bf16['logits'].float() - bf16['logits']).abs().max()),
        'bf16_vs_fp32': float((bf16['logits'] - batch['logits']).abs().max()),
        'rows': int(out['logits'].shape[0]),
        'labels': meta['labels'],
        'fusion': meta['model']['fusion'],
        'tokenizer_bytes': len(extra['fusionscope/tokenizer.model']),
        'saved_training': trained_mode,
    }
print(json.dumps(result))
)PY");
    QStringList arguments{script, m_dir.path()};
    for (const char *fusion : kFusions)
        arguments << QString::fromLatin1(fusion);
    QProcess python;
    python.start(QStringLiteral(FUSIONSCOPE_PEER_PYTHON), arguments);
    QVERIFY(python.waitForFinished(120000));
    QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
    const QJsonObject results = QJsonDocument::fromJson(python.readAllStandardOutput()).object();
    const auto tokenizerBytes = qint64(m_dataset->tokenizer().serialized().size());
    QVERIFY(tokenizerBytes > 0);
    for (const char *fusion : kFusions) {
        const QJsonObject r = results.value(QLatin1String(fusion)).toObject();
        QVERIFY2(!r.isEmpty(), fusion);
        QCOMPARE(r.value(QStringLiteral("rows")).toInt(), 12);
        const double diff = r.value(QStringLiteral("diff")).toDouble(1.0);
        qInfo("%s: max |logit difference| app vs Python %.3g over 12 samples", fusion, diff);
        QVERIFY2(diff <= 1e-5, qPrintable(QStringLiteral("%1: max |logit difference| %2").arg(QLatin1String(fusion)).arg(diff)));
        // bf16: Python under torch.autocast computes what the app computed under its own autocast,
        // and bf16 really ran (the logits moved off the fp32 ones, but not far).
        const double diffBf16 = r.value(QStringLiteral("diff_bf16")).toDouble(1.0);
        const double bf16VsFp32 = r.value(QStringLiteral("bf16_vs_fp32")).toDouble(0.0);
        qInfo("%s bf16: app vs Python autocast %.3g; bf16 vs fp32 %.3g", fusion, diffBf16, bf16VsFp32);
        QVERIFY2(diffBf16 <= 1e-5, qPrintable(QStringLiteral("%1 bf16: max |logit difference| %2").arg(QLatin1String(fusion)).arg(diffBf16)));
        QVERIFY2(bf16VsFp32 > 0.0 && bf16VsFp32 < 0.5, qPrintable(QString::number(bf16VsFp32)));
        QCOMPARE(r.value(QStringLiteral("labels")).toArray().toVariantList(), QVariant(m_dataset->labels()).toList());
        QCOMPARE(r.value(QStringLiteral("fusion")).toString(), QLatin1String(fusion));
        QCOMPARE(qint64(r.value(QStringLiteral("tokenizer_bytes")).toDouble()), tokenizerBytes);
        QCOMPARE(r.value(QStringLiteral("saved_training")).toBool(true), false);
    }
}

void TestEvalInterop::externalModelsRunWithoutMeta()
{
    const QString three = m_dir.filePath(QStringLiteral("external3.pt"));
    const QString five = m_dir.filePath(QStringLiteral("external5.pt"));
    externalModule(3).save(three.toStdString());
    externalModule(5).save(five.toStdString());

    auto result = testsupport::runFusionscope({QStringLiteral("eval"), three, m_data, QStringLiteral("--image-size"),
                                               QStringLiteral("32"), QStringLiteral("--text-length"), QStringLiteral("8")});
    QVERIFY2(result.exitCode == 0, result.err.constData());
    QVERIFY2(result.out.contains("accuracy"), result.out.constData());
    QVERIFY2(result.out.contains("text+image+audio"), result.out.constData());
    QVERIFY2(result.out.contains("8 samples"), result.out.constData()); // the test split

    result = testsupport::runFusionscope({QStringLiteral("eval"), five, m_data, QStringLiteral("--image-size"), QStringLiteral("32")});
    QCOMPARE(result.exitCode, 1);
    QCOMPARE(result.err.count('\n'), 1);
    QVERIFY2(result.err.contains("gives 5 logits per sample but " + m_data.toUtf8() + " has 3 labels (a, b, c)"),
             result.err.constData());
}

void TestEvalInterop::badInputsExitWithOneLine()
{
    auto result = testsupport::runFusionscope({QStringLiteral("eval"), m_dir.filePath(QStringLiteral("foreign.pt")), m_data});
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.err.contains("has label c that"), result.err.constData());
    QVERIFY2(result.err.contains("(its classes: a, b, z)"), result.err.constData());

    const QString garbage = m_dir.filePath(QStringLiteral("garbage.pt"));
    testsupport::writeFile(garbage, "definitely not a zip archive");
    result = testsupport::runFusionscope({QStringLiteral("eval"), garbage, m_data});
    QCOMPARE(result.exitCode, 1);
    QCOMPARE(result.err.count('\n'), 1);
    QVERIFY2(result.err.contains("is not a TorchScript archive"), result.err.constData());
}

QTEST_GUILESS_MAIN(TestEvalInterop)
#include "test_eval_interop.moc"
