#include "tests/testsupport.h"

#include "tests/datasetfixture.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonDocument>
#include <QtCore/QProcess>

#include <algorithm>

namespace testsupport {

ProcessResult trainColourCaptions(const QString &data, const QString &fusion, const QString &task, int epochs, const QString &run)
{
    const QString config = run + QStringLiteral(".json");
    writeFile(config, datasetfixture::kColourCaptionsConfig);
    return runFusionscope({QStringLiteral("train"), data, QStringLiteral("--fusion"), fusion, QStringLiteral("--task"), task,
                           QStringLiteral("--epochs"), QString::number(epochs), QStringLiteral("--config"), config,
                           QStringLiteral("--out"), run});
}

QJsonObject readJson(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(file.readAll()).object() : QJsonObject();
}

std::vector<double> epochValues(const QString &runDir, const QString &key, double fallback)
{
    std::vector<double> values;
    QFile metrics(runDir + QStringLiteral("/metrics.jsonl"));
    if (!metrics.open(QIODevice::ReadOnly))
        return values;
    for (const QByteArray &line : metrics.readAll().split('\n')) {
        const QJsonObject record = QJsonDocument::fromJson(line).object();
        if (record.value(QStringLiteral("type")).toString() == QLatin1String("epoch"))
            values.push_back(record.value(key).toDouble(fallback));
    }
    return values;
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        qFatal("cannot write fixture %s", qPrintable(path));
}

ProcessResult runFusionscope(const QStringList &arguments, int timeoutMs)
{
    QProcess process;
    process.start(QStringLiteral(FUSIONSCOPE_BINARY), arguments);
    ProcessResult result;
    if (!process.waitForStarted(10000)) {
        result.err = "cannot start " FUSIONSCOPE_BINARY;
        return result;
    }
    const int scale = std::max(1, qEnvironmentVariableIntValue("FUSIONSCOPE_TEST_TIMEOUT_SCALE"));
    if (!process.waitForFinished(timeoutMs * scale)) {
        process.kill();
        process.waitForFinished();
        result.err = "timed out";
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

namespace {

/** Runs `source` (a script that saves a scripted module to argv[1]) with the Python peer. */
QByteArray saveWithPeer(const QString &path, const char *source)
{
    // TorchScript reads the class's source back, so the script must be a file, not `python -c`.
    const QString script = path + QStringLiteral(".py");
    writeFile(script, source);
    QProcess python;
    python.start(QStringLiteral(FUSIONSCOPE_PEER_PYTHON), {script, path});
    if (!python.waitForFinished(120000))
        return "the Python peer did not finish in 2 min";
    if (python.exitStatus() != QProcess::NormalExit || python.exitCode() != 0)
        return python.readAllStandardError().isEmpty() ? QByteArray("the Python peer failed") : python.readAllStandardError();
    if (!QFileInfo::exists(path))
        return "the Python peer wrote no " + path.toUtf8();
    return {};
}

} // namespace

QByteArray writeLogitsOnlyModel(const QString &path)
{
    return saveWithPeer(path, R"PY(
import sys, torch
from typing import Dict
class LogitsOnly(torch.nn.Module):
    def forward(self, text, image, audio, present) -> Dict[str, torch.Tensor]:
        return {'logits': present[:, :2] * 1.0}
torch.jit.script(LogitsOnly()).save(sys.argv[1])
)PY");
}

QByteArray writeEmbeddingModel(const QString &path)
{
    return saveWithPeer(path, R"PY(
import sys, torch
import torch.nn.functional as F
from typing import Dict
class Statistics(torch.nn.Module):
    def forward(self, text, image, audio, present) -> Dict[str, torch.Tensor]:
        colour = image.mean(dim=(2, 3))
        words = torch.stack([(text > 0).float().sum(1), text.float().mean(1), text[:, :1].float().squeeze(1)], 1)
        sound = torch.stack([audio.mean(dim=(1, 2, 3)), audio.std(dim=(1, 2, 3)), audio[:, :, :8].mean(dim=(1, 2, 3))], 1)
        ones = torch.ones_like(present[:, :1])
        per = [F.normalize(torch.cat([words, ones], 1), dim=1) * present[:, 0:1],
               F.normalize(torch.cat([colour, ones], 1), dim=1) * present[:, 1:2],
               F.normalize(torch.cat([sound, ones], 1), dim=1) * present[:, 2:3]]
        logits = torch.stack([colour[:, 0] - colour[:, 2], colour[:, 2] - colour[:, 0]], 1)
        return {'logits': logits, 'embedding': torch.cat(per, 1),
                'embed/text': per[0], 'embed/image': per[1], 'embed/audio': per[2]}
torch.jit.script(Statistics()).save(sys.argv[1])
)PY");
}

} // namespace testsupport
