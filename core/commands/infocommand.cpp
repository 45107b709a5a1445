// `fusionscope info MODEL`: what a model file holds, FusionScope's or anyone's.
#include "core/commands/commands.h"

#include "core/eval/modelio.h"
#include "core/eval/reporttext.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QTextStream>

namespace {

const char *const kCommand = "fusionscope info";

int usageError(const QString &message)
{
    QTextStream(stderr) << kCommand << ": " << message << "\n(see " << kCommand << " --help)\n";
    return 2;
}

/** 1234567 -> "1,234,567". */
QString grouped(std::int64_t value)
{
    QString digits = QString::number(value);
    for (int i = int(digits.size()) - 3; i > 0; i -= 3)
        digits.insert(i, QLatin1Char(','));
    return digits;
}

} // namespace

int runInfoCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Shows what a model file holds: format version, labels, fusion and encoders, parameter count, "
        "preprocessing, token layout, training config and final metrics. Works on any TorchScript file."));
    parser.addPositionalArgument(QStringLiteral("MODEL"), QStringLiteral("Model file."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print one JSON document."));
    parser.addOptions({help, json});
    if (!parser.parse(QStringList{QLatin1String(kCommand)} + arguments))
        return usageError(parser.errorText());
    if (parser.isSet(help)) {
        QString text = parser.helpText();
        text.replace(0, text.indexOf(QLatin1Char('\n')), QStringLiteral("Usage: %1 MODEL [--json]").arg(QLatin1String(kCommand)));
        QTextStream(stdout) << text;
        return 0;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return usageError(positional.isEmpty() ? QStringLiteral("MODEL is required")
                                               : QStringLiteral("unexpected argument '%1'").arg(positional.at(1)));
    const QString path = positional.constFirst();

    QString error;
    std::optional<LoadedModel> model = loadModelFile(path, &error);
    if (!model) {
        QTextStream(stderr) << kCommand << ": " << error << '\n';
        return 1;
    }
    const std::int64_t parameters = parameterCount(model->module);
    const QString schema = forwardSchema(model->module);
    // A file without recorded preprocessing was only checked statically; try it on default shapes
    // (the token layout's where it gives them) to say more.
    const bool checkedAtLoad = model->hasMeta && model->meta.hasPreprocess();
    int classes = checkedAtLoad ? int(model->meta.labels.size()) : 0;
    const QString contract = checkedAtLoad ? QString() : checkModelContract(model->module, model->meta, 0, &classes);
    const QStringList assumed = model->hasMeta ? model->meta.assumed : QStringList();

    if (parser.isSet(json)) {
        QJsonObject document;
        document.insert(QStringLiteral("file"), path);
        document.insert(QStringLiteral("bytes"), QFileInfo(path).size());
        document.insert(QStringLiteral("has_meta"), model->hasMeta);
        document.insert(QStringLiteral("format_version"), model->hasMeta ? QJsonValue(model->meta.formatVersion) : QJsonValue());
        document.insert(QStringLiteral("forward"), schema);
        document.insert(QStringLiteral("parameters"), double(parameters));
        document.insert(QStringLiteral("classes"), classes);
        document.insert(QStringLiteral("tokenizer_bytes"), double(model->tokenizerModel.size()));
        document.insert(QStringLiteral("meta"), model->hasMeta ? QJsonValue(model->meta.toJson()) : QJsonValue());
        document.insert(QStringLiteral("assumed"), QJsonArray::fromStringList(assumed));
        document.insert(QStringLiteral("tokenizer_fallback"), model->tokenizerModel.empty());
        if (!checkedAtLoad)
            document.insert(QStringLiteral("default_shape_check"), contract.isEmpty() ? QStringLiteral("ok") : contract);
        QTextStream(stdout) << QJsonDocument(document).toJson(QJsonDocument::Indented);
        return 0;
    }

    QTextStream out(stdout);
    out << path << '\n';
    if (model->hasMeta) {
        out << QStringLiteral("format       FusionScope model, format %1; tokenizer %2\n")
                   .arg(model->meta.formatVersion)
                   .arg(model->tokenizerModel.empty() ? QStringLiteral("absent")
                                                      : QStringLiteral("%1 bytes").arg(model->tokenizerModel.size()));
    } else {
        out << QStringLiteral("format       TorchScript archive with no FusionScope metadata (no fusionscope/meta.json): "
                              "labels and preprocessing come from the dataset it is run on\n");
    }
    out << QStringLiteral("forward      %1\n").arg(schema);
    out << QStringLiteral("parameters   %1\n").arg(grouped(parameters));
    if (!assumed.isEmpty())
        out << QStringLiteral("assumed      %1 (not in fusionscope/meta.json: defaults taken%2)\n")
                   .arg(assumed.join(QStringLiteral(", ")),
                        model->meta.hasLabels() ? QString() : QStringLiteral("; classes are the dataset's labels"));
    if (model->tokenizerModel.empty())
        out << QStringLiteral("tokenizer    none in the file: eval and explain train one on the dataset's train split "
                              "at load, as a new run would\n");
    if (model->hasMeta)
        out << formatModelMeta(model->meta);
    const PreprocessConfig &shapes = model->meta.preprocess;
    const QString shapeText = QStringLiteral("text %1 tokens, image %2x%2, audio %3 mels x %4 frames")
                                  .arg(shapes.textLength).arg(shapes.imageSize).arg(shapes.mel.melBins).arg(shapes.audioFrames());
    if (!checkedAtLoad && contract.isEmpty())
        out << QStringLiteral("check        runs on default shapes (%1): %2 logits per sample\n").arg(shapeText).arg(classes);
    else if (!checkedAtLoad)
        out << QStringLiteral("check        on default shapes (%1): %2\n").arg(shapeText, contract);
    return 0;
}
