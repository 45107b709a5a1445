#include "core/model/modelconfig.h"
#include "core/model/modelfactory.h"
#include "tests/testsupport.h"

#include <torch/torch.h>
#include <ATen/CPUGeneratorImpl.h>

#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

namespace {

/** Writes a contiguous tensor's bytes; Python reads them back with numpy.fromfile. */
void writeRaw(const QString &path, const torch::Tensor &tensor)
{
    const auto contiguous = tensor.contiguous();
    testsupport::writeFile(path, QByteArray(static_cast<const char *>(contiguous.data_ptr()),
                                            qsizetype(contiguous.nbytes())));
}

torch::Tensor readRawFloats(const QString &path, const std::vector<std::int64_t> &shape)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray bytes = file.readAll();
    auto tensor = torch::empty(shape, torch::kFloat);
    if (bytes.size() != qsizetype(tensor.nbytes()))
        return {};
    std::memcpy(tensor.data_ptr(), bytes.constData(), std::size_t(bytes.size()));
    return tensor;
}

/** The peer: loads the file with torch.jit.load, runs the same inputs, writes every output. */
const char *kPeerScript = R"PY(
import json, sys
import numpy as np
import torch

folder = sys.argv[1]
torch.set_num_threads(1)
model = torch.jit.load(folder + "/model.pt")
model.eval()
shapes = json.load(open(folder + "/inputs.json"))
def read(name, dtype):
    return torch.from_numpy(np.fromfile(folder + "/" + name + ".bin", dtype=dtype).reshape(shapes[name]))
inputs = (read("text", np.int64), read("image", np.float32), read("audio", np.float32),
          read("present", np.float32))
with torch.no_grad():
    outputs = model(*inputs)
listing = {}
for index, (key, value) in enumerate(sorted(outputs.items())):
    value.detach().numpy().astype(np.float32).tofile(folder + "/out%d.bin" % index)
    listing[key] = {"file": "out%d.bin" % index, "shape": list(value.shape)}
json.dump(listing, open(folder + "/outputs.json", "w"))

# The exported file also trains in Python: gradients reach every parameter.
model.train()
outputs = model(*inputs)
loss = torch.nn.functional.cross_entropy(outputs["logits"], torch.zeros(inputs[0].shape[0], dtype=torch.long))
# ... and contrastively: CLIP's loss on the per-modality embeddings reaches their heads and temperature.
scale = model.embedding_heads.logit_scale.exp()
for a, b in (("text", "image"), ("text", "audio"), ("image", "audio")):
    similarity = scale * outputs["embed/" + a] @ outputs["embed/" + b].t()
    loss = loss + torch.nn.functional.cross_entropy(similarity, torch.arange(similarity.shape[0]))
loss.backward()
missing = [name for name, p in model.named_parameters() if p.grad is None or not torch.isfinite(p.grad).all()]
print("untrained parameters:", missing)
sys.exit(1 if missing else 0)
)PY";

} // namespace

/** Models built here run unchanged in Python's torch.jit.load, with the same outputs. */
class TestModelInterop final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void pythonRunsTheSavedModel_data()
    {
        QTest::addColumn<QString>("fusion");
        QTest::addColumn<QString>("textEncoder");
        QTest::newRow("attention") << QStringLiteral("attention") << QStringLiteral("transformer");
        QTest::newRow("graph") << QStringLiteral("graph") << QStringLiteral("gru");
    }

    void pythonRunsTheSavedModel()
    {
        QFETCH(QString, fusion);
        QFETCH(QString, textEncoder);
        QTemporaryDir dir;
        ModelConfig config;
        config.fusion = fusion;
        config.textEncoder = textEncoder;
        config.numClasses = 9;
        config.vocabSize = 101;
        config.audioFrames = 94;
        auto model = buildModel(config, 21);
        model.eval();

        const std::int64_t batch = 4;
        auto generator = at::detail::createCPUGenerator(22);
        auto text = torch::randint(1, config.vocabSize, {batch, config.textLength}, generator, torch::kLong);
        text.narrow(1, 5, config.textLength - 5).zero_();
        const auto image = torch::randn({batch, 3, config.imageSize, config.imageSize}, generator);
        const auto audio = torch::randn({batch, 1, config.melBins, config.audioFrames}, generator);
        // One sample of each kind of absence, so the masked paths are compared too.
        const auto present = torch::tensor({1.f, 1.f, 1.f, 0.f, 1.f, 1.f, 1.f, 0.f, 1.f, 1.f, 1.f, 0.f}).view({batch, 3});

        model.save(dir.filePath(QStringLiteral("model.pt")).toStdString());
        QJsonObject shapes;
        const std::pair<const char *, torch::Tensor> inputs[] = {
            {"text", text}, {"image", image}, {"audio", audio}, {"present", present}};
        for (const auto &[name, tensor] : inputs) {
            writeRaw(dir.filePath(QLatin1String(name) + QStringLiteral(".bin")), tensor);
            QJsonArray shape;
            for (const auto size : tensor.sizes())
                shape.append(double(size));
            shapes.insert(QLatin1String(name), shape);
        }
        testsupport::writeFile(dir.filePath(QStringLiteral("inputs.json")), QJsonDocument(shapes).toJson());
        testsupport::writeFile(dir.filePath(QStringLiteral("peer.py")), kPeerScript);

        QProcess peer;
        peer.start(QStringLiteral(FUSIONSCOPE_PEER_PYTHON), {dir.filePath(QStringLiteral("peer.py")), dir.path()});
        QVERIFY(peer.waitForFinished(120000));
        const QByteArray log = peer.readAllStandardOutput() + peer.readAllStandardError();
        QVERIFY2(peer.exitStatus() == QProcess::NormalExit && peer.exitCode() == 0, log.constData());

        torch::NoGradGuard noGrad;
        const auto ours = model.forward({text, image, audio, present}).toGenericDict();
        QFile listingFile(dir.filePath(QStringLiteral("outputs.json")));
        QVERIFY(listingFile.open(QIODevice::ReadOnly));
        const QJsonObject listing = QJsonDocument::fromJson(listingFile.readAll()).object();
        QCOMPARE(listing.size(), int(ours.size()));
        QVERIFY(listing.contains(QStringLiteral("logits")));
        for (const char *embedding : {"embed/text", "embed/image", "embed/audio"}) // what retrieval searches, to 1e-5 below
            QVERIFY2(listing.contains(QLatin1String(embedding)), embedding);
        for (const auto &entry : ours) {
            const QString key = QString::fromStdString(entry.key().toStringRef());
            QVERIFY2(listing.contains(key), qPrintable(key));
            const QJsonObject item = listing.value(key).toObject();
            std::vector<std::int64_t> shape;
            for (const auto size : item.value(QStringLiteral("shape")).toArray())
                shape.push_back(size.toInteger());
            const auto theirs = readRawFloats(dir.filePath(item.value(QStringLiteral("file")).toString()), shape);
            const auto mine = entry.value().toTensor();
            QVERIFY2(theirs.defined(), qPrintable(key));
            QCOMPARE(theirs.sizes().vec(), mine.sizes().vec());
            const double difference = (theirs - mine).abs().max().item<double>();
            QVERIFY2(difference <= 1e-5, qPrintable(QStringLiteral("%1 differs by %2").arg(key).arg(difference)));
        }
    }
};

QTEST_GUILESS_MAIN(TestModelInterop)
#include "test_model_interop.moc"
