// fusionscope retrieve: the samples of a dataset nearest to a query — a caption, an image or
// recording file, or a sample of the dataset — in each other modality's embedding, from an
// index built once per (model, dataset) and cached beside the dataset's feature cache.
#include "core/commands/commands.h"
#include "core/commands/commandsupport.h"

#include "core/data/dataset.h"
#include "core/data/manifest.h"
#include "core/eval/modelio.h"
#include "core/eval/retrievalindex.h"
#include "core/eval/retrievalqueries.h"
#include "core/util/terminalprogress.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QElapsedTimer>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QTextStream>

namespace {

const char *const kCommand = "fusionscope retrieve";
const char *const kModalities[3] = {"text", "image", "audio"};

int usageError(const QString &message)
{
    return commandsupport::usageError(kCommand, message);
}

int failure(const QString &message)
{
    return commandsupport::failure(kCommand, message);
}

int modalityIndex(const QString &name)
{
    for (int m = 0; m < 3; ++m)
        if (name.trimmed().toLower() == QLatin1String(kModalities[m]))
            return m;
    return -1;
}

/** Loads the dataset as the model reads it and embeds every sample in each modality; false with *error. */
bool buildIndex(LoadedModel &model, const QString &datasetPath, const DatasetOptions &options, const QString &key,
                RetrievalIndex *index, QString *error)
{
    TerminalProgress loading(QStringLiteral("loading"));
    const std::shared_ptr<Dataset> dataset = Dataset::load(datasetPath, options, [&](const Progress &p) { loading.update(p); });
    loading.finish();
    if (!dataset || !dataset->loadError().isEmpty()) {
        *error = dataset ? dataset->loadError() : QStringLiteral("loading %1 was cancelled").arg(datasetPath);
        return false;
    }
    if (!dataset->issues().isEmpty())
        QTextStream(stderr) << kCommand << ": " << dataset->issues().size() << " data issue(s) in " << datasetPath
                            << " (fusionscope check-data lists them); the first: " << dataset->issues().first().toString() << '\n';
    TerminalProgress embedding(QStringLiteral("building the retrieval index"));
    if (!buildRetrievalIndex(model, *dataset, key, index, error, [&](const Progress &p) { embedding.update(p); }))
        return false;
    embedding.finish();
    return true;
}

QJsonObject hitJson(const RetrievalIndex &index, const RetrievalIndex::Hit &hit, int rank, int target)
{
    const RetrievalIndex::Entry &entry = index.entry(hit.row);
    QJsonObject json{{QStringLiteral("rank"), rank},
                     {QStringLiteral("score"), hit.score},
                     {QStringLiteral("id"), entry.id},
                     {QStringLiteral("split"), entry.split},
                     {QStringLiteral("label"), entry.label}};
    if (target == 0)
        json.insert(QStringLiteral("text"), entry.text);
    else
        json.insert(QStringLiteral("file"), target == 1 ? entry.imagePath : entry.audioPath);
    return json;
}

} // namespace

int runRetrieveCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Finds the samples of DATASET nearest to a query in another modality's embedding (the model's embed/text, "
        "embed/image and embed/audio; cosine similarity). The query is a caption (--text), an image or audio file "
        "(--image, --audio) or a sample of the dataset (--sample, with --from choosing which of its modalities asks). "
        "The dataset's embeddings are computed once per model and dataset and cached in .fusionscope-cache/retrieval."));
    parser.addPositionalArgument(QStringLiteral("MODEL"), QStringLiteral("Model file (model.pt) with per-modality embeddings."));
    parser.addPositionalArgument(QStringLiteral("DATASET"), QStringLiteral("Dataset folder or manifest file to search."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    const QCommandLineOption text(QStringLiteral("text"), QStringLiteral("Query with this caption."), QStringLiteral("TEXT"));
    const QCommandLineOption image(QStringLiteral("image"), QStringLiteral("Query with this image file."), QStringLiteral("FILE"));
    const QCommandLineOption audio(QStringLiteral("audio"), QStringLiteral("Query with this audio file."), QStringLiteral("FILE"));
    const QCommandLineOption sample(QStringLiteral("sample"), QStringLiteral("Query with this sample of the dataset."), QStringLiteral("ID"));
    const QCommandLineOption from(QStringLiteral("from"),
        QStringLiteral("With --sample: which of its modalities asks (default: its first of text, image, audio)."), QStringLiteral("M"));
    const QCommandLineOption target(QStringLiteral("target"),
        QStringLiteral("Search only this modality: text, image or audio (default: every other one)."), QStringLiteral("M"));
    const QCommandLineOption kOption(QStringLiteral("k"), QStringLiteral("How many neighbours (default 10)."), QStringLiteral("K"));
    const QCommandLineOption map(QStringLiteral("map"), QStringLiteral("Manifest column mapping, e.g. text=caption."), QStringLiteral("SPEC"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print the results as JSON."));
    parser.addOptions({help, text, image, audio, sample, from, target, kOption, map, json});

    if (!parser.parse(QStringList{QLatin1String(kCommand)} + arguments))
        return usageError(parser.errorText());
    if (parser.isSet(help)) {
        QTextStream(stdout) << parser.helpText();
        return 0;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 2)
        return usageError(QStringLiteral("expects MODEL and DATASET"));
    int queries = 0;
    for (const QCommandLineOption *option : {&text, &image, &audio, &sample})
        queries += parser.isSet(*option) ? 1 : 0;
    if (queries != 1)
        return usageError(QStringLiteral("give exactly one query: --text, --image, --audio or --sample"));
    int k = 10;
    QString error;
    if (!commandsupport::parseInt(parser, kOption, 1, 10000, &k, &error))
        return usageError(error);
    const int targetModality = parser.isSet(target) ? modalityIndex(parser.value(target)) : -1;
    if (parser.isSet(target) && targetModality < 0)
        return usageError(QStringLiteral("--target must be text, image or audio, got '%1'").arg(parser.value(target)));
    int queryModality = parser.isSet(text) ? 0 : parser.isSet(image) ? 1 : parser.isSet(audio) ? 2 : -1;
    if (parser.isSet(from)) {
        if (!parser.isSet(sample))
            return usageError(QStringLiteral("--from chooses the modality of a --sample query"));
        queryModality = modalityIndex(parser.value(from));
        if (queryModality < 0)
            return usageError(QStringLiteral("--from must be text, image or audio, got '%1'").arg(parser.value(from)));
    }
    DatasetOptions options;
    if (parser.isSet(map) && !options.columns.parse(parser.value(map), &error))
        return usageError(error);

    const QString modelPath = positional.at(0);
    const QString datasetPath = positional.at(1);
    const QString manifestPath = findManifest(datasetPath);
    if (manifestPath.isEmpty())
        return failure(whyNoManifest(datasetPath));
    std::optional<LoadedModel> model = loadModelFile(modelPath, &error);
    if (!model)
        return failure(error);
    if (!parser.isSet(sample) && (!model->hasMeta || !model->meta.hasPreprocess()))
        return failure(QStringLiteral("%1 records no preprocessing in fusionscope/meta.json, so a query file cannot be read as "
                                      "its training data was (--sample queries work)").arg(modelPath));
    if (parser.isSet(text) && model->tokenizerModel.empty())
        return failure(QStringLiteral("%1 carries no tokenizer; a text query must be tokenised as the model was trained").arg(modelPath));

    // The index: loaded when this model and manifest built one, else built and cached now.
    QElapsedTimer clock;
    clock.start();
    const QString key = retrievalIndexKey(modelPath, manifestPath, parser.value(map), &error);
    if (key.isEmpty())
        return failure(error);
    const QString cachePath = retrievalIndexPath(manifestPath, key);
    RetrievalIndex index;
    QString why;
    const bool cached = index.load(cachePath, key, &why);
    if (!cached) {
        if (!buildIndex(*model, datasetPath, datasetOptionsForModel(*model, options), key, &index, &error))
            return failure(QStringLiteral("%1: %2").arg(modelPath, error));
        if (!index.save(cachePath, &error))
            QTextStream(stderr) << kCommand << ": warning: the index is not cached (" << error << ")\n";
    }
    const qint64 indexMs = clock.restart();

    std::vector<float> query;
    QJsonObject queryJson;
    if (parser.isSet(sample)) {
        const int row = index.rowOf(parser.value(sample));
        if (row < 0)
            return failure(QStringLiteral("%1 has no sample \"%2\"").arg(datasetPath, parser.value(sample)));
        const RetrievalIndex::Entry &entry = index.entry(row);
        if (queryModality < 0)
            queryModality = entry.present[0] ? 0 : entry.present[1] ? 1 : 2;
        if (!entry.present[std::size_t(queryModality)])
            return failure(QStringLiteral("sample \"%1\" has no %2").arg(entry.id, QLatin1String(kModalities[queryModality])));
        query.assign(index.embedding(row, queryModality), index.embedding(row, queryModality) + index.dim());
        queryJson = QJsonObject{{QStringLiteral("sample"), entry.id}, {QStringLiteral("label"), entry.label}};
    } else {
        const QString value = parser.value(queryModality == 0 ? text : queryModality == 1 ? image : audio);
        if (!embedRetrievalQuery(*model, queryModality, value, &query, &error))
            return failure(error);
        queryJson = QJsonObject{{queryModality == 0 ? QStringLiteral("text") : QStringLiteral("file"), value}};
    }
    queryJson.insert(QStringLiteral("modality"), QLatin1String(kModalities[queryModality]));
    if (int(query.size()) != index.dim())
        return failure(QStringLiteral("the query's embedding has %1 dimensions, the index %2").arg(query.size()).arg(index.dim()));
    const qint64 encodeMs = clock.restart();

    std::vector<int> targets;
    for (int m = 0; m < 3; ++m)
        if (targetModality >= 0 ? m == targetModality : m != queryModality)
            targets.push_back(m);
    QJsonArray results;
    QString textOut;
    QTextStream lines(&textOut);
    for (int m : targets) {
        const std::vector<RetrievalIndex::Hit> hits = index.search(query.data(), m, k);
        QJsonArray hitArray;
        lines << kModalities[queryModality] << " → " << kModalities[m] << ':' << (hits.empty() ? " no sample has one\n" : "\n");
        int rank = 0;
        for (const RetrievalIndex::Hit &hit : hits) {
            const QJsonObject entry = hitJson(index, hit, ++rank, m);
            hitArray.append(entry);
            lines << QStringLiteral("  %1  %2  %3  %4  %5  %6\n")
                         .arg(rank, 3).arg(hit.score, 6, 'f', 3).arg(entry.value(QStringLiteral("id")).toString(), -10)
                         .arg(entry.value(QStringLiteral("split")).toString(), -5).arg(entry.value(QStringLiteral("label")).toString(), -12)
                         .arg(m == 0 ? QStringLiteral("\"%1\"").arg(entry.value(QStringLiteral("text")).toString())
                                     : entry.value(QStringLiteral("file")).toString());
        }
        results.append(QJsonObject{{QStringLiteral("target"), QLatin1String(kModalities[m])}, {QStringLiteral("hits"), hitArray}});
    }
    const qint64 searchMs = clock.elapsed();
    lines.flush();
    QTextStream out(stdout);
    if (parser.isSet(json)) {
        const QJsonObject document{{QStringLiteral("query"), queryJson},
                                   {QStringLiteral("results"), results},
                                   {QStringLiteral("index"), QJsonObject{{QStringLiteral("path"), cachePath},
                                                                         {QStringLiteral("cached"), cached},
                                                                         {QStringLiteral("samples"), index.size()}}},
                                   {QStringLiteral("milliseconds"), QJsonObject{{QStringLiteral("index"), double(indexMs)},
                                                                                {QStringLiteral("query"), double(encodeMs)},
                                                                                {QStringLiteral("search"), double(searchMs)}}}};
        out << QJsonDocument(document).toJson(QJsonDocument::Indented);
        return 0;
    }
    out << textOut;
    QTextStream(stderr) << kCommand << ": " << index.size() << " samples, index " << (cached ? "cached" : "built") << " ("
                        << indexMs << " ms), query " << encodeMs << " ms, search " << searchMs << " ms\n";
    return 0;
}
