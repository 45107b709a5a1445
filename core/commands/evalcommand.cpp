// `fusionscope eval MODEL DATASET`: scores a model file on a dataset with nothing else at hand.
#include "core/commands/commands.h"

#include <QtCore/QJsonArray>

#include "core/data/batch.h"
#include "core/eval/embeddingpass.h"
#include "core/eval/embeddingprobe.h"
#include "core/eval/evaloutputs.h"
#include "core/eval/evaluator.h"
#include "core/eval/multilabelevaluator.h"
#include "core/eval/modelio.h"
#include "core/eval/regressionevaluator.h"
#include "core/eval/reporttext.h"
#include "core/util/precision.h"
#include "core/util/terminalprogress.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QSet>
#include <QtCore/QTextStream>

namespace {

const char *const kCommand = "fusionscope eval";

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

bool parseInt(const QCommandLineParser &parser, const QCommandLineOption &option, int lo, int hi, int *value,
              QString *error)
{
    if (!parser.isSet(option))
        return true;
    bool ok = false;
    const int parsed = parser.value(option).trimmed().toInt(&ok);
    if (!ok || parsed < lo || parsed > hi) {
        *error = QStringLiteral("--%1 must be a whole number from %2 to %3, got '%4'")
                     .arg(option.names().constFirst()).arg(lo).arg(hi).arg(parser.value(option));
        return false;
    }
    *value = parsed;
    return true;
}

/** Dataset indices of the requested split ("all" = every loaded sample). */
std::vector<int> splitIndices(const Dataset &dataset, const QString &split)
{
    if (split == QLatin1String("all")) {
        std::vector<int> all(std::size_t(dataset.size()));
        for (int i = 0; i < dataset.size(); ++i)
            all[std::size_t(i)] = i;
        return all;
    }
    return dataset.indices(*splitFromName(split));
}

void printIssues(const Dataset &dataset, const QString &datasetPath)
{
    const DataIssues &issues = dataset.issues();
    if (issues.isEmpty())
        return;
    QTextStream err(stderr);
    err << kCommand << ": " << issues.size() << " data issue(s) in " << datasetPath
        << "; affected samples are skipped or lack that modality:\n";
    for (int i = 0; i < std::min<int>(5, int(issues.size())); ++i)
        err << "  " << issues.at(i).toString() << '\n';
    if (issues.size() > 5)
        err << "  ... (fusionscope check-data " << datasetPath << " lists them all)\n";
}

/** What one `eval` invocation scores and how it reports, once the model and data are loaded. */
struct EvalRun
{
    QString modelPath;
    QString datasetPath;
    QString splitName;
    std::vector<int> indices;
    int batchSize = 64;
    Precision precision = Precision::Fp32;
    QString precisionWhy;
    bool json = false;
    bool subsets = true;
    QString predictionsPath; ///< empty: none written
    QString dumpPath;        ///< empty: none written
};

/** The first batch's sample indices (what --dump-batch writes). */
std::vector<int> firstBatch(const EvalRun &run)
{
    return {run.indices.begin(), run.indices.begin() + std::min<std::ptrdiff_t>(run.batchSize, std::ptrdiff_t(run.indices.size()))};
}

/** The report as --json or as the terminal table under a header naming model (`kind`), data and precision. */
int printReport(const EvalReport &report, const EvalRun &run, const Dataset &dataset, const QString &kind, int extraIssues = 0)
{
    QTextStream out(stdout);
    if (run.json) {
        QJsonObject document = report.toJson();
        document.insert(QStringLiteral("model"), run.modelPath);
        document.insert(QStringLiteral("dataset"), run.datasetPath);
        document.insert(QStringLiteral("split"), run.splitName);
        document.insert(QStringLiteral("evaluated"), int(run.indices.size()));
        document.insert(QStringLiteral("precision"), precisionName(run.precision));
        document.insert(QStringLiteral("data_issues"), int(dataset.issues().size()) + extraIssues);
        out << QJsonDocument(document).toJson(QJsonDocument::Indented);
        return 0;
    }
    out << QStringLiteral("model    %1 (%2)\n").arg(run.modelPath, kind);
    out << QStringLiteral("dataset  %1, split %2: %3 samples\n").arg(run.datasetPath, run.splitName).arg(run.indices.size());
    out << QStringLiteral("precision %1\n\n").arg(run.precisionWhy);
    out << formatEvalReport(report);
    return 0;
}

/** The rest of `eval` for a regression model: targets matched by name, scored per target. */
int evaluateRegressionModel(LoadedModel &model, const Dataset &dataset, const EvalRun &run, int outputs)
{
    const QString &modelPath = run.modelPath;
    const TaskSpec &task = model.meta.task;
    if (outputs != int(task.targets.size()))
        return failure(QStringLiteral("%1 gives %2 outputs per sample but names %3 targets (%4)")
                           .arg(modelPath).arg(outputs).arg(task.targets.size()).arg(task.targets.join(QStringLiteral(", "))));
    QStringList missing;
    for (const QString &name : task.targets) {
        if (!dataset.targetNames().contains(name))
            missing << name;
    }
    if (!missing.isEmpty())
        return failure(QStringLiteral("%1 predicts %2, but %3 has no target%4 %5 (its targets: %6)")
                           .arg(modelPath, task.targets.join(QStringLiteral(", ")), run.datasetPath,
                                missing.size() == 1 ? QString() : QStringLiteral("s"), missing.join(QStringLiteral(", ")),
                                dataset.targetNames().isEmpty() ? QStringLiteral("none") : dataset.targetNames().join(QStringLiteral(", "))));
    QString error;
    if (!run.dumpPath.isEmpty()) { // the first batch and its outputs, for Python (labels: none, -1)
        const Batch batch = makeBatch(dataset, firstBatch(run));
        const PrecisionScope arithmetic(run.precision);
        if (!dumpBatch(run.dumpPath, model.module, batch, torch::full({batch.size()}, -1, torch::kInt64), nullptr, &error))
            return failure(error);
    }
    std::vector<RegressionPrediction> samplePredictions;
    TerminalProgress evaluating(QStringLiteral("evaluating"));
    const EvalReport report = [&] {
        const PrecisionScope arithmetic(run.precision);
        return evaluateRegression(model.module, dataset, run.indices, run.batchSize, task, run.subsets, &samplePredictions,
                                  [&](const Progress &p) { evaluating.update(p); });
    }();
    evaluating.finish();
    if (!report.error.isEmpty())
        return failure(report.error);
    if (!run.predictionsPath.isEmpty()
        && !writeRegressionPredictions(run.predictionsPath, dataset, samplePredictions, task, &error))
        return failure(error);
    const QString fusion = model.meta.builtIn ? model.meta.model.fusion : QStringLiteral("external");
    return printReport(report, run, dataset, QStringLiteral("%1, regression of %2").arg(fusion, task.targets.join(QStringLiteral(", "))));
}

/**
 * The samples that carry a tag the model does not know: one DataIssue per sample, naming the
 * tags. They are still scored on the tags the model knows.
 */
DataIssues unseenTagIssues(const Dataset &dataset, const std::vector<int> &indices, const TaskSpec &task, const QString &modelPath)
{
    DataIssues issues;
    std::vector<char> unseenColumn;
    for (const QString &tag : dataset.targetNames())
        unseenColumn.push_back(task.targets.contains(tag) ? 0 : 1);
    for (int index : indices) {
        const SampleRecord &record = dataset.record(index);
        QStringList unseen;
        for (std::size_t k = 0; k < record.targets.size() && k < unseenColumn.size(); ++k) {
            if (unseenColumn[k] && record.targets[k] > 0.5f)
                unseen << dataset.targetNames().at(int(k));
        }
        if (!unseen.isEmpty())
            issues.append(DataIssue{record.id, dataset.manifest().path, record.line,
                                    QStringLiteral("tag%1 %2 not among %3's tags; scored on the tags it knows")
                                        .arg(unseen.size() == 1 ? QString() : QStringLiteral("s"),
                                             QStringLiteral("\"%1\"").arg(unseen.join(QStringLiteral("\", \""))), modelPath),
                                    QStringLiteral("label")});
    }
    return issues;
}

/** The rest of `eval` for a multi-label model: tags matched by name, scored at the model's thresholds. */
int evaluateMultilabelModel(LoadedModel &model, const Dataset &dataset, const EvalRun &run, int outputs)
{
    const TaskSpec &task = model.meta.task;
    if (outputs != int(task.targets.size()))
        return failure(QStringLiteral("%1 gives %2 outputs per sample but names %3 tags")
                           .arg(run.modelPath).arg(outputs).arg(task.targets.size()));
    // A model trained on chosen tags (train --targets) leaves the others out on purpose.
    const bool chosenTags = !model.meta.trainConfig.value(QStringLiteral("targets")).toArray().isEmpty();
    const DataIssues unseen = chosenTags ? DataIssues() : unseenTagIssues(dataset, run.indices, task, run.modelPath);
    if (!unseen.isEmpty()) {
        QTextStream err(stderr);
        err << kCommand << ": " << unseen.size() << " sample(s) carry tags " << run.modelPath << " does not know:\n";
        for (int i = 0; i < std::min<int>(5, int(unseen.size())); ++i)
            err << "  " << unseen.at(i).toString() << '\n';
        if (unseen.size() > 5)
            err << "  ... and " << unseen.size() - 5 << " more\n";
    }
    QString error;
    if (!run.dumpPath.isEmpty()) { // the first batch and its tag logits, for Python (labels: none, -1)
        const Batch batch = makeBatch(dataset, firstBatch(run));
        const PrecisionScope arithmetic(run.precision);
        if (!dumpBatch(run.dumpPath, model.module, batch, torch::full({batch.size()}, -1, torch::kInt64), nullptr, &error))
            return failure(error);
    }
    std::vector<TagPrediction> samplePredictions;
    TerminalProgress evaluating(QStringLiteral("evaluating"));
    const EvalReport report = [&] {
        const PrecisionScope arithmetic(run.precision);
        return evaluateMultilabel(model.module, dataset, run.indices, run.batchSize, task, run.subsets, &samplePredictions,
                                  nullptr, [&](const Progress &p) { evaluating.update(p); });
    }();
    evaluating.finish();
    if (!report.error.isEmpty())
        return failure(report.error);
    if (!run.predictionsPath.isEmpty() && !writeTagPredictions(run.predictionsPath, dataset, samplePredictions, task, &error))
        return failure(error);
    const QString fusion = model.meta.builtIn ? model.meta.model.fusion : QStringLiteral("external");
    return printReport(report, run, dataset, QStringLiteral("%1, %2 tags").arg(fusion).arg(task.targets.size()), int(unseen.size()));
}

/**
 * A self-supervised model has no task outputs: a contrastive one is evaluated by how each
 * modality's embedding finds the others (retrieval) and, where the dataset has classes, how
 * well the joint embeddings separate them against the train split (k-NN, the linear probe);
 * a reconstruction model by the same probe of its fused embedding.
 */
int evaluateSelfSupervisedModel(LoadedModel &model, const Dataset &dataset, const EvalRun &run)
{
    QString error;
    std::vector<RetrievalScore> retrieval;
    const PrecisionScope arithmetic(run.precision);
    // A contrastive model aligned its modalities: retrieval scores that, and their joint embedding
    // stands for the sample. A reconstruction trained the fusion: its fused embedding is probed.
    const bool aligned = model.meta.task.isAligned();
    const std::string probed = aligned ? kJointEmbedding : kFusedEmbedding;
    if (aligned) {
        TerminalProgress embedding(QStringLiteral("embedding each modality"));
        if (!computeRetrieval(model.module, dataset, run.indices, run.batchSize, &retrieval, &error,
                              [&](const Progress &p) { embedding.update(p); }))
            return failure(QStringLiteral("%1: %2").arg(run.modelPath, error));
        embedding.finish();
    }
    QString probeNote;
    EmbeddingProbe probe;
    std::vector<int> train;
    for (int index : dataset.indices(Split::Train))
        if (dataset.labelIndex(index) >= 0)
            train.push_back(index);
    if (dataset.task() != TaskKind::Classify || dataset.labels().size() < 2)
        probeNote = QStringLiteral("no linear probe: the dataset has no classes to probe for");
    else if (run.splitName == QLatin1String("train"))
        probeNote = QStringLiteral("no linear probe: it is fitted on the train split, so it scores another one");
    else if (train.empty())
        probeNote = QStringLiteral("no linear probe: the train split has no labelled samples");
    else {
        EmbeddingTable trainTable;
        EmbeddingTable queryTable;
        TerminalProgress probing(QStringLiteral("embedding for the linear probe"));
        if (!computeEmbeddings(model.module, dataset, train, run.batchSize, &trainTable, &error,
                               [&](const Progress &p) { probing.update(p); }, nullptr, probed)
            || !computeEmbeddings(model.module, dataset, run.indices, run.batchSize, &queryTable, &error, {}, nullptr, probed))
            return failure(QStringLiteral("%1: %2").arg(run.modelPath, error));
        probing.finish();
        auto classesOf = [&](const std::vector<int> &indices) {
            std::vector<int> classes;
            for (int index : indices)
                classes.push_back(dataset.labelIndex(index));
            return classes;
        };
        probe = probeEmbeddings(trainTable, classesOf(train), queryTable, classesOf(run.indices), /*neighbours=*/10, /*linear=*/true);
    }
    QTextStream out(stdout);
    if (run.json) {
        QJsonObject json{{QStringLiteral("model"), run.modelPath},
                         {QStringLiteral("split"), run.splitName},
                         {QStringLiteral("samples"), int(run.indices.size())},
                         {QStringLiteral("objective"), objectiveName(model.meta.task.objective)},
                         {QStringLiteral("precision"), precisionName(run.precision)}};
        if (aligned)
            json.insert(QStringLiteral("retrieval"), retrievalJson(retrieval));
        if (probeNote.isEmpty())
            json.insert(QStringLiteral("embedding_probe"), probe.toJson());
        out << QJsonDocument(json).toJson(QJsonDocument::Indented);
        return 0;
    }
    out << run.modelPath << " (" << objectiveName(model.meta.task.objective) << ": no task outputs) on the " << run.splitName
        << " split of " << run.datasetPath << ", " << run.indices.size() << " samples\n";
    if (aligned && retrieval.empty())
        out << "no retrieval scores: no sample of the split has two modalities\n";
    else if (aligned)
        out << "retrieval (each modality's embedding, cosine; a hit is the sample's own file):\n" << retrievalText(retrieval) << '\n';
    out << (probeNote.isEmpty() ? QStringLiteral("%1 embeddings against the train split's labels: %2")
                                      .arg(aligned ? QStringLiteral("joint") : QStringLiteral("fused"), probe.text())
                                : probeNote)
        << '\n';
    return 0;
}

} // namespace

int runEvalCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Scores a TorchScript model on a dataset: accuracy, macro-F1, per-class precision/recall, confusion "
        "and accuracy for every modality subset. A FusionScope model file carries its tokenizer, labels and "
        "preprocessing; any other TorchScript file with the model contract's forward also runs (its classes "
        "are the dataset's labels in sorted order)."));
    parser.addPositionalArgument(QStringLiteral("MODEL"), QStringLiteral("Model file (model.pt)."));
    parser.addPositionalArgument(QStringLiteral("DATASET"), QStringLiteral("Dataset folder or manifest file."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    const QCommandLineOption split(QStringLiteral("split"), QStringLiteral("test (default), val, train or all."), QStringLiteral("SPLIT"), QStringLiteral("test"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print one JSON document instead of tables."));
    const QCommandLineOption map(QStringLiteral("map"), QStringLiteral("Column mapping, e.g. text=caption,image=file_name."), QStringLiteral("SPEC"));
    const QCommandLineOption predictions(QStringLiteral("predictions"), QStringLiteral("Write per-sample predictions and probabilities as JSON lines."), QStringLiteral("FILE"));
    const QCommandLineOption dump(QStringLiteral("dump-batch"), QStringLiteral("Write the first batch's input tensors and logits (torch.load reads it)."), QStringLiteral("FILE"));
    const QCommandLineOption batchOption(QStringLiteral("batch"), QStringLiteral("Batch size (default 64)."), QStringLiteral("B"));
    const QCommandLineOption noSubsets(QStringLiteral("no-subsets"), QStringLiteral("Skip the per-modality-subset accuracies (7 extra passes)."));
    const QCommandLineOption textLength(QStringLiteral("text-length"), QStringLiteral("Tokens per text, for a model without FusionScope metadata (default 16)."), QStringLiteral("T"));
    const QCommandLineOption imageSize(QStringLiteral("image-size"), QStringLiteral("Image side, for a model without FusionScope metadata (default 64)."), QStringLiteral("S"));
    const QCommandLineOption audioSeconds(QStringLiteral("audio-seconds"), QStringLiteral("Clip length, for a model without FusionScope metadata (default: from the train split)."), QStringLiteral("SECONDS"));
    const QCommandLineOption precisionOption(QStringLiteral("precision"),
        QStringLiteral("Arithmetic of the forward passes: fp32, bf16 or auto (the default: bf16 where the CPU computes it "
                       "natively, fp32 elsewhere). --dump-batch's logits are computed the same way: compare with Python "
                       "at fp32, or under torch.autocast(\"cpu\", torch.bfloat16) for bf16."),
        QStringLiteral("MODE"), QStringLiteral("auto"));
    parser.addOptions({help, split, json, map, predictions, dump, batchOption, noSubsets, textLength, imageSize, audioSeconds,
                       precisionOption});

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
    const QString splitName = parser.value(split).trimmed().toLower();
    if (splitName != QLatin1String("all") && !splitFromName(splitName))
        return usageError(QStringLiteral("--split must be test, val, train or all, got '%1'").arg(parser.value(split)));
    int batchSize = 64;
    DatasetOptions options;
    QString error;
    if (!parseInt(parser, batchOption, 1, 65536, &batchSize, &error)
        || !parseInt(parser, textLength, 1, 4096, &options.preprocess.textLength, &error)
        || !parseInt(parser, imageSize, 8, 4096, &options.preprocess.imageSize, &error))
        return usageError(error);
    if (parser.isSet(audioSeconds)) {
        bool ok = false;
        options.preprocess.audioSeconds = parser.value(audioSeconds).toDouble(&ok);
        if (!ok || options.preprocess.audioSeconds <= 0.0 || options.preprocess.audioSeconds > 600.0)
            return usageError(QStringLiteral("--audio-seconds must be a number of seconds up to 600, got '%1'").arg(parser.value(audioSeconds)));
    }
    if (parser.isSet(map) && !options.columns.parse(parser.value(map), &error))
        return usageError(error);
    QString precisionSetting;
    if (!parsePrecisionSetting(parser.value(precisionOption), &precisionSetting, &error))
        return usageError(error);
    QString precisionWhy;
    const Precision precision = resolvePrecision(precisionSetting, &precisionWhy);

    std::optional<LoadedModel> model = loadModelFile(modelPath, &error);
    if (!model)
        return failure(error);
    if (model->meta.hasPreprocess() && model->hasMeta
        && (parser.isSet(textLength) || parser.isSet(imageSize) || parser.isSet(audioSeconds)))
        return usageError(QStringLiteral("%1 records its own preprocessing; --text-length, --image-size and "
                                         "--audio-seconds are for models without it in fusionscope/meta.json").arg(modelPath));
    // The model's own preprocessing and tokenizer where it records them: new data is read exactly as in
    // training. What it lacks is taken as a new run would (the tokenizer trained on this dataset).
    options = datasetOptionsForModel(*model, options);

    TerminalProgress loading(QStringLiteral("loading"));
    const std::shared_ptr<Dataset> dataset =
        Dataset::load(datasetPath, options, [&](const Progress &progress) { loading.update(progress); });
    loading.finish();
    if (!dataset)
        return failure(QStringLiteral("loading %1 was cancelled").arg(datasetPath));
    if (!dataset->loadError().isEmpty())
        return failure(dataset->loadError());
    printIssues(*dataset, datasetPath);
    const std::vector<int> indices = splitIndices(*dataset, splitName);
    if (indices.empty())
        return failure(QStringLiteral("the %1 split of %2 has no usable samples (try --split all)").arg(splitName, datasetPath));

    // The contract with the shapes this dataset produces; a model without meta meets them here first.
    ModelMeta shapes = model->meta;
    shapes.preprocess = dataset->preprocess();
    const bool ownLabels = model->hasMeta && model->meta.hasLabels();
    const int expected = ownLabels ? int(model->meta.labels.size()) : int(dataset->labels().size());
    int classes = 0;
    const QString contract = checkModelContract(model->module, shapes, 0, &classes);
    if (!contract.isEmpty())
        return failure(QStringLiteral("%1 does not follow the model contract: %2").arg(modelPath, contract));
    const bool contrastive = model->hasMeta && !model->meta.task.hasTaskOutputs(); // or reconstruct: no task outputs
    if (expected > 0 && classes != expected && !contrastive) {
        return failure(ownLabels
                           ? QStringLiteral("%1 gives %2 logits per sample but names %3 classes").arg(modelPath).arg(classes).arg(expected)
                           : QStringLiteral("%1 gives %2 logits per sample but %3 has %4 labels (%5)")
                                 .arg(modelPath).arg(classes).arg(datasetPath).arg(expected)
                                 .arg(dataset->labels().join(QStringLiteral(", "))));
    }

    EvalRun run;
    run.modelPath = modelPath;
    run.datasetPath = datasetPath;
    run.splitName = splitName;
    run.indices = indices;
    run.batchSize = batchSize;
    run.precision = precision;
    run.precisionWhy = precisionWhy;
    run.json = parser.isSet(json);
    run.subsets = !parser.isSet(noSubsets);
    run.predictionsPath = parser.isSet(predictions) ? parser.value(predictions) : QString();
    run.dumpPath = parser.isSet(dump) ? parser.value(dump) : QString();
    if (contrastive)
        return evaluateSelfSupervisedModel(*model, *dataset, run);
    if (model->meta.task.isRegression())
        return evaluateRegressionModel(*model, *dataset, run, classes);
    if (model->meta.task.isMultilabel())
        return evaluateMultilabelModel(*model, *dataset, run, classes);

    QStringList classNames = ownLabels ? model->meta.labels : dataset->labels();
    for (int c = int(classNames.size()); c < classes; ++c)
        classNames << QString::number(c);
    QStringList unknown;
    for (int index : indices) {
        const QString label = dataset->record(index).label;
        if (!label.isEmpty() && !classNames.contains(label) && !unknown.contains(label))
            unknown << label;
    }
    if (!unknown.isEmpty())
        return failure(QStringLiteral("%1 has label%2 %3 that %4 does not know (its classes: %5)")
                           .arg(datasetPath, unknown.size() == 1 ? QString() : QStringLiteral("s"),
                                unknown.join(QStringLiteral(", ")), modelPath, classNames.join(QStringLiteral(", "))));

    // Said once the model is known to run, so that a refusal stays one line.
    const QString tokenizerNote = tokenizerFallbackNote(*model, modelPath, datasetPath);
    if (!tokenizerNote.isEmpty())
        QTextStream(stderr) << kCommand << ": note: " << tokenizerNote << '\n';
    if (model->hasMeta && !model->meta.assumed.isEmpty())
        QTextStream(stderr) << kCommand << ": note: " << modelPath << "'s fusionscope/meta.json does not give "
                            << model->meta.assumed.join(QStringLiteral(", ")) << "; defaults assumed"
                            << (model->meta.hasLabels() ? "" : " (classes: the dataset's labels in sorted order)") << '\n';

    if (!run.dumpPath.isEmpty()) {
        const std::vector<int> first = firstBatch(run);
        const Batch batch = makeBatch(*dataset, first);
        at::Tensor labels = torch::full({batch.size()}, -1, torch::kInt64);
        for (std::size_t i = 0; i < first.size(); ++i)
            labels[std::int64_t(i)] = std::int64_t(classNames.indexOf(dataset->record(first[i]).label));
        const PrecisionScope arithmetic(precision);
        if (!dumpBatch(run.dumpPath, model->module, batch, labels, nullptr, &error))
            return failure(error);
    }

    std::vector<SamplePrediction> samplePredictions;
    TerminalProgress evaluating(QStringLiteral("evaluating"));
    const EvalReport report = [&] {
        const PrecisionScope arithmetic(precision);
        return evaluateModel(model->module, *dataset, indices, batchSize, run.subsets, &samplePredictions,
                             [&](const Progress &p) { evaluating.update(p); }, nullptr, classNames);
    }();
    evaluating.finish();
    if (!report.error.isEmpty())
        return failure(report.error);
    if (!run.predictionsPath.isEmpty() && !writePredictions(run.predictionsPath, *dataset, samplePredictions, classNames, &error))
        return failure(error);

    const QString fusion = model->hasMeta && model->meta.builtIn ? model->meta.model.fusion : QStringLiteral("external");
    return printReport(report, run, *dataset, QStringLiteral("%1, %2 classes").arg(fusion).arg(classNames.size()));
}
