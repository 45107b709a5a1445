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

bool computeEmbeddings(torch::jit::Module &module, const Dataset &dataset, const std::vector<int> &indices, int batchSize,
                       EmbeddingTable *table, QString *error, const ProgressCallback &progress, const CancelFlag *cancel)
{
    *table = EmbeddingTable();
    table->indices = indices;
    EvalReport report;
    forEachEvalBatch(module, dataset, indices, batchSize, &report, progress, cancel,
                     [&](const std::vector<int> &chunk, const Batch &batch) {
        const c10::IValue output = module.forward({batch.text, batch.image, batch.audio, batch.present});
        if (!output.isGenericDict()) {
            report.error = QStringLiteral("forward did not return a Dict[str, Tensor]");
            return false;
        }
        const auto dict = output.toGenericDict();
        const auto found = dict.find(c10::IValue(std::string("embedding")));
        if (found == dict.end() || !found->value().isTensor()) {
            report.error = QStringLiteral("the model returns no \"embedding\" output (it returns %1); embeddings need the "
                                          "model contract's optional [B, D] \"embedding\"").arg(outputNames(dict));
            return false;
        }
        const at::Tensor embedding = found->value().toTensor().to(torch::kFloat32).contiguous();
        if (embedding.dim() != 2 || embedding.size(0) != std::int64_t(chunk.size())) {
            report.error = QStringLiteral("the model's \"embedding\" has shape [%1] for %2 samples; it must be [B, D]")
                               .arg(QString::fromStdString(c10::str(embedding.sizes())).remove(QLatin1Char('[')).remove(QLatin1Char(']')))
                               .arg(chunk.size());
            return false;
        }
        if (table->dim == 0) {
            table->dim = int(embedding.size(1));
            table->values.reserve(indices.size() * std::size_t(table->dim));
        }
        const float *data = embedding.data_ptr<float>();
        table->values.insert(table->values.end(), data, data + embedding.numel());
        return true;
    });
    if (!report.error.isEmpty()) {
        *error = report.error;
        return false;
    }
    return true;
}
