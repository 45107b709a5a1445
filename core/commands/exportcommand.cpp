// `fusionscope export RUNDIR --out FILE`: hands a finished run's model over as one file.
#include "core/commands/commands.h"

#include "core/eval/modelio.h"
#include "core/util/atomicfile.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QTextStream>

namespace {

const char *const kCommand = "fusionscope export";

int usageError(const QString &message)
{
    QTextStream(stderr) << kCommand << ": " << message << "\n(see " << kCommand << " --help)\n";
    return 2;
}

int failure(const QString &message)
{
    QTextStream(stderr) << kCommand << ": " << message << '\n';
    return 1;
}

} // namespace

int runExportCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Copies a run's model.pt to FILE after checking it loads and follows the model contract. The file "
        "is a TorchScript archive with fusionscope/meta.json and fusionscope/tokenizer.model inside; "
        "Python reads it with torch.jit.load(FILE)."));
    parser.addPositionalArgument(QStringLiteral("RUNDIR"), QStringLiteral("Run folder (or a model file)."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    const QCommandLineOption out(QStringLiteral("out"), QStringLiteral("File to write."), QStringLiteral("FILE"));
    parser.addOptions({help, out});
    if (!parser.parse(QStringList{QLatin1String(kCommand)} + arguments))
        return usageError(parser.errorText());
    if (parser.isSet(help)) {
        QString text = parser.helpText();
        text.replace(0, text.indexOf(QLatin1Char('\n')), QStringLiteral("Usage: %1 RUNDIR --out FILE").arg(QLatin1String(kCommand)));
        QTextStream(stdout) << text;
        return 0;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return usageError(positional.isEmpty() ? QStringLiteral("RUNDIR is required")
                                               : QStringLiteral("unexpected argument '%1'").arg(positional.at(1)));
    if (!parser.isSet(out) || parser.value(out).trimmed().isEmpty())
        return usageError(QStringLiteral("--out FILE is required"));

    const QString run = positional.constFirst();
    const QFileInfo runInfo(run);
    QString source = run;
    if (!runInfo.exists())
        return failure(QStringLiteral("%1 does not exist").arg(run));
    if (runInfo.isDir()) {
        source = QDir(run).filePath(QStringLiteral("model.pt"));
        if (!QFileInfo::exists(source)) {
            const bool started = QFileInfo::exists(QDir(run).filePath(QStringLiteral("config.json")));
            return failure(started ? QStringLiteral("%1 has no model.pt: the run has not finished "
                                                    "(finish it with fusionscope train --resume %1)").arg(run)
                                   : QStringLiteral("%1 is not a run folder (no model.pt, no config.json)").arg(run));
        }
    }
    const QString target = parser.value(out);
    if (QFileInfo(target).isDir())
        return failure(QStringLiteral("--out %1 is a folder; give a file name, e.g. %2").arg(target, QDir(target).filePath(QStringLiteral("model.pt"))));
    if (QFileInfo(target).absoluteFilePath() == QFileInfo(source).absoluteFilePath())
        return failure(QStringLiteral("--out %1 is the model itself").arg(target));

    QString error;
    const std::optional<LoadedModel> model = loadModelFile(source, &error);
    if (!model)
        return failure(QStringLiteral("cannot export: %1").arg(error));

    QFile input(source);
    if (!input.open(QIODevice::ReadOnly))
        return failure(QStringLiteral("cannot read %1: %2").arg(source, input.errorString()));
    const QByteArray bytes = input.readAll();
    // Through a temp file: a full disk leaves an existing FILE as it was, never half-written.
    if (!writeFileAtomically(target, bytes, &error))
        return failure(error);

    QString what = QStringLiteral("external TorchScript model, no FusionScope metadata");
    if (model->hasMeta) {
        what = QStringLiteral("%1, %2 classes").arg(model->meta.builtIn ? model->meta.model.fusion : QStringLiteral("external"))
                   .arg(model->meta.labels.size());
    }
    QTextStream(stdout) << QStringLiteral("exported %1 -> %2 (%3 KB; %4; %5 parameters)\n")
                               .arg(source, target)
                               .arg((bytes.size() + 1023) / 1024)
                               .arg(what)
                               .arg(parameterCount(model->module));
    return 0;
}
