#include "core/eval/archiveintegrity.h"
#include "core/eval/modelfileinfo.h"
#include "core/eval/modelio.h"
#include "tests/testsupport.h"

#include <torch/script.h>

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <random>

#include <sys/stat.h>

namespace {

/** A contract module whose logits depend on every input, with `classes` logit columns. */
torch::jit::Module contractModule(int classes, std::uint64_t seed = 3)
{
    torch::jit::Module module("FixtureModel");
    module.register_attribute("training", c10::BoolType::get(), true);
    torch::manual_seed(seed);
    module.register_parameter("weight", torch::randn({6, classes}), false);
    module.register_parameter("bias", torch::randn({classes}), false);
    module.define(R"(
def forward(self, text, image, audio, present):
    t = (text > 0).float().mean(1, keepdim=True)
    i = image.mean([1, 2, 3]).unsqueeze(1)
    a = audio.mean([1, 2, 3]).unsqueeze(1)
    features = torch.cat([t * present[:, 0:1], i * present[:, 1:2], a * present[:, 2:3], present], 1)
    return {"logits": torch.matmul(features, self.weight) + self.bias}
)");
    return module;
}

ModelMeta fixtureMeta(const QStringList &labels)
{
    ModelMeta meta;
    meta.labels = labels;
    meta.preprocess.imageSize = 16;
    meta.preprocess.mel.melBins = 16;
    meta.preprocess.textLength = 8;
    meta.preprocess.audioSeconds = 0.5;
    meta.preprocess.imageMean[1] = 0.25f;
    meta.preprocess.melMean = -3.5f;
    meta.model.fusion = QStringLiteral("concat");
    meta.model.numClasses = int(labels.size());
    meta.tokenLayout = QJsonObject{{QStringLiteral("text_length"), 8}, {QStringLiteral("image_grid"), QJsonArray{4, 4}}};
    meta.trainConfig = QJsonObject{{QStringLiteral("epochs"), 3}, {QStringLiteral("seed"), 11}};
    meta.metrics = QJsonObject{{QStringLiteral("accuracy"), 0.75}};
    return meta;
}

std::vector<c10::IValue> fixedInputs(const ModelMeta &meta)
{
    torch::manual_seed(5);
    const auto &p = meta.preprocess;
    return {torch::randint(0, 30, {3, p.textLength}, torch::kInt64), torch::randn({3, 3, p.imageSize, p.imageSize}),
            torch::randn({3, 1, p.mel.melBins, p.audioFrames()}), torch::tensor({{1.f, 1.f, 1.f}, {1.f, 0.f, 1.f}, {0.f, 1.f, 0.f}})};
}

at::Tensor logitsOf(torch::jit::Module &module, const std::vector<c10::IValue> &inputs)
{
    torch::NoGradGuard noGrad;
    return module.forward(inputs).toGenericDict().at(c10::IValue(std::string("logits"))).toTensor();
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

/** Runs a script with the peer Python (torch 1.13); fails the test when it does not succeed. */
bool runPython(const QString &script, const QStringList &arguments, QByteArray *out)
{
    QProcess process;
    process.start(QStringLiteral(FUSIONSCOPE_PEER_PYTHON), QStringList{script} + arguments);
    if (!process.waitForFinished(120000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        qWarning("python failed: %s", process.readAllStandardError().constData());
        return false;
    }
    *out = process.readAllStandardOutput();
    return true;
}

/** One line, no torch internals: what a user sees when a model file is bad. */
void verifyOneSentence(const QString &error)
{
    QVERIFY2(!error.isEmpty(), "no message");
    QVERIFY2(!error.contains(QLatin1Char('\n')), qPrintable(error));
    QVERIFY2(!error.contains(QLatin1String("Exception raised from")), qPrintable(error));
    QVERIFY2(!error.contains(QLatin1String("frame #")), qPrintable(error));
    QVERIFY2(!error.contains(QLatin1String("Traceback")), qPrintable(error));
}

} // namespace

class TestModelIo final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void roundTripKeepsMetaTokenizerAndOutputs();
    void savesInEvalModeAtomicallyAndOverwrites();
    void metaJsonRoundTrip();
    void brokenFilesGiveOneSentence_data();
    void brokenFilesGiveOneSentence();
    void externalFileWithoutLogitsIsCaughtByContractCheck();
    void infoAndExportCommands();
    void partialMetaTakesDefaults();
    void damagedStoragesAreRefused_data();
    void damagedStoragesAreRefused();
    void fifoDeviceAndFolderAreRefusedAtOnce();

private:
    QTemporaryDir m_dir;
    QString m_good;
    std::string m_tokenizer;
};

void TestModelIo::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // Bytes a SentencePiece model could hold, NULs included.
    m_tokenizer = std::string("\x0a\x00sentencepiece\xff\x01", 17);
    m_good = m_dir.filePath(QStringLiteral("good.pt"));
    QString error;
    QVERIFY2(saveModelFile(m_good, contractModule(3), fixtureMeta({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}),
                           m_tokenizer, &error), qPrintable(error));

    // Broken files made with the Python peer, as a user's own scripts would make them.
    const QString metaJson = QString::fromUtf8(QJsonDocument(fixtureMeta({QStringLiteral("x"), QStringLiteral("y"), QStringLiteral("z")}).toJson())
                                                   .toJson(QJsonDocument::Compact));
    testsupport::writeFile(m_dir.filePath(QStringLiteral("meta.json")), metaJson.toUtf8());
    const QString script = m_dir.filePath(QStringLiteral("make_models.py"));
    testsupport::writeFile(script, R"PY(
import sys, torch
from typing import Dict
out = sys.argv[1]
meta = open(out + '/meta.json').read()

class TwoInputs(torch.nn.Module):
    def forward(self, text, image) -> Dict[str, torch.Tensor]:
        return {'logits': image.mean([2, 3])}

class ReturnsTensor(torch.nn.Module):
    def forward(self, text, image, audio, present):
        return present

class NoLogits(torch.nn.Module):
    def forward(self, text, image, audio, present) -> Dict[str, torch.Tensor]:
        return {'scores': present}

class FiveClasses(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(3, 5)
    def forward(self, text, image, audio, present) -> Dict[str, torch.Tensor]:
        return {'logits': self.linear(present)}

torch.jit.script(TwoInputs()).save(out + '/two_inputs.pt')
torch.jit.script(ReturnsTensor()).save(out + '/returns_tensor.pt')
torch.jit.script(NoLogits()).save(out + '/no_logits.pt')
torch.jit.script(NoLogits()).save(out + '/no_logits_meta.pt', _extra_files={'fusionscope/meta.json': meta})
torch.jit.script(FiveClasses()).save(out + '/five_classes_meta.pt', _extra_files={'fusionscope/meta.json': meta})
torch.save({'weight': torch.ones(3)}, out + '/state_dict.pt')

# Damage a weight storage of a sound FusionScope file as a disk, a copy or a hand would.
import zipfile, struct
good = out + '/good.pt'
with zipfile.ZipFile(good) as z:
    infos = z.infolist()
    records = {i.filename: z.read(i.filename) for i in infos}
storage = [i for i in infos if i.filename.endswith('/data/0')][0]
raw = bytearray(open(good, 'rb').read())
name_len, extra_len = struct.unpack('<HH', raw[storage.header_offset + 26:storage.header_offset + 30])
start = storage.header_offset + 30 + name_len + extra_len
raw[start + storage.file_size // 2] ^= 0x10  # one flipped bit in the middle of a weight
open(out + '/flipped.pt', 'wb').write(raw)

def rezip(path, shorten):
    # A consistent zip (CRCs recomputed) whose storage holds fewer bytes than its tensor needs.
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_STORED) as z:
        for i in infos:
            data = records[i.filename]
            if shorten and i.filename == storage.filename:
                data = data[:len(data) // 2]
            z.writestr(i.filename, data)
rezip(out + '/truncated_storage.pt', True)
rezip(out + '/rezipped.pt', False)

# Re-zipped with compression by another tool: sound, and then with one flipped compressed bit.
with zipfile.ZipFile(out + '/rezipped_deflated.pt', 'w', zipfile.ZIP_DEFLATED) as z:
    for i in infos:
        z.writestr(i.filename, records[i.filename])
with zipfile.ZipFile(out + '/rezipped_deflated.pt') as z:
    code = [i for i in z.infolist() if i.filename.endswith('.py')][0]
raw = bytearray(open(out + '/rezipped_deflated.pt', 'rb').read())
name_len, extra_len = struct.unpack('<HH', raw[code.header_offset + 26:code.header_offset + 30])
raw[code.header_offset + 30 + name_len + extra_len + code.compress_size // 2] ^= 0x04
open(out + '/deflated_flipped.pt', 'wb').write(raw)

# The flipped weight behind an end record that lists no entries, while a zip64 record (which
# LibTorch's miniz reads whenever its locator is there) lists them all: the fuzzer's trick.
raw = bytearray(open(out + '/flipped.pt', 'rb').read())
eocd = raw.rfind(b'PK\x05\x06')
count, dir_size, dir_offset = struct.unpack('<HII', raw[eocd + 10:eocd + 20])
record = struct.pack('<IQHHIIQQQQ', 0x06064b50, 44, 45, 45, 0, 0, count, count, dir_size, dir_offset)
locator = struct.pack('<IIQI', 0x07064b50, 0, eocd, 1)
end = struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, 0, 0, dir_size, dir_offset, 0)
open(out + '/zip64_hidden.pt', 'wb').write(raw[:eocd] + record + locator + end)
)PY");
    QByteArray out;
    QVERIFY(runPython(script, {m_dir.path()}, &out));

    torch::jit::Module noForward("NoForward");
    noForward.define("def predict(self, x):\n    return x\n");
    noForward.save(m_dir.filePath(QStringLiteral("no_forward.pt")).toStdString());

    std::mt19937 rng(1);
    QByteArray noise(4096, '\0');
    for (char &c : noise)
        c = char(rng());
    testsupport::writeFile(m_dir.filePath(QStringLiteral("random.pt")), noise);
    const QByteArray good = readAll(m_good);
    QVERIFY(good.size() > 1000);
    testsupport::writeFile(m_dir.filePath(QStringLiteral("truncated.pt")), good.left(good.size() * 2 / 3));
    testsupport::writeFile(m_dir.filePath(QStringLiteral("empty.pt")), QByteArray());
}

void TestModelIo::roundTripKeepsMetaTokenizerAndOutputs()
{
    torch::jit::Module original = contractModule(3);
    const ModelMeta meta = fixtureMeta({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")});
    QString error;
    const std::optional<LoadedModel> loaded = loadModelFile(m_good, &error);
    QVERIFY2(loaded, qPrintable(error));
    QVERIFY(loaded->hasMeta);
    QCOMPARE(loaded->tokenizerModel, m_tokenizer);
    QCOMPARE(loaded->meta.labels, meta.labels);
    QCOMPARE(loaded->meta.formatVersion, ModelMeta::kFormatVersion);
    QCOMPARE(loaded->meta.preprocess.toJson(), meta.preprocess.toJson());
    QCOMPARE(loaded->meta.model.toJson(), meta.model.toJson());
    QCOMPARE(loaded->meta.tokenLayout, meta.tokenLayout);
    QCOMPARE(loaded->meta.trainConfig, meta.trainConfig);
    QCOMPARE(loaded->meta.metrics, meta.metrics);
    QCOMPARE(parameterCount(loaded->module), std::int64_t(6 * 3 + 3));

    torch::jit::Module reloaded = loaded->module;
    const auto inputs = fixedInputs(meta);
    QVERIFY(torch::equal(logitsOf(original, inputs), logitsOf(reloaded, inputs)));
}

void TestModelIo::savesInEvalModeAtomicallyAndOverwrites()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("model.pt"));
    testsupport::writeFile(path, "an older file that the save replaces");
    torch::jit::Module training = contractModule(2);
    QVERIFY(training.is_training());
    QString error;
    QVERIFY2(saveModelFile(path, training, fixtureMeta({QStringLiteral("p"), QStringLiteral("q")}), {}, &error),
             qPrintable(error));
    QVERIFY2(training.is_training(), "saving must not change the caller's module");
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{QStringLiteral("model.pt")});

    const std::optional<LoadedModel> loaded = loadModelFile(path, &error);
    QVERIFY2(loaded, qPrintable(error));
    QVERIFY(!loaded->module.is_training());
    QVERIFY(loaded->tokenizerModel.empty());

    // An unwritable target fails with a sentence; the earlier file still loads.
    QVERIFY(!saveModelFile(QStringLiteral("/proc/fusionscope-cannot-write/model.pt"), training,
                           fixtureMeta({QStringLiteral("p"), QStringLiteral("q")}), {}, &error));
    verifyOneSentence(error);
    QVERIFY(loadModelFile(path, &error));
}

void TestModelIo::metaJsonRoundTrip()
{
    const ModelMeta meta = fixtureMeta({QStringLiteral("一"), QStringLiteral("two")});
    ModelMeta back;
    QString error;
    QVERIFY2(ModelMeta::fromJson(meta.toJson(), &back, &error), qPrintable(error));
    QCOMPARE(back.toJson(), meta.toJson());

    QJsonObject newer = meta.toJson();
    newer.insert(QStringLiteral("format_version"), ModelMeta::kFormatVersion + 1);
    QVERIFY(!ModelMeta::fromJson(newer, &back, &error));
    QVERIFY2(error.contains(QLatin1String("newer")), qPrintable(error));
    QVERIFY(back.assumed.isEmpty()); // a FusionScope file gives every field
    QJsonObject noVersion = meta.toJson();
    noVersion.remove(QStringLiteral("format_version"));
    QVERIFY(!ModelMeta::fromJson(noVersion, &back, &error));
    QVERIFY2(error.contains(QLatin1String("format_version")), qPrintable(error));
    QJsonObject badLabels = meta.toJson();
    badLabels.insert(QStringLiteral("labels"), QJsonArray{QStringLiteral("a"), 3});
    QVERIFY(!ModelMeta::fromJson(badLabels, &back, &error)); // given but wrong is still an error
    QVERIFY2(error.contains(QLatin1String("labels")), qPrintable(error));
}

void TestModelIo::partialMetaTakesDefaults()
{
    // Only the format marker: every other field assumed, nothing refused.
    ModelMeta meta;
    QString error;
    QVERIFY2(ModelMeta::fromJson(QJsonObject{{QStringLiteral("format_version"), 1}}, &meta, &error), qPrintable(error));
    for (const char *field : {"labels", "preprocess", "token_layout", "built_in", "train", "metrics"})
        QVERIFY2(meta.assumed.contains(QLatin1String(field)), field);
    QVERIFY(!meta.hasLabels());
    QVERIFY(!meta.hasPreprocess());
    QVERIFY(!meta.builtIn);
    QCOMPARE(meta.preprocess.toJson(), PreprocessConfig().toJson());

    // Labels and token layout without preprocess (issue 9's file): the layout sets the shapes.
    const QJsonObject partial{{QStringLiteral("format_version"), 1},
                              {QStringLiteral("labels"), QJsonArray{QStringLiteral("x"), QStringLiteral("y")}},
                              {QStringLiteral("token_layout"), QJsonObject{{QStringLiteral("text_length"), 24},
                                                                           {QStringLiteral("image_size"), 32},
                                                                           {QStringLiteral("audio_frames"), 51}}}};
    QVERIFY2(ModelMeta::fromJson(partial, &meta, &error), qPrintable(error));
    QCOMPARE(meta.labels, (QStringList{QStringLiteral("x"), QStringLiteral("y")}));
    QVERIFY(!meta.assumed.contains(QStringLiteral("labels")));
    QVERIFY(meta.assumed.contains(QStringLiteral("preprocess")));
    QCOMPARE(meta.preprocess.textLength, 24);
    QCOMPARE(meta.preprocess.imageSize, 32);
    QCOMPARE(meta.preprocess.audioFrames(), 51);

    // A preprocess block missing its normalisation: the rest is used, the gaps are named.
    QJsonObject preprocess = fixtureMeta({QStringLiteral("a")}).preprocess.toJson();
    preprocess.remove(QStringLiteral("mel_mean"));
    QJsonObject withGap = partial;
    withGap.insert(QStringLiteral("preprocess"), preprocess);
    QVERIFY2(ModelMeta::fromJson(withGap, &meta, &error), qPrintable(error));
    QVERIFY(meta.hasPreprocess());
    QCOMPARE(meta.assumed.filter(QStringLiteral("preprocess")), QStringList{QStringLiteral("preprocess.mel_mean")});
    QCOMPARE(meta.preprocess.textLength, 8);

    // Saved and loaded: such a file loads (it was refused for "no preprocess object").
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("partial.pt"));
    QVERIFY(ModelMeta::fromJson(partial, &meta, &error));
    QVERIFY2(saveModelFile(path, contractModule(2), meta, {}, &error), qPrintable(error));
    // saveModelFile writes every field; rewrite the archive's meta.json as a user's script would.
    torch::jit::ExtraFilesMap extra{{"fusionscope/meta.json", QJsonDocument(partial).toJson().toStdString()}};
    torch::jit::Module module = contractModule(2);
    module.save(path.toStdString(), extra);
    const std::optional<LoadedModel> loaded = loadModelFile(path, &error);
    QVERIFY2(loaded, qPrintable(error));
    QVERIFY(loaded->hasMeta);
    QVERIFY(loaded->meta.assumed.contains(QStringLiteral("preprocess")));
    const DatasetOptions options = datasetOptionsForModel(*loaded);
    QVERIFY(!options.frozenPreprocess); // measured on the dataset, as for a new run
    QCOMPARE(options.preprocess.textLength, 24);
    QVERIFY(options.tokenizerModel.empty());
    QVERIFY(tokenizerFallbackNote(*loaded, path, QStringLiteral("data")).contains(QLatin1String("trained")));
    const auto info = testsupport::runFusionscope({QStringLiteral("info"), path, QStringLiteral("--json")});
    QCOMPARE(info.exitCode, 0);
    QVERIFY2(QJsonDocument::fromJson(info.out).object().value(QStringLiteral("assumed")).toArray().contains(QStringLiteral("preprocess")),
             info.out.constData());
}

void TestModelIo::damagedStoragesAreRefused_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("phrase");
    QTest::newRow("flipped weight bit") << "flipped.pt" << "data/0 fails its CRC-32 check";
    QTest::newRow("truncated storage") << "truncated_storage.pt" << "a truncated weight storage";
    QTest::newRow("flipped compressed bit") << "deflated_flipped.pt" << "does not inflate to the bytes";
    QTest::newRow("entries listed only in zip64") << "zip64_hidden.pt" << "data/0 fails its CRC-32 check";
}

void TestModelIo::damagedStoragesAreRefused()
{
    QFETCH(QString, file);
    QFETCH(QString, phrase);
    QCOMPARE(zipCrc32("123456789", 9), 0xCBF43926u); // the check value of zip's CRC-32
    QString error;
    // The same bytes re-zipped by Python's zipfile are sound: no false alarm on other writers.
    QVERIFY2(loadModelFile(m_dir.filePath(QStringLiteral("rezipped.pt")), &error), qPrintable(error));
    QVERIFY2(loadModelFile(m_dir.filePath(QStringLiteral("rezipped_deflated.pt")), &error), qPrintable(error));

    const QString path = m_dir.filePath(file);
    QVERIFY(!loadModelFile(path, &error));
    verifyOneSentence(error);
    QVERIFY2(error.contains(path) && error.contains(phrase), qPrintable(error));
    const auto info = testsupport::runFusionscope({QStringLiteral("info"), path});
    QCOMPARE(info.exitCode, 1);
    QVERIFY2(info.err.contains(phrase.toUtf8()), info.err.constData());
    const auto eval = testsupport::runFusionscope({QStringLiteral("eval"), path, m_dir.path()});
    QCOMPARE(eval.exitCode, 1);
    QVERIFY2(eval.err.contains(phrase.toUtf8()), eval.err.constData());
}

void TestModelIo::fifoDeviceAndFolderAreRefusedAtOnce()
{
    QTemporaryDir dir;
    const QString fifo = dir.filePath(QStringLiteral("model.pt"));
    QVERIFY(::mkfifo(QFile::encodeName(fifo).constData(), 0600) == 0);
    QElapsedTimer clock;
    clock.start();
    QString error;
    QVERIFY(!loadModelFile(fifo, &error));
    QVERIFY2(error.contains(QLatin1String("is a FIFO")), qPrintable(error));
    QVERIFY(!loadModelFile(QStringLiteral("/dev/zero"), &error));
    QVERIFY2(error.contains(QLatin1String("is a device")), qPrintable(error));
    QVERIFY(!loadModelFile(dir.path(), &error));
    QVERIFY2(error.contains(QLatin1String("is a folder")), qPrintable(error));
    QVERIFY2(clock.elapsed() < 2000, "refusing must not wait for a writer");

    // The commands never open it for reading (that would block until a writer comes).
    for (const QStringList &arguments : {QStringList{QStringLiteral("info"), fifo},
                                         QStringList{QStringLiteral("eval"), fifo, dir.path()},
                                         QStringList{QStringLiteral("explain"), fifo, dir.path()}}) {
        const auto run = testsupport::runFusionscope(arguments, 20000);
        QVERIFY2(run.exitCode == 1, qPrintable(arguments.join(QLatin1Char(' ')) + QLatin1String(": ") + QString::fromUtf8(run.err)));
        QVERIFY2(run.err.contains("is a FIFO"), run.err.constData());
    }
    const ModelFileInfo info = inspectModelFile(fifo);
    QVERIFY2(info.error.contains(QLatin1String("is a FIFO")), qPrintable(info.error));
}

void TestModelIo::brokenFilesGiveOneSentence_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("phrase");
    QTest::newRow("random bytes") << "random.pt" << "is not a TorchScript archive";
    QTest::newRow("truncated copy") << "truncated.pt" << "truncated";
    QTest::newRow("empty file") << "empty.pt" << "is empty";
    QTest::newRow("missing file") << "nowhere.pt" << "does not exist";
    QTest::newRow("torch.save pickle") << "state_dict.pt" << "not a TorchScript archive";
    QTest::newRow("no forward") << "no_forward.pt" << "has no forward method";
    QTest::newRow("forward takes 2 inputs") << "two_inputs.pt" << "forward takes 2 inputs (text, image)";
    QTest::newRow("returns a tensor") << "returns_tensor.pt" << "forward returns Tensor";
    QTest::newRow("no logits") << "no_logits_meta.pt" << "no \"logits\" (its keys: scores)";
    QTest::newRow("wrong class count") << "five_classes_meta.pt" << "gives 5 logits per sample but there are 3 classes";
}

void TestModelIo::brokenFilesGiveOneSentence()
{
    QFETCH(QString, file);
    QFETCH(QString, phrase);
    const QString path = m_dir.filePath(file);
    QString error;
    const std::optional<LoadedModel> loaded = loadModelFile(path, &error);
    QVERIFY(!loaded);
    verifyOneSentence(error);
    QVERIFY2(error.contains(path), qPrintable(error));
    QVERIFY2(error.contains(phrase), qPrintable(error));
}

void TestModelIo::externalFileWithoutLogitsIsCaughtByContractCheck()
{
    QString error;
    std::optional<LoadedModel> loaded = loadModelFile(m_dir.filePath(QStringLiteral("no_logits.pt")), &error);
    QVERIFY2(loaded, qPrintable(error)); // no meta: only the signature is checked at load
    QVERIFY(!loaded->hasMeta);
    const QString contract = checkModelContract(loaded->module, ModelMeta(), 0);
    verifyOneSentence(contract);
    QVERIFY2(contract.contains(QLatin1String("no \"logits\"")), qPrintable(contract));

    loaded = loadModelFile(m_good, &error);
    QVERIFY(loaded);
    int classes = 0;
    QVERIFY(checkModelContract(loaded->module, loaded->meta, 3, &classes).isEmpty());
    QCOMPARE(classes, 3);
    const QString wrong = checkModelContract(loaded->module, loaded->meta, 4);
    QVERIFY2(wrong.contains(QLatin1String("3 logits per sample but there are 4 classes")), qPrintable(wrong));
    // Shapes the model cannot take give the torch reason in one line, not a script traceback.
    torch::jit::Module picky("Picky");
    picky.define(R"(
def forward(self, text, image, audio, present):
    return {"logits": torch.matmul(image.flatten(1), torch.ones(7, 2))}
)");
    const QString shape = checkModelContract(picky, loaded->meta, 0);
    verifyOneSentence(shape);
    QVERIFY2(shape.contains(QLatin1String("forward fails on a batch of 2")), qPrintable(shape));
}

void TestModelIo::infoAndExportCommands()
{
    auto result = testsupport::runFusionscope({QStringLiteral("info"), m_good});
    QCOMPARE(result.exitCode, 0);
    QVERIFY2(result.out.contains("a, b, c"), result.out.constData());
    QVERIFY2(result.out.contains("parameters   21"), result.out.constData());
    QVERIFY2(result.out.contains("concat"), result.out.constData());

    result = testsupport::runFusionscope({QStringLiteral("info"), m_good, QStringLiteral("--json")});
    QCOMPARE(result.exitCode, 0);
    const QJsonObject info = QJsonDocument::fromJson(result.out).object();
    QCOMPARE(info.value(QStringLiteral("parameters")).toInt(), 21);
    QCOMPARE(info.value(QStringLiteral("format_version")).toInt(), 1);
    QCOMPARE(info.value(QStringLiteral("meta")).toObject().value(QStringLiteral("labels")).toArray().size(), 3);

    result = testsupport::runFusionscope({QStringLiteral("info"), m_dir.filePath(QStringLiteral("no_logits.pt"))});
    QCOMPARE(result.exitCode, 0);
    QVERIFY2(result.out.contains("no FusionScope metadata"), result.out.constData());

    result = testsupport::runFusionscope({QStringLiteral("info"), m_dir.filePath(QStringLiteral("truncated.pt"))});
    QCOMPARE(result.exitCode, 1);
    QCOMPARE(result.err.count('\n'), 1);
    QVERIFY2(result.err.contains("truncated"), result.err.constData());

    QTemporaryDir runs;
    const QString run = runs.filePath(QStringLiteral("run1"));
    testsupport::writeFile(run + QStringLiteral("/config.json"), "{}");
    const QString target = runs.filePath(QStringLiteral("out/exported.pt"));
    result = testsupport::runFusionscope({QStringLiteral("export"), run, QStringLiteral("--out"), target});
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.err.contains("has no model.pt"), result.err.constData());

    QVERIFY(QFile::copy(m_good, run + QStringLiteral("/model.pt")));
    result = testsupport::runFusionscope({QStringLiteral("export"), run, QStringLiteral("--out"), target});
    QCOMPARE(result.exitCode, 0);
    QCOMPARE(readAll(target), readAll(m_good));

    QFile::remove(run + QStringLiteral("/model.pt"));
    QVERIFY(QFile::copy(m_dir.filePath(QStringLiteral("five_classes_meta.pt")), run + QStringLiteral("/model.pt")));
    result = testsupport::runFusionscope({QStringLiteral("export"), run, QStringLiteral("--out"), target});
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.err.contains("5 logits"), result.err.constData());
    QCOMPARE(readAll(target), readAll(m_good)); // the earlier export is untouched
}

QTEST_GUILESS_MAIN(TestModelIo)
#include "test_modelio.moc"
