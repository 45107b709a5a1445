#include "core/eval/embeddingpass.h"

#include "core/data/batch.h"
#include "core/eval/evaluator.h"

namespace {

/** The names a forward's dict holds, for a message about the one it lacks. */
QString outputNames(const c10::impl::GenericDict &dict)
{
    QStringList names;
    for (const auto &entry : dict) {
        if (entry.key().isString())
            names << QString::fromStdString(entry.key().toStringRef());
    }
    std::sort(names.begin(), names.end());
    const QStringList shown = names.mid(0, 6);
    return shown.join(QStringLiteral(", ")) + (names.size() > shown.size() ? QStringLiteral(", …") : QString());
}

} // namespace

bool computeEmbeddingOutputs(torch::jit::Module &module, const Dataset &dataset, const std::vector<int> &indices,
                             int batchSize, const std::vector<std::string> &names, std::vector<EmbeddingTable> *tables,
                             QString *error, const ProgressCallback &progress, const CancelFlag *cancel)
{
    tables->assign(names.size(), EmbeddingTable());
    for (EmbeddingTable &table : *tables)
        table.indices = indices;
    EvalReport report;
    forEachEvalBatch(module, dataset, indices, batchSize, &report, progress, cancel,
                     [&](const std::vector<int> &chunk, const Batch &batch) {
        const c10::IValue output = module.forward({batch.text, batch.image, batch.audio, batch.present});
        if (!output.isGenericDict()) {
            report.error = QStringLiteral("forward did not return a Dict[str, Tensor]");
            return false;
        }
        const auto dict = output.toGenericDict();
        for (std::size_t which = 0; which < names.size(); ++which) {
            const bool joint = names[which] == kJointEmbedding;
            const QString name = QString::fromStdString(joint ? std::string(kModalityEmbeddings[0]) : names[which]);
            const auto found = dict.find(c10::IValue(name.toStdString()));
            if (found == dict.end() || !found->value().isTensor()) {
                report.error = QStringLiteral("the model returns no \"%1\" output (it returns %2); %3")
                                   .arg(name, outputNames(dict),
                                        name == QLatin1String(kFusedEmbedding)
                                            ? QStringLiteral("embeddings need the model contract's optional [B, D] \"embedding\"")
                                            : QStringLiteral("per-modality embeddings are in models trained since FusionScope had them; retrain it"));
                return false;
            }
            at::Tensor embedding = found->value().toTensor().to(torch::kFloat32).contiguous();
            if (joint) {
                for (const char *other : {kModalityEmbeddings[1], kModalityEmbeddings[2]}) {
                    const auto more = dict.find(c10::IValue(std::string(other)));
                    if (more == dict.end() || !more->value().isTensor()) {
                        report.error = QStringLiteral("the model returns no \"%1\" output (it returns %2); per-modality embeddings are in "
                                                      "models trained since FusionScope had them; retrain it").arg(QLatin1String(other), outputNames(dict));
                        return false;
                    }
                    embedding = embedding + more->value().toTensor().to(torch::kFloat32);
                }
                embedding = (embedding / embedding.norm(2, 1, true).clamp_min(1e-12)).contiguous();
            }
            if (embedding.dim() != 2 || embedding.size(0) != std::int64_t(chunk.size())) {
                report.error = QStringLiteral("the model's \"%1\" has shape [%2] for %3 samples; it must be [B, D]")
                                   .arg(name, QString::fromStdString(c10::str(embedding.sizes())).remove(QLatin1Char('[')).remove(QLatin1Char(']')))
                                   .arg(chunk.size());
                return false;
            }
            EmbeddingTable &table = (*tables)[which];
            if (table.dim == 0) {
                table.dim = int(embedding.size(1));
                table.values.reserve(indices.size() * std::size_t(table.dim));
            }
            const float *data = embedding.data_ptr<float>();
            table.values.insert(table.values.end(), data, data + embedding.numel());
        }
        return true;
    });
    if (!report.error.isEmpty()) {
        *error = report.error;
        return false;
    }
    return true;
}

bool computeEmbeddings(torch::jit::Module &module, const Dataset &dataset, const std::vector<int> &indices, int batchSize,
                       EmbeddingTable *table, QString *error, const ProgressCallback &progress, const CancelFlag *cancel,
                       const std::string &name)
{
    std::vector<EmbeddingTable> tables;
    if (!computeEmbeddingOutputs(module, dataset, indices, batchSize, {name}, &tables, error, progress, cancel))
        return false;
    *table = std::move(tables.front());
    return true;
}

torch::Tensor embeddingTensor(const EmbeddingTable &table)
{
    return torch::from_blob(const_cast<float *>(table.values.data()), {table.rows(), table.dim}, torch::kFloat32).clone();
}

bool computeRetrieval(torch::jit::Module &module, const Dataset &dataset, const std::vector<int> &indices, int batchSize,
                      std::vector<RetrievalScore> *scores, QString *error, const ProgressCallback &progress,
                      const CancelFlag *cancel)
{
    std::vector<EmbeddingTable> tables;
    const std::vector<std::string> names(std::begin(kModalityEmbeddings), std::end(kModalityEmbeddings));
    if (!computeEmbeddingOutputs(module, dataset, indices, batchSize, names, &tables, error, progress, cancel))
        return false;
    const std::int64_t rows = std::int64_t(indices.size());
    torch::Tensor present = torch::zeros({rows, 3});
    torch::Tensor labels = torch::full({rows}, -1, torch::kInt64);
    auto presentRows = present.accessor<float, 2>();
    auto labelRows = labels.accessor<std::int64_t, 1>();
    const bool classes = dataset.task() == TaskKind::Classify;
    for (std::int64_t row = 0; row < rows; ++row) {
        const int index = indices[std::size_t(row)];
        const PresenceMask presence = dataset.presence(index);
        for (int modality = 0; modality < 3; ++modality)
            presentRows[row][modality] = presence[std::size_t(modality)] ? 1.0f : 0.0f;
        if (classes)
            labelRows[row] = dataset.labelIndex(index);
    }
    const torch::Tensor sampleRows = torch::tensor(std::vector<std::int64_t>(indices.begin(), indices.end()), torch::kInt64);
    const std::array<torch::Tensor, 3> embeddings{embeddingTensor(tables[0]), embeddingTensor(tables[1]), embeddingTensor(tables[2])};
    const bool anyLabel = labels.ge(0).any().item<bool>();
    *scores = retrievalScores(embeddings, present, modalitySources(dataset).index_select(0, sampleRows),
                              anyLabel ? labels : torch::Tensor());
    return true;
}
