// `fusionscope explain MODEL DATASET`: attention overlays, modality contributions, pointing game
// and robustness curves, headless.
#include "core/commands/commands.h"

#include "core/explain/explainer.h"
#include "core/explain/overlay.h"
#include "core/explain/sampleexport.h"
#include "core/util/precision.h"
#include "core/util/terminalprogress.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QTextStream>

#include <algorithm>
#include <cmath>

namespace {

const char *const kCommand = "fusionscope explain";

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

bool parseInt(const QCommandLineParser &parser, const QCommandLineOption &option, int lo, int hi, int *value, QString *error)
{
    if (!parser.isSet(option))
        return true;
    bool ok = false;
    const int parsed = parser.value(option).trimmed().toInt(&ok);
    if (!ok || parsed < lo || parsed > hi) {
        *error = QStringLiteral("--%1 must be a whole number from %2 to %3, got '%4'")
                     .arg(option.names().constLast()).arg(lo).arg(hi).arg(parser.value(option));
        return false;
    }
    *value = parsed;
    return true;
}

/** The sample's headline: what was predicted, against the truth, and which output the game explains. */
QString predictionHeadline(const SampleExplanation &sample)
{
    const ModalityContribution &c = sample.contribution;
    const QString explained = sample.classNames.value(sample.predicted);
    if (!c.representation.isEmpty()) {
        // Nothing predicted: where the sample sits in the embedding space, and whether its modalities agree there.
        QStringList pairs;
        for (std::size_t p = 0; p < sample.agreement.size(); ++p) {
            if (std::isfinite(sample.agreement[p]))
                pairs << QStringLiteral("%1 %2").arg(modalityPairName(p)).arg(sample.agreement[p], 0, 'f', 3);
        }
        return QStringLiteral("%1  %2 embedding%3%4\n")
            .arg(sample.sampleId, c.representation,
                 pairs.isEmpty() ? QString() : QStringLiteral("; agreement (cosine) ") + pairs.join(QStringLiteral(", ")),
                 sample.label.isEmpty() ? QString() : QStringLiteral("; label %1").arg(sample.label));
    }
    if (sample.task == TaskKind::Regress) {
        QStringList values;
        for (std::size_t k = 0; k < sample.probabilities.size(); ++k) {
            const QString truth = k < sample.truth.size() && std::isfinite(sample.truth[k]) ? QString::number(sample.truth[k], 'g', 4) : QStringLiteral("-");
            values << QStringLiteral("%1 %2 (true %3)").arg(sample.classNames.value(int(k))).arg(sample.probabilities[k], 0, 'g', 4).arg(truth);
        }
        return QStringLiteral("%1  predicted %2; explaining %3\n").arg(sample.sampleId, values.join(QStringLiteral(", ")), explained);
    }
    if (sample.task == TaskKind::Multilabel) {
        const QStringList predicted = sample.predictedTags();
        return QStringLiteral("%1  predicted tags %2%3; explaining %4 (p %5, its logit)\n")
            .arg(sample.sampleId, predicted.isEmpty() ? QStringLiteral("(none)") : predicted.join(QLatin1Char(',')),
                 sample.truth.empty() ? QString() : QStringLiteral(", true %1").arg(sample.trueTags().join(QLatin1Char(','))), explained)
            .arg(c.probability, 0, 'f', 3);
    }
    return QStringLiteral("%1  predicted %2 (p %3)%4\n")
        .arg(sample.sampleId, explained)
        .arg(c.probability, 0, 'f', 3)
        .arg(sample.label.isEmpty() ? QString() : QStringLiteral(", label %1").arg(sample.label));
}

QString sampleLine(const SampleExplanation &sample)
{
    const ModalityContribution &c = sample.contribution;
    QString line = predictionHeadline(sample);
    const auto row = [](const char *name, const std::array<double, 3> &values) {
        QString text = QStringLiteral("  %1").arg(QLatin1String(name), -16);
        for (double value : values)
            text += QStringLiteral(" %1").arg(std::isfinite(value) ? QString::number(value, 'f', 4) : QStringLiteral("n/a"), 10);
        return text + QLatin1Char('\n');
    };
    line += QStringLiteral("  %1 %2 %3 %4\n").arg(QString(), -16).arg(QStringLiteral("text"), 10).arg(QStringLiteral("image"), 10).arg(QStringLiteral("audio"), 10);
    line += row("shapley", c.shapley);
    line += row("leave-one-out", c.leaveOneOut);
    if (c.hasGates)
        line += row("gate", c.gates);
    line += row("grad x input", c.gradInput);
    line += QStringLiteral("  efficiency: sum %1 = f(all) - f(none) %2 (error %3)\n")
                .arg(c.shapleySum(), 0, 'f', 4).arg(c.fAll - c.fNone, 0, 'f', 4).arg(c.efficiencyError(), 0, 'g', 2);
    for (std::size_t k = 0; k < sample.outputShapley.size() && sample.outputShapley.size() > 1; ++k) {
        const std::string name = QStringLiteral("shapley %1").arg(sample.classNames.value(int(k))).left(16).toStdString();
        line += row(name.c_str(), sample.outputShapley[k]);
    }
    if (const TokenHeat *heat = sample.imageHeat())
        line += QStringLiteral("  image attention from %1\n").arg(heat->source);
    return line;
}

} // namespace

int runExplainCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Explains a model's predictions on a dataset. Per sample: overlay PNGs (attention over the image, a heat strip "
        "under the spectrogram, shaded text pieces) and a JSON with the prediction, every attention map's summary, "
        "rollout, and modality contributions (exact Shapley values, leave-one-out, gates, gradient x input) of the "
        "predicted class's log-probability, a regression target's predicted value or a tag's logit. For a split: "
        "mean |Shapley| per modality (and per target or tag), the task's score (accuracy, mean R2, mAP) of every "
        "modality subset, confusion (classifiers), disagreeing samples, the pointing game on meta.target_box and "
        "robustness curves in the task's score. A model trained without labels (contrastive, reconstruct) is explained "
        "through its embedding: the Shapley values split how far each modality moves it (1 - the cosine between the "
        "embedding without any modality and with all), an aligned model's modalities report their agreement (cosine), "
        "and attention and the pointing game are as for any model. Without --sample the test split is explained."));
    parser.addPositionalArgument(QStringLiteral("MODEL"), QStringLiteral("Model file (model.pt)."));
    parser.addPositionalArgument(QStringLiteral("DATASET"), QStringLiteral("Dataset folder or manifest file."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    const QCommandLineOption sampleOption(QStringLiteral("sample"), QStringLiteral("Explain this sample id (repeatable)."), QStringLiteral("ID"));
    const QCommandLineOption splitOption(QStringLiteral("split"), QStringLiteral("Summarise this split: test, val, train or all."), QStringLiteral("SPLIT"));
    const QCommandLineOption outOption(QStringLiteral("out"), QStringLiteral("Folder for PNGs and JSON (default: explain)."), QStringLiteral("DIR"), QStringLiteral("explain"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print one JSON document instead of tables."));
    const QCommandLineOption limit(QStringLiteral("limit"), QStringLiteral("Use at most N samples of the split."), QStringLiteral("N"));
    const QCommandLineOption overlays(QStringLiteral("overlays"), QStringLiteral("With --split, also explain its first N samples one by one (default 4)."), QStringLiteral("N"));
    const QCommandLineOption batchOption(QStringLiteral("batch"), QStringLiteral("Batch size (default 64)."), QStringLiteral("B"));
    const QCommandLineOption noRobustness(QStringLiteral("no-robustness"), QStringLiteral("Skip the robustness curves."));
    const QCommandLineOption steps(QStringLiteral("severities"), QStringLiteral("Severity steps from 0 to 1 (default 5)."), QStringLiteral("N"));
    const QCommandLineOption seedOption(QStringLiteral("seed"), QStringLiteral("Seed of the corruptions (default 1)."), QStringLiteral("S"));
    const QCommandLineOption map(QStringLiteral("map"), QStringLiteral("Column mapping, e.g. text=caption,image=file_name."), QStringLiteral("SPEC"));
    const QCommandLineOption textLength(QStringLiteral("text-length"), QStringLiteral("Tokens per text, for a model without FusionScope metadata (default 16)."), QStringLiteral("T"));
    const QCommandLineOption imageSize(QStringLiteral("image-size"), QStringLiteral("Image side, for a model without FusionScope metadata (default 64)."), QStringLiteral("S"));
    const QCommandLineOption audioSeconds(QStringLiteral("audio-seconds"), QStringLiteral("Clip length, for a model without FusionScope metadata."), QStringLiteral("SECONDS"));
    const QCommandLineOption outputOption(QStringLiteral("output"),
        QStringLiteral("The regression target or tag whose value (logit for a tag) the modality Shapley values explain "
                       "(default: the first target; the sample's most probable tag). Every target's or tag's own Shapley "
                       "values are listed too."),
        QStringLiteral("NAME"));
    const QCommandLineOption precisionOption(QStringLiteral("precision"),
        QStringLiteral("Arithmetic of the split's forward passes: fp32, bf16 or auto (the default: bf16 where the CPU "
                       "computes it natively). One sample's explanation is always fp32: its gradients and Shapley values."),
        QStringLiteral("MODE"), QStringLiteral("auto"));
    parser.addOptions({help, sampleOption, splitOption, outOption, json, limit, overlays, batchOption, noRobustness, steps,
                       seedOption, map, textLength, imageSize, audioSeconds, outputOption, precisionOption});

    if (!parser.parse(QStringList{QLatin1String(kCommand)} + arguments))
        return usageError(parser.errorText());
    if (parser.isSet(help)) {
        QString text = parser.helpText();
        text.replace(0, text.indexOf(QLatin1Char('\n')), QStringLiteral("Usage: %1 MODEL DATASET [options]").arg(QLatin1String(kCommand)));
        QTextStream(stdout) << text;
        return 0;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 2)
        return usageError(positional.size() < 2 ? QStringLiteral("MODEL and DATASET are required")
                                                : QStringLiteral("unexpected argument '%1'").arg(positional.at(2)));
    const QString modelPath = positional.at(0);
    const QString datasetPath = positional.at(1);
    const QStringList sampleIds = parser.values(sampleOption);
    const bool wantSplit = parser.isSet(splitOption) || sampleIds.isEmpty();
    const QString splitName = parser.isSet(splitOption) ? parser.value(splitOption).trimmed().toLower() : QStringLiteral("test");
    if (splitName != QLatin1String("all") && !splitFromName(splitName))
        return usageError(QStringLiteral("--split must be test, val, train or all, got '%1'").arg(parser.value(splitOption)));
    SplitOptions splitOptions;
    splitOptions.robustness = !parser.isSet(noRobustness);
    int maxSamples = 0;
    int overlayCount = 4;
    int seed = 1;
    DatasetOptions base;
    QString error;
    if (!parseInt(parser, limit, 1, 100000000, &maxSamples, &error) || !parseInt(parser, overlays, 0, 100000, &overlayCount, &error)
        || !parseInt(parser, batchOption, 1, 65536, &splitOptions.batchSize, &error)
        || !parseInt(parser, steps, 2, 101, &splitOptions.severitySteps, &error) || !parseInt(parser, seedOption, 0, 2147483647, &seed, &error)
        || !parseInt(parser, textLength, 1, 4096, &base.preprocess.textLength, &error)
        || !parseInt(parser, imageSize, 8, 4096, &base.preprocess.imageSize, &error))
        return usageError(error);
    splitOptions.seed = std::uint64_t(seed);
    if (parser.isSet(audioSeconds)) {
        bool ok = false;
        base.preprocess.audioSeconds = parser.value(audioSeconds).toDouble(&ok);
        if (!ok || base.preprocess.audioSeconds <= 0.0 || base.preprocess.audioSeconds > 600.0)
            return usageError(QStringLiteral("--audio-seconds must be a number of seconds up to 600, got '%1'").arg(parser.value(audioSeconds)));
    }
    if (parser.isSet(map) && !base.columns.parse(parser.value(map), &error))
        return usageError(error);
    const QString outDir = parser.value(outOption);
    QString precisionSetting;
    if (!parsePrecisionSetting(parser.value(precisionOption), &precisionSetting, &error))
        return usageError(error);

    std::unique_ptr<Explainer> explainer = Explainer::open(modelPath, &error);
    if (!explainer)
        return failure(error);
    explainer->setPrecision(resolvePrecision(precisionSetting));
    if (parser.isSet(outputOption)) {
        error = explainer->setExplainedOutput(parser.value(outputOption).trimmed());
        if (!error.isEmpty())
            return usageError(error);
    }
    if (explainer->hasMeta() && explainer->meta().hasPreprocess() && (parser.isSet(textLength) || parser.isSet(imageSize) || parser.isSet(audioSeconds)))
        return usageError(QStringLiteral("%1 records its own preprocessing; --text-length, --image-size and --audio-seconds "
                                         "are for models without FusionScope metadata").arg(modelPath));

    TerminalProgress loading(QStringLiteral("loading"));
    const std::shared_ptr<Dataset> dataset = Dataset::load(datasetPath, explainer->datasetOptions(base),
                                                           [&](const Progress &progress) { loading.update(progress); });
    loading.finish();
    if (!dataset)
        return failure(QStringLiteral("loading %1 was cancelled").arg(datasetPath));
    if (!dataset->loadError().isEmpty())
        return failure(dataset->loadError());
    if (!dataset->issues().isEmpty())
        QTextStream(stderr) << kCommand << ": " << dataset->issues().size() << " data issue(s) in " << datasetPath
                            << "; affected samples are skipped or lack that modality (fusionscope check-data lists them)\n";
    error = explainer->attach(dataset);
    if (!error.isEmpty())
        return failure(error);
    // Said once the model is known to run, so that a refusal stays one line.
    if (!explainer->hasTokenizer())
        QTextStream(stderr) << kCommand << ": note: " << modelPath << " has no fusionscope/tokenizer.model: texts are "
                            << "tokenized by a SentencePiece model trained on the train split of " << datasetPath
                            << " at load, exactly as a new run would (docs/external-models.md)\n";
    if (explainer->hasMeta() && !explainer->meta().assumed.isEmpty())
        QTextStream(stderr) << kCommand << ": note: " << modelPath << "'s fusionscope/meta.json does not give "
                            << explainer->meta().assumed.join(QStringLiteral(", ")) << "; defaults assumed\n";

    QStringList unknown; // a classifier's labels; targets and tags are matched by name, a missing one is unknown truth
    const bool representation = explainer->hasMeta() && !explainer->meta().task.hasTaskOutputs(); // no labels to know
    for (const QString &label : representation ? QStringList()
                                : explainer->task() == TaskKind::Classify ? dataset->labels() : dataset->targetNames()) {
        if (!explainer->classNames().contains(label))
            unknown << label;
    }
    if (!unknown.isEmpty())
        QTextStream(stderr) << kCommand << ": " << modelPath << " does not know the label(s) " << unknown.join(QStringLiteral(", "))
                            << (explainer->task() == TaskKind::Classify ? "; those samples count as unlabeled\n"
                                                                          : "; they are not scored\n");

    std::vector<int> sampleIndices;
    for (const QString &id : sampleIds) {
        const int index = dataset->indexOf(id);
        if (index < 0)
            return failure(QStringLiteral("%1 has no usable sample '%2'").arg(datasetPath, id));
        sampleIndices.push_back(index);
    }
    std::vector<int> splitIndices;
    if (wantSplit) {
        if (splitName == QLatin1String("all")) {
            for (int i = 0; i < dataset->size(); ++i)
                splitIndices.push_back(i);
        } else {
            splitIndices = dataset->indices(*splitFromName(splitName));
        }
        if (maxSamples > 0 && int(splitIndices.size()) > maxSamples)
            splitIndices.resize(std::size_t(maxSamples));
        if (splitIndices.empty())
            return failure(QStringLiteral("the %1 split of %2 has no usable samples (try --split all)").arg(splitName, datasetPath));
        for (int i = 0; i < std::min<int>(overlayCount, int(splitIndices.size())); ++i) {
            if (std::find(sampleIndices.begin(), sampleIndices.end(), splitIndices[std::size_t(i)]) == sampleIndices.end())
                sampleIndices.push_back(splitIndices[std::size_t(i)]);
        }
    }
    if (!QDir().mkpath(outDir))
        return failure(QStringLiteral("cannot create the output folder %1").arg(outDir));

    QJsonArray sampleJson;
    QString text;
    TerminalProgress explaining(QStringLiteral("explaining samples"));
    for (std::size_t i = 0; i < sampleIndices.size(); ++i) {
        const SampleExplanation sample = explainer->explainSample(sampleIndices[i]);
        if (!sample.error.isEmpty())
            return failure(sample.error);
        const SampleExport written = writeSampleExport(*dataset, sample, outDir);
        if (!written.overlayError.isEmpty())
            QTextStream(stderr) << kCommand << ": " << written.overlayError << '\n';
        if (!written.error.isEmpty())
            return failure(written.error);
        sampleJson.append(written.json);
        text += sampleLine(sample);
        explaining.update(Progress{QStringLiteral("explaining"), qint64(i + 1), qint64(sampleIndices.size()), sample.sampleId});
    }
    explaining.finish();

    QJsonObject document{{QStringLiteral("model"), modelPath}, {QStringLiteral("dataset"), datasetPath},
                         {QStringLiteral("fusion"), explainer->fusionName()}, {QStringLiteral("out"), outDir},
                         {QStringLiteral("samples"), sampleJson},
                         {QStringLiteral("precision"), precisionName(explainer->precision())}};
    if (wantSplit) {
        TerminalProgress summarising(QStringLiteral("explaining split"));
        const SplitExplanation split = explainer->explainSplit(splitIndices, splitOptions,
                                                               [&](const Progress &p) { summarising.update(p); });
        summarising.finish();
        if (!split.error.isEmpty())
            return failure(split.error);
        QJsonObject splitJson = split.toJson();
        splitJson.insert(QStringLiteral("split"), splitName);
        if (!writeJsonFile(QDir(outDir).filePath(QStringLiteral("split_%1.json").arg(splitName)), splitJson, &error))
            return failure(error);
        document.insert(QStringLiteral("split"), splitJson);
        text += QStringLiteral("\nsplit %1 (%2 samples)\n").arg(splitName).arg(splitIndices.size()) + split.toText();
    }
    QTextStream out(stdout);
    if (parser.isSet(json))
        out << QJsonDocument(document).toJson(QJsonDocument::Indented);
    else
        out << QStringLiteral("model    %1 (%2)\ndataset  %3\noutput   %4\n\n").arg(modelPath, explainer->fusionName(), datasetPath, outDir) << text;
    return 0;
}
