#include "core/eval/embeddingexplorer.h"

#include "core/data/batch.h"
#include "core/eval/embeddingpass.h"
#include "core/eval/evaluator.h"
#include "core/eval/modelio.h"
#include "core/eval/retrievalqueries.h"
#include "core/util/precision.h"

#include <QtCore/QFileInfo>

#include <algorithm>

struct EmbeddingExplorer::Private
{
    QString path;
    LoadedModel model;
    std::shared_ptr<const Dataset> dataset;
    QStringList outputs;
    QStringList classNames;
    bool canRetrieve = false;
    RetrievalIndex index;
    std::vector<int> datasetIndexOfRow;
    Precision precision = resolvePrecision(QStringLiteral("auto"));
};

EmbeddingExplorer::EmbeddingExplorer() : d(std::make_unique<Private>()) {}
EmbeddingExplorer::~EmbeddingExplorer() = default;

std::unique_ptr<EmbeddingExplorer> EmbeddingExplorer::open(const QString &modelPath, QString *error)
{
    std::optional<LoadedModel> model = loadModelFile(modelPath, error);
    if (!model)
        return nullptr;
    std::unique_ptr<EmbeddingExplorer> explorer(new EmbeddingExplorer);
    explorer->d->path = modelPath;
    explorer->d->model = std::move(*model);
    setTrainingMode(explorer->d->model.module, false);
    return explorer;
}

QString EmbeddingExplorer::modelPath() const { return d->path; }
std::shared_ptr<const Dataset> EmbeddingExplorer::dataset() const { return d->dataset; }
QStringList EmbeddingExplorer::outputs() const { return d->outputs; }
QStringList EmbeddingExplorer::classNames() const { return d->classNames; }
bool EmbeddingExplorer::canRetrieve() const { return d->canRetrieve; }
bool EmbeddingExplorer::hasTaskOutputs() const { return !d->model.hasMeta || d->model.meta.task.hasTaskOutputs(); }
const RetrievalIndex &EmbeddingExplorer::retrievalIndex() const { return d->index; }

QString EmbeddingExplorer::taskSummary() const
{
    return d->model.hasMeta ? d->model.meta.task.describe() : QStringLiteral("external model");
}

DatasetOptions EmbeddingExplorer::datasetOptions(DatasetOptions base) const
{
    return datasetOptionsForModel(d->model, std::move(base));
}

QString EmbeddingExplorer::attach(std::shared_ptr<const Dataset> dataset)
{
    d->dataset.reset();
    d->outputs.clear();
    d->classNames.clear();
    d->canRetrieve = false;
    d->index = RetrievalIndex();
    if (!dataset || dataset->size() == 0)
        return QStringLiteral("the dataset has no usable samples");

    // One sample's forward says which outputs there are: the contract makes them all optional.
    QStringList returned;
    int logitColumns = 0;
    EvalReport report;
    const PrecisionScope arithmetic(d->precision);
    forEachEvalBatch(d->model.module, *dataset, {0}, 1, &report, {}, nullptr, [&](const std::vector<int> &, const Batch &batch) {
        const c10::IValue output = d->model.module.forward({batch.text, batch.image, batch.audio, batch.present});
        if (!output.isGenericDict()) {
            report.error = QStringLiteral("forward did not return a Dict[str, Tensor]");
            return false;
        }
        for (const auto &entry : output.toGenericDict()) {
            if (!entry.key().isString() || !entry.value().isTensor())
                continue;
            const QString name = QString::fromStdString(entry.key().toStringRef());
            const at::Tensor value = entry.value().toTensor();
            if (value.dim() != 2)
                continue;
            returned << name;
            if (name == QLatin1String("logits"))
                logitColumns = int(value.size(1));
        }
        return true;
    });
    if (!report.error.isEmpty())
        return report.error;

    const bool aligned = d->model.hasMeta && d->model.meta.task.isAligned();
    d->canRetrieve = std::all_of(std::begin(kModalityEmbeddings), std::end(kModalityEmbeddings),
                                 [&](const char *name) { return returned.contains(QLatin1String(name)); });
    if (returned.contains(QLatin1String(kFusedEmbedding)))
        d->outputs << QLatin1String(kFusedEmbedding);
    if (d->canRetrieve)
        d->outputs.insert(aligned ? 0 : d->outputs.size(), QLatin1String(kJointEmbedding));
    for (const char *name : kModalityEmbeddings)
        if (returned.contains(QLatin1String(name)))
            d->outputs << QLatin1String(name);
    if (d->outputs.isEmpty()) {
        returned.sort();
        return QStringLiteral("%1 returns no embedding (it returns %2); the map needs the model contract's [B, D] \"embedding\" "
                              "or the per-modality \"embed/text\", \"embed/image\", \"embed/audio\"")
            .arg(QFileInfo(d->path).fileName(), returned.join(QStringLiteral(", ")));
    }
    const bool classifies = !d->model.hasMeta || (d->model.meta.task.kind == TaskKind::Classify && d->model.meta.task.hasTaskOutputs());
    if (classifies && logitColumns > 0) {
        const QStringList names = d->model.meta.hasLabels() ? d->model.meta.labels : dataset->labels();
        if (names.size() == logitColumns)
            d->classNames = names;
    }
    d->dataset = std::move(dataset);
    return {};
}

bool EmbeddingExplorer::embed(const std::vector<int> &indices, const QString &output, EmbeddingSet *set, QString *error,
                              const ProgressCallback &progress, const CancelFlag *cancel)
{
    if (!d->dataset) {
        *error = QStringLiteral("no dataset is attached");
        return false;
    }
    if (!d->outputs.contains(output)) {
        *error = QStringLiteral("the model has no \"%1\" embedding (it has %2)").arg(output, d->outputs.join(QStringLiteral(", ")));
        return false;
    }
    // A modality's own embedding is zeros where the sample lacks it: those rows are left out.
    std::vector<int> rows;
    const int modality = output == QLatin1String(kModalityEmbeddings[0]) ? 0
                         : output == QLatin1String(kModalityEmbeddings[1]) ? 1
                         : output == QLatin1String(kModalityEmbeddings[2]) ? 2 : -1;
    for (int index : indices)
        if (modality < 0 || d->dataset->presence(index)[std::size_t(modality)])
            rows.push_back(index);

    std::vector<std::string> names{output.toStdString()};
    if (!d->classNames.isEmpty())
        names.push_back("logits");
    std::vector<EmbeddingTable> tables;
    const PrecisionScope arithmetic(d->precision);
    if (!computeEmbeddingOutputs(d->model.module, *d->dataset, rows, 64, names, &tables, error, progress, cancel))
        return false;
    set->output = output;
    set->table = std::move(tables.front());
    set->predicted.clear();
    if (tables.size() > 1) {
        const EmbeddingTable &logits = tables[1];
        set->predicted.reserve(std::size_t(logits.rows()));
        for (int row = 0; row < logits.rows(); ++row)
            set->predicted.push_back(int(std::max_element(logits.row(row), logits.row(row) + logits.dim) - logits.row(row)));
    }
    return true;
}

bool EmbeddingExplorer::prepareRetrieval(const QString &columnMap, bool *cached, QString *warning, QString *error,
                                         const ProgressCallback &progress, const CancelFlag *cancel)
{
    if (!d->dataset) {
        *error = QStringLiteral("no dataset is attached");
        return false;
    }
    if (!d->canRetrieve) {
        *error = QStringLiteral("%1 has no per-modality embeddings (embed/text, embed/image, embed/audio) to search; a model "
                                "trained with --task contrastive or contrastive+classify has them").arg(QFileInfo(d->path).fileName());
        return false;
    }
    const QString manifestPath = d->dataset->manifest().path;
    const QString key = retrievalIndexKey(d->path, manifestPath, columnMap, error);
    if (key.isEmpty())
        return false;
    const QString cachePath = retrievalIndexPath(manifestPath, key);
    RetrievalIndex index;
    QString why;
    *cached = index.load(cachePath, key, &why);
    if (!*cached) {
        const PrecisionScope arithmetic(d->precision);
        if (!buildRetrievalIndex(d->model, *d->dataset, key, &index, error, progress, cancel))
            return false;
        QString saveError;
        if (!index.save(cachePath, &saveError))
            *warning = QStringLiteral("the retrieval index is not cached (%1)").arg(saveError);
    }
    d->index = std::move(index);
    d->datasetIndexOfRow.assign(std::size_t(d->index.size()), -1);
    for (int row = 0; row < d->index.size(); ++row)
        d->datasetIndexOfRow[std::size_t(row)] = d->dataset->indexOf(d->index.entry(row).id);
    return true;
}

int EmbeddingExplorer::datasetIndexOfRow(int row) const
{
    return row >= 0 && row < int(d->datasetIndexOfRow.size()) ? d->datasetIndexOfRow[std::size_t(row)] : -1;
}

bool EmbeddingExplorer::embedQuery(int modality, const QString &value, std::vector<float> *query, QString *error)
{
    if (modality < 0 || modality > 2) {
        *error = QStringLiteral("a query is a text, an image or an audio file");
        return false;
    }
    if (!d->model.hasMeta || !d->model.meta.hasPreprocess()) {
        *error = QStringLiteral("%1 records no preprocessing, so a query cannot be read as its training data was; "
                                "ask with a sample of the dataset instead").arg(QFileInfo(d->path).fileName());
        return false;
    }
    if (modality == 0 && d->model.tokenizerModel.empty()) {
        *error = QStringLiteral("%1 carries no tokenizer; a text query must be tokenised as the model was trained")
                     .arg(QFileInfo(d->path).fileName());
        return false;
    }
    const PrecisionScope arithmetic(d->precision);
    return embedRetrievalQuery(d->model, modality, value, query, error);
}
