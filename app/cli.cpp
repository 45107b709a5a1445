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
    {"embed", "write a split's embeddings for the Embedding Projector and NumPy, with their k-NN accuracy", &runEmbedCommand},
    {"retrieve", "find a dataset's samples nearest to a caption, an image, a recording or a sample, across modalities", &runRetrieveCommand},
    {"eval", "score a model file on a dataset (accuracy, F1, confusion, modality subsets)", &runEvalCommand},
    {"explain", "attention overlays, modality contributions, pointing game and robustness curves", &runExplainCommand},
    {"export", "copy a finished run's model.pt to a file, checked", &runExportCommand},
    {"info", "show what a model file holds: labels, fusion, parameters, preprocessing", &runInfoCommand},
    {"train", "train a fusion model into a run folder (resumable)", &runTrainCommand},
};

void printHelp(QTextStream &out)
{
    out << "Usage: fusionscope [SUBCOMMAND [OPTIONS]]\n"
           "       fusionscope open [DATASET]   (or: fusionscope ./DATASET)\n\n"
           "With no arguments, opens the FusionScope window on the last dataset, else the demo.\n"
           "A path (anything with a '/') always opens the window, even when it is also a subcommand's name.\n\n"
           "Subcommands:\n";
    for (const Subcommand &command : kSubcommands)
        out << QStringLiteral("  %1%2\n").arg(QLatin1String(command.name), -14).arg(QLatin1String(command.summary));
    out << "\n  --help        this text (SUBCOMMAND --help for its options)\n"
           "  --version     version and the library versions it runs on\n";
}

} // namespace

namespace {

const Subcommand *findSubcommand(const QString &word)
{
    for (const Subcommand &command : kSubcommands) {
        if (word == QLatin1String(command.name))
            return &command;
    }
    return nullptr;
}

bool looksLikePath(const QString &word)
{
    return word.contains(QLatin1Char('/')) || word.startsWith(QLatin1Char('.')) || word.startsWith(QLatin1Char('~'));
}

} // namespace

Invocation parseInvocation(const QStringList &arguments)
{
    Invocation invocation;
    const QString first = arguments.value(1);
    if (first.isEmpty())
        return invocation;
    if (first == QLatin1String("open")) {
        // `open` takes at most a dataset and a model; anything else (its --help, extra words) is answered headless.
        if (arguments.size() <= 4 && !arguments.value(2).startsWith(QLatin1Char('-')) && !arguments.value(3).startsWith(QLatin1Char('-'))) {
            invocation.dataset = arguments.value(2);
            invocation.model = arguments.value(3);
            return invocation;
        }
        invocation.mode = Invocation::Mode::Headless;
        return invocation;
    }
    invocation.mode = Invocation::Mode::Headless;
    if (first.startsWith(QLatin1Char('-')))
        return invocation;
    if (findSubcommand(first) && !looksLikePath(first)) {
        if (QFileInfo::exists(first))
            invocation.note = QStringLiteral("fusionscope: running the '%1' subcommand; to open the folder of that name, "
                                             "use 'fusionscope open %1' or 'fusionscope ./%1'")
                                  .arg(first);
        return invocation;
    }
    // A path opens the window, which reports a missing one in its banner; an unknown bare word
    // that is no file either is a mistyped subcommand.
    if (looksLikePath(first) || QFileInfo::exists(first)) {
        invocation.mode = Invocation::Mode::Window;
        invocation.dataset = first;
        if (arguments.size() == 3 && !arguments.value(2).startsWith(QLatin1Char('-')))
            invocation.model = arguments.value(2);
    }
    return invocation;
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
    if (first == QLatin1String("open")) {
        err << "Usage: fusionscope open [DATASET [MODEL.pt]]\n\nOpens the window on DATASET (a folder with manifest.jsonl or "
               "manifest.csv, or the manifest itself); with no DATASET, on the last dataset, else the demo. MODEL.pt opens "
               "in the Inspect and Embeddings tabs.\n";
        err.flush();
        return arguments.value(2) == QLatin1String("--help") ? 0 : 2;
    }
    if (const Subcommand *command = findSubcommand(first))
        return command->run(arguments.mid(2));
    err << "fusionscope: unknown subcommand '" << first << "'\n\n";
    err.flush();
    printHelp(out);
    return 2;
}
