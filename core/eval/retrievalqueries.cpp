#include "core/eval/retrievalqueries.h"

#include "core/eval/embeddingpass.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QTemporaryDir>

bool buildRetrievalIndex(LoadedModel &model, const Dataset &dataset, const QString &key, RetrievalIndex *index,
                         QString *error, const ProgressCallback &progress, const CancelFlag *cancel)
{
    std::vector<int> all(std::size_t(dataset.size()));
    for (int i = 0; i < dataset.size(); ++i)
        all[std::size_t(i)] = i;
    std::vector<EmbeddingTable> tables;
    const std::vector<std::string> names(std::begin(kModalityEmbeddings), std::end(kModalityEmbeddings));
    if (!computeEmbeddingOutputs(model.module, dataset, all, 64, names, &tables, error, progress, cancel))
        return false;
    index->assign(key, dataset, tables[0].dim,
                  {std::move(tables[0].values), std::move(tables[1].values), std::move(tables[2].values)});
    return true;
}

bool embedRetrievalQuery(LoadedModel &model, int modality, const QString &value, std::vector<float> *query,
                         QString *error)
{
    QTemporaryDir folder;
    if (!folder.isValid()) {
        *error = QStringLiteral("cannot create a temporary folder: %1").arg(folder.errorString());
        return false;
    }
    QJsonObject row{{QStringLiteral("id"), QStringLiteral("query")}};
    if (modality == 0) {
        row.insert(QStringLiteral("text"), value);
    } else {
        const QFileInfo source(value);
        if (!source.isFile()) {
            *error = QStringLiteral("%1: no such file").arg(QDir::toNativeSeparators(value));
            return false;
        }
        const QString copy = QStringLiteral("query.") + source.suffix();
        if (!QFile::copy(source.absoluteFilePath(), folder.filePath(copy))) {
            *error = QStringLiteral("cannot read %1").arg(QDir::toNativeSeparators(value));
            return false;
        }
        row.insert(modalityName(Modality(modality)), copy);
    }
    QFile manifest(folder.filePath(QStringLiteral("manifest.jsonl")));
    if (!manifest.open(QIODevice::WriteOnly) || manifest.write(QJsonDocument(row).toJson(QJsonDocument::Compact) + '\n') < 0) {
        *error = QStringLiteral("cannot write a query manifest: %1").arg(manifest.errorString());
        return false;
    }
    manifest.close();
    DatasetOptions options = datasetOptionsForModel(model, {});
    options.useCache = false;
    options.threads = 1;
    const std::shared_ptr<Dataset> dataset = Dataset::load(folder.path(), options);
    if (!dataset || !dataset->loadError().isEmpty()) {
        *error = dataset ? dataset->loadError() : QStringLiteral("reading the query was cancelled");
        return false;
    }
    // An undecodable file leaves a sample with nothing, which the load drops: the issue says why.
    if (dataset->size() != 1 || !dataset->presence(0)[std::size_t(modality)]) {
        const QString why = dataset->issues().isEmpty() ? QStringLiteral("it is empty") : dataset->issues().first().reason;
        *error = QStringLiteral("the %1 query %2 cannot be used: %3")
                     .arg(modalityName(Modality(modality)),
                          modality == 0 ? QStringLiteral("text") : QDir::toNativeSeparators(value), why);
        return false;
    }
    std::vector<EmbeddingTable> tables;
    if (!computeEmbeddingOutputs(model.module, *dataset, {0}, 1, {kModalityEmbeddings[modality]}, &tables, error))
        return false;
    *query = std::move(tables.front().values);
    return true;
}
