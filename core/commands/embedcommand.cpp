// fusionscope embed: a split's fused (or one modality's) embeddings as files the Embedding
// Projector and NumPy read, how well they separate the classes (k-NN and linear-probe
// accuracy against the train split) and how well each modality finds the others (retrieval).
#include "core/commands/commands.h"
#include "core/commands/commandsupport.h"

#include "core/data/split.h"
#include "core/eval/embeddingpass.h"
#include "core/eval/embeddingprobe.h"
#include "core/eval/modelio.h"
#include "core/eval/retrieval.h"
#include "core/eval/tsne.h"
#include "core/util/atomicfile.h"
#include "core/util/precision.h"
#include "core/util/terminalprogress.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QDir>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QTextStream>

#include <cmath>

namespace {

const char *const kCommand = "fusionscope embed";

int usageError(const QString &message)
{
    return commandsupport::usageError(kCommand, message);
}

int failure(const QString &message)
{
    return commandsupport::failure(kCommand, message);
}

std::vector<int> indicesOf(const Dataset &dataset, const QString &split)
{
    if (split != QLatin1String("all"))
        return dataset.indices(*splitFromName(split));
    std::vector<int> all(std::size_t(dataset.size()));
    for (int i = 0; i < dataset.size(); ++i)
        all[std::size_t(i)] = i;
    return all;
}

std::vector<int> classesOf(const Dataset &dataset, const std::vector<int> &indices)
{
    std::vector<int> classes;
    classes.reserve(indices.size());
    for (int index : indices)
        classes.push_back(dataset.labelIndex(index));
    return classes;
}

constexpr int kFused = -1;
constexpr int kJoint = -2;

/** kFused, kJoint, else the modality's index; false for an unknown name. */
bool parseModality(const QString &text, int *modality)
{
    const QString name = text.trimmed().toLower();
    if (name == QLatin1String("fused") || name == QLatin1String("joint")) {
        *modality = name == QLatin1String("fused") ? kFused : kJoint;
        return true;
    }
    const QStringList names{QStringLiteral("text"), QStringLiteral("image"), QStringLiteral("audio")};
    *modality = int(names.indexOf(name));
    return *modality >= 0;
}

/** The samples of `indices` that have `modality` (all of them for the fused or joint embedding). */
std::vector<int> havingModality(const Dataset &dataset, const std::vector<int> &indices, int modality)
{
    if (modality < 0)
        return indices;
    std::vector<int> kept;
    for (int index : indices) {
        if (dataset.presence(index)[std::size_t(modality)])
            kept.push_back(index);
    }
    return kept;
}

/**
 * Every ordered pair's retrieval scores over `indices`; empty with *note saying why when the
 * model has no per-modality embeddings. False with *error when a forward fails.
 */
bool measureRetrieval(torch::jit::Module &module, const Dataset &dataset, const std::vector<int> &indices, int batchSize,
                      std::vector<RetrievalScore> *scores, QString *note, QString *error)
{
    TerminalProgress progress(QStringLiteral("embedding each modality"));
    const bool measured = computeRetrieval(module, dataset, indices, batchSize, scores, error,
                                           [&](const Progress &p) { progress.update(p); });
    progress.finish();
    if (!measured) {
        if (!error->startsWith(QLatin1String("the model returns no")))
            return false;
        *note = QStringLiteral("no retrieval scores: %1").arg(*error);
        error->clear();
        return true;
    }
    if (scores->empty())
        *note = QStringLiteral("no retrieval scores: no sample of the split has two modalities");
    return true;
}

} // namespace

int runEmbedCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Writes a split's fused embeddings (the model's \"embedding\" output, or with --modality one modality's own) as tensors.tsv + metadata.tsv, which "
        "TensorBoard's Embedding Projector loads, and as embeddings.npy (float32 [N, D]) for NumPy; for a classifier's "
        "dataset it also reports the k-nearest-neighbour and linear-probe accuracy of the split against the train split's "
        "embeddings (labels are used for nothing else), and how well each modality's embedding retrieves the others' "
        "(Recall@1/5/10 and median rank, text→image, audio→image, …)."));
    parser.addPositionalArgument(QStringLiteral("MODEL"), QStringLiteral("Model file (model.pt)."));
    parser.addPositionalArgument(QStringLiteral("DATASET"), QStringLiteral("Dataset folder or manifest file."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    const QCommandLineOption split(QStringLiteral("split"), QStringLiteral("test (default), val, train or all."), QStringLiteral("SPLIT"), QStringLiteral("test"));
    const QCommandLineOption out(QStringLiteral("out"), QStringLiteral("Folder for the files (created; files in it are replaced)."), QStringLiteral("DIR"));
    const QCommandLineOption map(QStringLiteral("map"), QStringLiteral("Column mapping, e.g. text=caption,image=file_name."), QStringLiteral("SPEC"));
    const QCommandLineOption batchOption(QStringLiteral("batch"), QStringLiteral("Batch size (default 64)."), QStringLiteral("B"));
    const QCommandLineOption knnOption(QStringLiteral("knn"), QStringLiteral("Neighbours for the k-NN accuracy (default 10; 0 skips it)."), QStringLiteral("K"));
    const QCommandLineOption precisionOption(QStringLiteral("precision"),
        QStringLiteral("Arithmetic of the forward passes: fp32 (the default: the numbers Python's torch.jit.load gives), "
                       "bf16 or auto."), QStringLiteral("MODE"), QStringLiteral("fp32"));
    const QCommandLineOption noProbe(QStringLiteral("no-probe"),
        QStringLiteral("Skip the linear probe (logistic regressions fitted on 100 %, 10 % and 1 % of the train split's labels)."));
    const QCommandLineOption modalityOption(QStringLiteral("modality"),
        QStringLiteral("Which embedding to write: fused (the fusion's \"embedding\", the default for supervised models), "
                       "joint (the normalised mean of the sample's modality embeddings, the default for contrastive models, "
                       "whose fusion was never trained), text, image or audio (only the samples that have it)."),
        QStringLiteral("M"));
    const QCommandLineOption noRetrieval(QStringLiteral("no-retrieval"), QStringLiteral("Skip the cross-modal retrieval scores."));
    const QCommandLineOption layoutOption(QStringLiteral("layout"),
        QStringLiteral("Also lay the embeddings out as a 2-D map: tsne (Barnes-Hut t-SNE, scikit-learn's defaults) writes layout.tsv "
                       "(id, x, y per row of metadata.tsv); none (the default) skips it."), QStringLiteral("METHOD"), QStringLiteral("none"));
    const QCommandLineOption perplexityOption(QStringLiteral("perplexity"), QStringLiteral("t-SNE's perplexity (default 30)."), QStringLiteral("P"));
    parser.addOptions({help, split, out, map, modalityOption, batchOption, knnOption, noProbe, noRetrieval, precisionOption,
                       layoutOption, perplexityOption});

    if (!parser.parse(QStringList{QLatin1String(kCommand)} + arguments))
        return usageError(parser.errorText());
    if (parser.isSet(help)) {
        QString text = parser.helpText();
        text.replace(0, text.indexOf(QLatin1Char('\n')), QStringLiteral("Usage: %1 MODEL DATASET --out DIR [options]").arg(QLatin1String(kCommand)));
        QTextStream(stdout) << text;
        return 0;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 2)
        return usageError(positional.size() < 2 ? QStringLiteral("MODEL and DATASET are required")
                                                : QStringLiteral("unexpected argument '%1'").arg(positional.at(2)));
    if (!parser.isSet(out) || parser.value(out).trimmed().isEmpty())
        return usageError(QStringLiteral("--out DIR is required"));
    const QString modelPath = positional.at(0);
    const QString datasetPath = positional.at(1);
    const QString splitName = parser.value(split).trimmed().toLower();
    if (splitName != QLatin1String("all") && !splitFromName(splitName))
        return usageError(QStringLiteral("--split must be test, val, train or all, got '%1'").arg(parser.value(split)));
    int modality = kFused;
    if (parser.isSet(modalityOption) && !parseModality(parser.value(modalityOption), &modality))
        return usageError(QStringLiteral("--modality must be fused, joint, text, image or audio, got '%1'").arg(parser.value(modalityOption)));
    int batchSize = 64;
    int neighbours = 10;
    QString error;
    if (!commandsupport::parseInt(parser, batchOption, 1, 65536, &batchSize, &error)
        || !commandsupport::parseInt(parser, knnOption, 0, 1000, &neighbours, &error))
        return usageError(error);
    const QString layoutMethod = parser.value(layoutOption).trimmed().toLower();
    if (layoutMethod != QLatin1String("tsne") && layoutMethod != QLatin1String("none"))
        return usageError(QStringLiteral("--layout must be tsne or none, got '%1'").arg(parser.value(layoutOption)));
    TsneOptions tsne;
    if (parser.isSet(perplexityOption)) {
        bool ok = false;
        tsne.perplexity = parser.value(perplexityOption).toDouble(&ok);
        if (!ok || !(tsne.perplexity >= 1.0 && tsne.perplexity <= 1000.0))
            return usageError(QStringLiteral("--perplexity must be a number from 1 to 1000, got '%1'").arg(parser.value(perplexityOption)));
    }
    DatasetOptions options;
    if (parser.isSet(map) && !options.columns.parse(parser.value(map), &error))
        return usageError(error);
    QString precisionSetting;
    if (!parsePrecisionSetting(parser.value(precisionOption), &precisionSetting, &error))
        return usageError(error);
    const Precision precision = resolvePrecision(precisionSetting);

    std::optional<LoadedModel> model = loadModelFile(modelPath, &error);
    if (!model)
        return failure(error);
    options = datasetOptionsForModel(*model, options);
    if (!parser.isSet(modalityOption) && model->hasMeta && model->meta.task.objective == Objective::Contrastive)
        modality = kJoint; // its fusion was never trained; a reconstruction's is its product
    TerminalProgress loading(QStringLiteral("loading"));
    const std::shared_ptr<Dataset> dataset =
        Dataset::load(datasetPath, options, [&](const Progress &progress) { loading.update(progress); });
    loading.finish();
    if (!dataset)
        return failure(QStringLiteral("loading %1 was cancelled").arg(datasetPath));
    if (!dataset->loadError().isEmpty())
        return failure(dataset->loadError());
    if (!dataset->issues().isEmpty())
        QTextStream(stderr) << kCommand << ": " << dataset->issues().size() << " data issue(s) in " << datasetPath
                            << " (fusionscope check-data lists them); the first: " << dataset->issues().first().toString() << '\n';
    const std::vector<int> splitIndices = indicesOf(*dataset, splitName);
    if (splitIndices.empty())
        return failure(QStringLiteral("the %1 split of %2 has no usable samples (try --split all)").arg(splitName, datasetPath));
    const std::vector<int> indices = havingModality(*dataset, splitIndices, modality);
    const std::string outputName = modality == kFused ? kFusedEmbedding : modality == kJoint ? kJointEmbedding : kModalityEmbeddings[modality];
    if (indices.empty())
        return failure(QStringLiteral("no sample of the %1 split of %2 has %3").arg(splitName, datasetPath, QString::fromStdString(outputName).remove(QStringLiteral("embed/"))));

    const PrecisionScope arithmetic(precision);
    EmbeddingTable table;
    TerminalProgress embedding(QStringLiteral("embedding"));
    const bool embedded = computeEmbeddings(model->module, *dataset, indices, batchSize, &table, &error,
                                            [&](const Progress &p) { embedding.update(p); }, nullptr, outputName);
    embedding.finish();
    if (!embedded)
        return failure(QStringLiteral("%1: %2").arg(modelPath, error));
    const QString outDir = QDir::cleanPath(parser.value(out));
    if (!writeEmbeddingFiles(outDir, table, *dataset, &error))
        return failure(error);
    QJsonObject layoutJson;
    if (layoutMethod == QLatin1String("tsne")) {
        TerminalProgress laying(QStringLiteral("t-SNE"));
        const TsneLayout layout = tsneLayout(table.values.data(), table.rows(), table.dim, tsne, &error,
                                             [&](const Progress &p) { laying.update(p); });
        laying.finish();
        if (layout.xy.empty())
            return failure(QStringLiteral("the t-SNE map of %1: %2").arg(outDir, error));
        QByteArray tsv("id\tx\ty\n");
        for (int row = 0; row < table.rows(); ++row)
            tsv += dataset->record(table.indices[std::size_t(row)]).id.toUtf8() + '\t' + QByteArray::number(layout.xy[std::size_t(row) * 2], 'g', 7)
                   + '\t' + QByteArray::number(layout.xy[std::size_t(row) * 2 + 1], 'g', 7) + '\n';
        if (!writeFileAtomically(QDir(outDir).filePath(QStringLiteral("layout.tsv")), tsv, &error))
            return failure(error);
        layoutJson = QJsonObject{{QStringLiteral("method"), QStringLiteral("tsne")},
                                 {QStringLiteral("file"), QStringLiteral("layout.tsv")},
                                 {QStringLiteral("perplexity"), layout.perplexity},
                                 {QStringLiteral("iterations"), tsne.iterations},
                                 {QStringLiteral("kl_divergence"), layout.klDivergence}};
    }

    // k-NN and the linear probe against the train split: labels are used only for these measurements.
    EmbeddingProbe probe;
    QString note;
    const bool classes = dataset->task() == TaskKind::Classify && !dataset->labels().isEmpty();
    const bool measure = neighbours > 0 || !parser.isSet(noProbe);
    const std::vector<int> train = havingModality(*dataset, dataset->indices(Split::Train), modality);
    if (measure && !classes)
        note = QStringLiteral("no k-NN or linear-probe accuracy: the dataset's labels are not classes");
    else if (measure && (splitName == QLatin1String("train") || splitName == QLatin1String("all")))
        note = QStringLiteral("no k-NN or linear-probe accuracy: the split overlaps the train split it would be compared with");
    else if (measure && train.empty())
        note = QStringLiteral("no k-NN or linear-probe accuracy: the dataset has no train split");
    else if (measure) {
        EmbeddingTable reference;
        TerminalProgress embeddingTrain(QStringLiteral("embedding the train split"));
        if (!computeEmbeddings(model->module, *dataset, train, batchSize, &reference, &error,
                               [&](const Progress &p) { embeddingTrain.update(p); }, nullptr, outputName))
            return failure(QStringLiteral("%1: %2").arg(modelPath, error));
        embeddingTrain.finish();
        probe = probeEmbeddings(reference, classesOf(*dataset, train), table, classesOf(*dataset, indices), neighbours,
                                !parser.isSet(noProbe));
    }
    std::vector<RetrievalScore> retrieval;
    QString retrievalNote;
    if (!parser.isSet(noRetrieval)
        && !measureRetrieval(model->module, *dataset, splitIndices, batchSize, &retrieval, &retrievalNote, &error))
        return failure(QStringLiteral("%1: %2").arg(modelPath, error));
    const QJsonObject probeJson = probe.toJson();
    QJsonObject summary{{QStringLiteral("model"), QDir(modelPath).absolutePath()},
                              {QStringLiteral("dataset"), QDir(datasetPath).absolutePath()},
                              {QStringLiteral("split"), splitName},
                              {QStringLiteral("embedding"), QString::fromStdString(outputName)},
                              {QStringLiteral("rows"), table.rows()},
                              {QStringLiteral("dim"), table.dim},
                              {QStringLiteral("precision"), precisionName(precision)},
                              {QStringLiteral("knn_k"), neighbours},
                              {QStringLiteral("knn_accuracy"), probeJson.value(QStringLiteral("knn_accuracy"))},
                              {QStringLiteral("linear_probe"), probeJson.value(QStringLiteral("linear_probe"))},
                              {QStringLiteral("retrieval"), retrievalJson(retrieval)}};
    if (!layoutJson.isEmpty())
        summary.insert(QStringLiteral("layout"), layoutJson);
    if (!writeFileAtomically(QDir(outDir).filePath(QStringLiteral("embed.json")),
                             QJsonDocument(summary).toJson(QJsonDocument::Indented), &error))
        return failure(error);

    QTextStream stdoutStream(stdout);
    stdoutStream << table.rows() << " " << splitName << " sample(s) × " << table.dim << " dimensions → "
                 << QDir::toNativeSeparators(outDir) << " (tensors.tsv, metadata.tsv, embeddings.npy, "
                 << (layoutJson.isEmpty() ? "" : "layout.tsv, ") << "embed.json)\n";
    if (!layoutJson.isEmpty())
        stdoutStream << "t-SNE map: perplexity " << layoutJson.value(QStringLiteral("perplexity")).toDouble() << ", KL divergence "
                     << QString::number(layoutJson.value(QStringLiteral("kl_divergence")).toDouble(), 'f', 3) << '\n';
    if (probe.knnK > 0 && !std::isnan(probe.knnAccuracy))
        stdoutStream << "k-NN accuracy (k " << neighbours << ", cosine, against the train split): "
                     << QString::number(100.0 * probe.knnAccuracy, 'f', 1) << " %\n";
    QStringList probeText;
    for (const EmbeddingProbe::Fit &fit : probe.linear)
        probeText << QStringLiteral("%1 % (%2 % of the labels, %3 samples)").arg(100.0 * fit.accuracy, 0, 'f', 1).arg(fit.percent).arg(fit.trainRows);
    if (!probeText.isEmpty())
        stdoutStream << "linear probe (logistic regression on train-split embeddings): " << probeText.join(QStringLiteral("; ")) << '\n';
    if (!note.isEmpty())
        stdoutStream << note << '\n';
    if (!retrieval.empty())
        stdoutStream << "retrieval on the " << splitName << " split (each modality's embedding, cosine; a hit is the sample's own file):\n"
                     << retrievalText(retrieval) << '\n';
    if (!retrievalNote.isEmpty())
        stdoutStream << retrievalNote << '\n';
    return 0;
}
