// A full file system while a run writes its files: every writer says which file and "No space
// left on device", and the previous checkpoint, model and export stay whole. Needs root to
// mount a 2 MB tmpfs; skipped (with the reason) where mounting is impossible.
#include "core/eval/modelio.h"
#include "core/train/checkpoint.h"
#include "core/train/metricslog.h"
#include "core/train/runconfig.h"
#include "tests/testsupport.h"

#include <torch/script.h>
#include <torch/torch.h>

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QJsonDocument>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

namespace {

const char kNoSpace[] = "No space left on device";

/** A contract model; `ballast` floats of random weights make its file as large as needed. */
torch::jit::Module contractModule(std::int64_t ballast, std::uint64_t seed = 3)
{
    torch::jit::Module module("DiskFullModel");
    module.register_attribute("training", c10::BoolType::get(), false);
    torch::manual_seed(seed);
    module.register_parameter("weight", torch::randn({6, 2}), false);
    module.register_parameter("ballast", torch::randn({ballast}), false);
    module.define(R"(
def forward(self, text, image, audio, present):
    t = (text > 0).float().mean(1, keepdim=True)
    i = image.mean([1, 2, 3]).unsqueeze(1)
    a = audio.mean([1, 2, 3]).unsqueeze(1)
    features = torch.cat([t, i, a, present], 1)
    return {"logits": torch.matmul(features, self.weight) + self.ballast[0]}
)");
    return module;
}

ModelMeta fixtureMeta()
{
    ModelMeta meta;
    meta.labels = QStringList{QStringLiteral("a"), QStringLiteral("b")};
    meta.preprocess.imageSize = 8;
    meta.preprocess.mel.melBins = 8;
    meta.preprocess.textLength = 4;
    meta.preprocess.audioSeconds = 0.2;
    meta.model.fusion = QStringLiteral("concat");
    meta.model.numClasses = 2;
    return meta;
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestDiskFull final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void cleanup();
    void checkpointKeepsTheLastGoodOne();
    void metricsLogSaysWhyAndStaysWholeLines();
    void modelFileKeepsThePreviousOne();
    void runJsonFilesKeepThePreviousOne();
    void exportCommandSaysWhichFile();

private:
    /** Fills the tmpfs to the last page with a ballast file. */
    void fill();
    /** True when nothing is left in `m_dir` but `keep` (no temp files survive a failure). */
    bool onlyFiles(const QStringList &keep) const;

    QTemporaryDir m_outside;
    QString m_dir;
    bool m_mounted = false;
};

void TestDiskFull::initTestCase()
{
    QVERIFY(m_outside.isValid());
    m_dir = m_outside.filePath(QStringLiteral("full"));
    QVERIFY(QDir().mkpath(m_dir));
    if (::geteuid() != 0)
        QSKIP("mounting a size-limited tmpfs needs root");
    if (::mount("tmpfs", QFile::encodeName(m_dir).constData(), "tmpfs", MS_NOSUID | MS_NODEV, "size=2m") != 0) {
        const QByteArray why = QByteArray("cannot mount a tmpfs: ") + std::strerror(errno);
        QSKIP(why.constData());
    }
    m_mounted = true;
}

void TestDiskFull::cleanupTestCase()
{
    if (m_mounted)
        QCOMPARE(::umount2(QFile::encodeName(m_dir).constData(), MNT_DETACH), 0);
}

void TestDiskFull::cleanup()
{
    // Each test starts with an empty 2 MB file system.
    QDir dir(m_dir);
    for (const QString &name : dir.entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden))
        QFileInfo(dir.filePath(name)).isDir() ? QDir(dir.filePath(name)).removeRecursively() : dir.remove(name);
}

void TestDiskFull::fill()
{
    const int fd = ::open(QFile::encodeName(QDir(m_dir).filePath(QStringLiteral("ballast"))).constData(),
                          O_WRONLY | O_CREAT | O_APPEND, 0644);
    QVERIFY(fd >= 0);
    const QByteArray chunk(64 * 1024, 'x');
    for (int size = chunk.size(); size > 0; size /= 2) {
        while (::write(fd, chunk.constData(), size_t(size)) == size) {
        }
    }
    QCOMPARE(errno, ENOSPC);
    ::close(fd);
}

bool TestDiskFull::onlyFiles(const QStringList &keep) const
{
    QStringList left = QDir(m_dir).entryList(QDir::Files | QDir::Hidden);
    left.removeAll(QStringLiteral("ballast"));
    QStringList wanted = keep;
    left.sort();
    wanted.sort();
    if (left != wanted)
        qWarning("files left: %s", qPrintable(left.join(QLatin1String(", "))));
    return left == wanted;
}

void TestDiskFull::checkpointKeepsTheLastGoodOne()
{
    torch::jit::Module module = contractModule(/*ballast=*/40000);
    std::vector<at::Tensor> parameters;
    for (const auto &p : module.parameters()) {
        p.set_requires_grad(true);
        parameters.push_back(p);
    }
    torch::optim::AdamW optimizer(parameters, torch::optim::AdamWOptions(1e-2));
    const auto trainStep = [&] {
        optimizer.zero_grad();
        (module.attr("ballast").toTensor().square().sum() + module.attr("weight").toTensor().sum()).backward();
        optimizer.step();
    };
    trainStep();
    const QString path = QDir(m_dir).filePath(QStringLiteral("last.pt"));
    TrainState state;
    state.step = 1;
    QString error;
    QVERIFY2(saveCheckpoint(path, module, optimizer, state, &error), qPrintable(error));
    const QByteArray good = readAll(path);
    const at::Tensor goodBallast = module.attr("ballast").toTensor().detach().clone();

    fill();
    trainStep();
    state.step = 2;
    QVERIFY(!saveCheckpoint(path, module, optimizer, state, &error));
    QVERIFY2(error.contains(path) && error.contains(QLatin1String(kNoSpace)), qPrintable(error));
    QVERIFY2(!error.contains(QLatin1Char('\n')), qPrintable(error));
    QCOMPARE(readAll(path), good);
    QVERIFY(onlyFiles({QStringLiteral("last.pt")}));

    // The kept checkpoint still resumes: step 1's weights come back.
    torch::jit::Module fresh = contractModule(/*ballast=*/40000, /*seed=*/9);
    std::vector<at::Tensor> freshParameters;
    for (const auto &p : fresh.parameters())
        freshParameters.push_back(p);
    torch::optim::AdamW freshOptimizer(freshParameters, torch::optim::AdamWOptions(1e-2));
    TrainState restored;
    QVERIFY2(loadCheckpoint(path, fresh, freshOptimizer, &restored, &error), qPrintable(error));
    QCOMPARE(restored.step, std::int64_t(1));
    QVERIFY(torch::equal(fresh.attr("ballast").toTensor(), goodBallast));

    // Best weights under early stopping take the same path.
    QVERIFY(!saveWeights(QDir(m_dir).filePath(QStringLiteral("best.pt")), module, &error));
    QVERIFY2(error.contains(QLatin1String("best.pt")) && error.contains(QLatin1String(kNoSpace)), qPrintable(error));
    QVERIFY(onlyFiles({QStringLiteral("last.pt")}));
}

void TestDiskFull::metricsLogSaysWhyAndStaysWholeLines()
{
    const QString path = QDir(m_dir).filePath(QStringLiteral("metrics.jsonl"));
    MetricsLog log(path);
    QString error;
    QVERIFY2(log.open(-1, 0, &error), qPrintable(error));
    QVERIFY(log.append({{QStringLiteral("type"), QStringLiteral("step")}, {QStringLiteral("step"), 1}}));
    fill();
    // Larger than the page the first record sits in, so the file must grow.
    const QJsonObject big{{QStringLiteral("type"), QStringLiteral("note")},
                          {QStringLiteral("text"), QString(20000, QLatin1Char('n'))}};
    QVERIFY(!log.append(big));
    QCOMPARE(log.failures(), 1);
    QVERIFY2(log.errorString().contains(path) && log.errorString().contains(QLatin1String(kNoSpace)),
             qPrintable(log.errorString()));

    // Space comes back: the next record lands on a line of its own.
    QVERIFY(QFile::remove(QDir(m_dir).filePath(QStringLiteral("ballast"))));
    QVERIFY(log.append({{QStringLiteral("type"), QStringLiteral("step")}, {QStringLiteral("step"), 2}}));
    const QList<QByteArray> lines = readAll(path).split('\n');
    QCOMPARE(lines.size(), 3); // two records and the empty rest after the last newline
    QCOMPARE(QJsonDocument::fromJson(lines.at(0)).object().value(QStringLiteral("step")).toInt(), 1);
    QCOMPARE(QJsonDocument::fromJson(lines.at(1)).object().value(QStringLiteral("step")).toInt(), 2);
}

void TestDiskFull::modelFileKeepsThePreviousOne()
{
    const QString path = QDir(m_dir).filePath(QStringLiteral("model.pt"));
    QString error;
    QVERIFY2(saveModelFile(path, contractModule(/*ballast=*/16), fixtureMeta(), {}, &error), qPrintable(error));
    const QByteArray previous = readAll(path);
    fill();
    QVERIFY(!saveModelFile(path, contractModule(/*ballast=*/200000), fixtureMeta(), {}, &error));
    QVERIFY2(error.contains(path) && error.contains(QLatin1String(kNoSpace)), qPrintable(error));
    QCOMPARE(readAll(path), previous);
    QVERIFY(onlyFiles({QStringLiteral("model.pt")}));
    QVERIFY2(loadModelFile(path, &error).has_value(), qPrintable(error));
}

void TestDiskFull::runJsonFilesKeepThePreviousOne()
{
    const QString path = QDir(m_dir).filePath(QStringLiteral("report.json"));
    QString error;
    QVERIFY2(runfiles::writeJsonFile(path, {{QStringLiteral("steps"), 1}}, &error), qPrintable(error));
    const QByteArray previous = readAll(path);
    fill();
    QVERIFY(!runfiles::writeJsonFile(path, {{QStringLiteral("notes"), QString(50000, QLatin1Char('n'))}}, &error));
    QVERIFY2(error.contains(path) && error.contains(QLatin1String(kNoSpace)), qPrintable(error));
    QCOMPARE(readAll(path), previous);
    QVERIFY(onlyFiles({QStringLiteral("report.json")}));
}

void TestDiskFull::exportCommandSaysWhichFile()
{
    // The model to export lives outside the full file system; an earlier export inside it.
    const QString source = m_outside.filePath(QStringLiteral("big.pt"));
    QString error;
    QVERIFY2(saveModelFile(source, contractModule(/*ballast=*/200000), fixtureMeta(), {}, &error), qPrintable(error));
    const QString target = QDir(m_dir).filePath(QStringLiteral("exported.pt"));
    QVERIFY2(saveModelFile(target, contractModule(/*ballast=*/16), fixtureMeta(), {}, &error), qPrintable(error));
    const QByteArray previous = readAll(target);
    fill();
    const auto result = testsupport::runFusionscope({QStringLiteral("export"), source, QStringLiteral("--out"), target});
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.err.contains(target.toUtf8()) && result.err.contains(kNoSpace), result.err.constData());
    QCOMPARE(result.err.count('\n'), 1);
    QCOMPARE(readAll(target), previous);
    QVERIFY(onlyFiles({QStringLiteral("exported.pt")}));
}

QTEST_GUILESS_MAIN(TestDiskFull)
#include "test_diskfull.moc"
