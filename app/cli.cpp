#include "app/cli.h"

#include "core/commands/commands.h"
#include "core/util/versioninfo.h"

#include <QtCore/QFileInfo>
#include <QtCore/QTextStream>
#include <cstdio>

namespace {

struct Subcommand
{
    const char *name;
    const char *summary;
    int (*run)(const QStringList &arguments); // arguments after the subcommand name
};

const Subcommand kSubcommands[] = {
    {"demo-data", "write the Shapes-AV demo dataset", &runDemoDataCommand},
    {"check-data", "load a dataset and report counts, coverage and every data issue", &runCheckDataCommand},
    {"eval", "score a model file on a dataset (accuracy, F1, confusion, modality subsets)", &runEvalCommand},
    {"explain", "attention overlays, modality contributions, pointing game and robustness curves", &runExplainCommand},
    {"export", "copy a finished run's model.pt to a file, checked", &runExportCommand},
    {"info", "show what a model file holds: labels, fusion, parameters, preprocessing", &runInfoCommand},
    {"train", "train a fusion model into a run folder (resumable)", &runTrainCommand},
};

void printHelp(QTextStream &out)
{
    out << "Usage: fusionscope [SUBCOMMAND [OPTIONS]]\n\n"
           "With no arguments, opens the FusionScope window.\n\nSubcommands:\n";
    for (const Subcommand &command : kSubcommands)
        out << QStringLiteral("  %1%2\n").arg(QLatin1String(command.name), -14).arg(QLatin1String(command.summary));
    out << "\n  --help        this text (SUBCOMMAND --help for its options)\n"
           "  --version     version and the library versions it runs on\n";
}

} // namespace

bool isHeadlessInvocation(const QStringList &arguments)
{
    // `fusionscope DATASET` opens the window on a dataset; flags and subcommands stay headless.
    const QString first = arguments.value(1);
    if (first.isEmpty())
        return false;
    if (first.startsWith(QLatin1Char('-')))
        return true;
    for (const Subcommand &command : kSubcommands) {
        if (first == QLatin1String(command.name))
            return true;
    }
    // Something that looks like a path opens the window, which reports a missing one in its banner.
    const bool looksLikePath = first.contains(QLatin1Char('/')) || QFileInfo::exists(first);
    return !looksLikePath;
}

QString headlessHint()
{
    QStringList names;
    for (const Subcommand &command : kSubcommands)
        names << QLatin1String(command.name);
    return QStringLiteral("fusionscope: no display available for the window; headless subcommands: %1 "
                          "(see fusionscope --help)")
        .arg(names.join(QStringLiteral(", ")));
}

int runHeadless(const QStringList &arguments)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    const QString first = arguments.value(1);
    if (first == QLatin1String("--help") || first == QLatin1String("-h") || first == QLatin1String("help")) {
        printHelp(out);
        return 0;
    }
    if (first == QLatin1String("--version") || first == QLatin1String("-v")) {
        out << versionReport() << '\n';
        return 0;
    }
    for (const Subcommand &command : kSubcommands) {
        if (first == QLatin1String(command.name))
            return command.run(arguments.mid(2));
    }
    err << "fusionscope: unknown subcommand '" << first << "'\n\n";
    err.flush();
    printHelp(out);
    return 2;
}
