// `fusionscope demo-data`: writes the Shapes-AV demo dataset (DESIGN.md "Demo dataset").
#include "core/commands/commands.h"

#include "core/demo/shapesavgenerator.h"
#include "core/util/terminalprogress.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QDir>
#include <QtCore/QTextStream>

namespace {

const char *const kCommand = "fusionscope demo-data";

int usageError(const QString &message)
{
    QTextStream(stderr) << kCommand << ": " << message << "\n(see " << kCommand << " --help)\n";
    return 2;
}

/** A whole number in [lo, hi] or an error naming the option and the bad value. */
bool parseBounded(const QCommandLineParser &parser, const QCommandLineOption &option, qint64 lo, qint64 hi,
                  qint64 *value, QString *error)
{
    if (!parser.isSet(option))
        return true;
    const QString text = parser.value(option);
    bool ok = false;
    const qint64 parsed = text.trimmed().toLongLong(&ok);
    if (!ok || parsed < lo || parsed > hi) {
        *error = QStringLiteral("--%1 must be a whole number from %2 to %3, got '%4'")
                     .arg(option.names().constFirst()).arg(lo).arg(hi).arg(text);
        return false;
    }
    *value = parsed;
    return true;
}

QString humanBytes(qint64 bytes)
{
    if (bytes >= 1024 * 1024)
        return QStringLiteral("%1 MB").arg(bytes / (1024.0 * 1024.0), 0, 'f', 1);
    return QStringLiteral("%1 KB").arg(bytes / 1024.0, 0, 'f', 1);
}

} // namespace

int runDemoDataCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Writes Shapes-AV, the demo dataset: a 3x3 grid of coloured shapes (image), a question naming "
        "a shape (text, English and Chinese) and a spoken colour (audio); the label is the cell holding "
        "that shape in that colour."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    const QCommandLineOption out(QStringLiteral("out"), QStringLiteral("Folder to write (new or empty)."), QStringLiteral("DIR"));
    const QCommandLineOption samples(QStringLiteral("samples"), QStringLiteral("Number of samples (default 24000)."), QStringLiteral("N"));
    const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("Random seed (default 1); the same seed writes the same bytes."), QStringLiteral("S"));
    const QCommandLineOption imageSize(QStringLiteral("image-size"), QStringLiteral("Image side in pixels (default 64)."), QStringLiteral("P"));
    const QCommandLineOption threads(QStringLiteral("threads"), QStringLiteral("Worker threads (default: all cores)."), QStringLiteral("T"));
    const QCommandLineOption force(QStringLiteral("force"), QStringLiteral("Overwrite an existing Shapes-AV folder."));
    const QCommandLineOption kind(QStringLiteral("kind"),
        QStringLiteral("The label: cells (default; the target's grid cell, a classification), position (the target's "
                       "centre as {\"x\", \"y\"}, fractions of the image side, a regression) or matches (every cell "
                       "whose object has the named shape or the spoken colour, a multi-label task), or objects "
                       "(Objects-AV: one large shape among clutter, named by the caption and by the voice; the label is "
                       "its name, 36 classes; for contrastive alignment, retrieval and learning from few labels)."),
        QStringLiteral("KIND"));
    parser.addOptions({help, out, samples, seed, imageSize, threads, force, kind});

    if (!parser.parse(QStringList{QLatin1String(kCommand)} + arguments))
        return usageError(parser.errorText());
    if (parser.isSet(help)) {
        // helpText() names argv[0] only; show the subcommand in the usage line.
        QString text = parser.helpText();
        text.replace(0, text.indexOf(QLatin1Char('\n')), QStringLiteral("Usage: %1 --out DIR [options]").arg(QLatin1String(kCommand)));
        QTextStream(stdout) << text;
        return 0;
    }
    if (!parser.positionalArguments().isEmpty())
        return usageError(QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().constFirst()));
    if (!parser.isSet(out) || parser.value(out).trimmed().isEmpty())
        return usageError(QStringLiteral("--out DIR is required"));

    ShapesAvOptions options;
    options.outDir = QDir::cleanPath(parser.value(out));
    options.force = parser.isSet(force);
    if (parser.isSet(kind)) {
        options.kind = parser.value(kind).trimmed().toLower();
        if (!shapesAvKinds().contains(options.kind))
            return usageError(QStringLiteral("--kind must be %1, got '%2'").arg(shapesAvKinds().join(QStringLiteral(", ")), parser.value(kind)));
    }
    qint64 n = options.samples, s = 1, p = options.imageSize, t = 0;
    QString error;
    if (!parseBounded(parser, samples, 1, 1000000, &n, &error)
        || !parseBounded(parser, imageSize, kShapesAvMinImageSize, kShapesAvMaxImageSize, &p, &error)
        || !parseBounded(parser, threads, 1, 256, &t, &error))
        return usageError(error);
    if (parser.isSet(seed)) {
        bool ok = false;
        const qulonglong value = parser.value(seed).trimmed().toULongLong(&ok);
        if (!ok)
            return usageError(QStringLiteral("--seed must be a whole number from 0 to 2^64-1, got '%1'").arg(parser.value(seed)));
        s = qint64(value);
    }
    options.samples = int(n);
    options.seed = std::uint64_t(s);
    options.imageSize = int(p);
    options.threads = int(t);

    TerminalProgress bar(QStringLiteral("demo-data"));
    ShapesAvSummary summary;
    const bool ok = generateShapesAv(options, [&](const Progress &progress) { bar.update(progress); }, &summary, &error);
    bar.finish();
    if (!ok) {
        QTextStream(stderr) << kCommand << ": " << error << '\n';
        return 1;
    }
    QTextStream(stdout) << QStringLiteral("Shapes-AV: %1 samples (%2 train, %3 val, %4 test) in %5, %6, %7 s\n")
                               .arg(summary.samples)
                               .arg(summary.splitCounts[0])
                               .arg(summary.splitCounts[1])
                               .arg(summary.splitCounts[2])
                               .arg(QDir::toNativeSeparators(options.outDir), humanBytes(summary.bytes))
                               .arg(summary.seconds, 0, 'f', 1);
    return 0;
}
