#include "core/commands/commands.h"

#include "core/data/dataset.h"
#include "core/data/datasetsummary.h"
#include "core/util/terminalprogress.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QJsonDocument>
#include <QtCore/QTextStream>

#include <cstdio>

int runCheckDataCommand(const QStringList &arguments)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Loads a dataset (decoding every file, through the feature cache) and reports samples per "
        "split, modality coverage, class balance and every data issue.\n"
        "Exit 0 when at least one sample loaded, 1 when none did."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("DATASET"), QStringLiteral("dataset folder or manifest file"));
    const QCommandLineOption mapOption(QStringLiteral("map"),
        QStringLiteral("column mapping, e.g. text=caption,image=file_name"), QStringLiteral("PAIRS"));
    const QCommandLineOption jsonOption(QStringLiteral("json"), QStringLiteral("print one JSON document"));
    const QCommandLineOption noCacheOption(QStringLiteral("no-cache"), QStringLiteral("decode everything again, write no cache"));
    parser.addOptions({mapOption, jsonOption, noCacheOption});
    if (!parser.parse(QStringList{QStringLiteral("fusionscope check-data")} + arguments)) {
        err << "check-data: " << parser.errorText() << "\n";
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return 0;
    }
    if (parser.positionalArguments().size() != 1) {
        err << "check-data: expected one DATASET argument (see fusionscope check-data --help)\n";
        return 2;
    }
    DatasetOptions options;
    QString mapError;
    if (parser.isSet(mapOption) && !options.columns.parse(parser.value(mapOption), &mapError)) {
        err << "check-data: --map: " << mapError << "\n";
        return 2;
    }
    options.useCache = !parser.isSet(noCacheOption);

    TerminalProgress bar(QStringLiteral("loading"));
    const auto dataset = Dataset::load(parser.positionalArguments().constFirst(), options,
                                       [&bar](const Progress &p) { bar.update(p); });
    bar.finish();
    const DatasetSummary summary = DatasetSummary::of(*dataset);
    if (parser.isSet(jsonOption))
        out << QJsonDocument(summary.toJson()).toJson(QJsonDocument::Indented);
    else
        out << summary.toText();
    out.flush();
    if (!dataset->loadError().isEmpty()) {
        err << "check-data: " << dataset->loadError() << "\n";
        return 1;
    }
    if (dataset->size() == 0) {
        err << "check-data: no sample loaded (" << dataset->issues().size() << " issue(s) above)\n";
        return 1;
    }
    return 0;
}
