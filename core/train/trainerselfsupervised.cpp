// The trainer's self-supervised objectives: the contrastive alignment (with its retrieval
// scores) and masked-modality reconstruction, and the probe that measures what either learnt.
#include "core/train/trainer.h"

#include "core/data/batchloader.h"
#include "core/eval/embeddingpass.h"
#include "core/eval/embeddingprobe.h"
#include "core/train/contrastiveloss.h"
#include "core/train/runresults.h"
#include "core/train/trainersupport.h"
#include "core/train/trainingjob.h"
#include "core/util/precision.h"

torch::Tensor Trainer::alignmentLoss(const std::array<torch::Tensor, 3> &embeddings, const torch::Tensor &present,
                                     const Batch &batch) const
{
    const torch::Tensor rows = torch::tensor(std::vector<std::int64_t>(batch.indices.begin(), batch.indices.end()), torch::kInt64);
    return contrastiveLoss(embeddings, present, m_sources.index_select(0, rows), m_logitScale);
}


double Trainer::validationRecall()
{
    std::vector<RetrievalScore> scores;
    QString error;
    const PrecisionScope precision(m_job.m_precision);
    if (!computeRetrieval(m_module, m_dataset, m_valIndices, m_job.m_train.batchSize, &scores, &error, {}, &m_job.m_cancel)) {
        if (!m_job.m_cancel.load())
            m_job.emitMessage(MessageLevel::Warning, QStringLiteral("validation retrieval failed: %1").arg(error));
        return std::nan("");
    }
    return meanRecallAt1(scores);
}


Trainer::Validation Trainer::validateAlignment()
{
    // A contrastive run's validation loss is its training objective on the validation split
    // (in-batch negatives, batches in a fixed order), so early stopping and the curves mean the same.
    Validation result;
    double lossSum = 0.0;
    std::int64_t count = 0;
    result.cancelled = !forEachValidationBatch([&](const Batch &batch) {
        std::array<torch::Tensor, 3> embeddings;
        trainersupport::forwardOutputs(m_module, batch, batch.present, &embeddings);
        int pairs = 0;
        const torch::Tensor rows = torch::tensor(std::vector<std::int64_t>(batch.indices.begin(), batch.indices.end()), torch::kInt64);
        const double loss = contrastiveLoss(embeddings, batch.present, m_sources.index_select(0, rows), m_logitScale, &pairs).item<double>();
        if (pairs == 0)
            return;
        lossSum += loss * double(batch.size());
        count += batch.size();
    });
    if (!result.cancelled)
        result.recallAt1 = validationRecall();
    if (!result.cancelled && count > 0) {
        result.ran = true;
        result.loss = lossSum / double(count);
        result.accuracy = std::nan(""); // no task outputs to score
    }
    return result;
}


bool Trainer::measureTestRetrieval(RunOutcome *outcome, QString *error)
{
    const std::vector<int> test = m_dataset.indices(Split::Test); // unlabelled samples are queries too
    if (test.empty())
        return true;
    std::vector<RetrievalScore> scores;
    const PrecisionScope precision(m_job.m_precision);
    if (!computeRetrieval(m_module, m_dataset, test, m_job.m_train.batchSize, &scores, error, m_job.m_callbacks.progress,
                          &m_job.m_cancel)) {
        *error = QStringLiteral("test retrieval failed: %1").arg(*error);
        return false;
    }
    outcome->testRetrieval = retrievalJson(scores);
    if (!scores.empty())
        m_job.emitMessage(MessageLevel::Info, QStringLiteral("test retrieval (each modality's embedding, cosine):\n%1").arg(retrievalText(scores)));
    return true;
}


bool Trainer::measureTestProbe(RunOutcome *outcome, QString *error)
{
    const std::vector<int> test = trainersupport::labeledIndices(m_dataset, Split::Test);
    const std::vector<int> train = trainersupport::labeledIndices(m_dataset, Split::Train);
    if (m_dataset.task() != TaskKind::Classify || m_dataset.labels().size() < 2 || test.empty() || train.empty())
        return true; // nothing to measure with
    const PrecisionScope precision(m_job.m_precision);
    // A contrastive model's fusion was never trained: its modalities' joint embedding stands for
    // the sample. A reconstruction trained the fusion: its fused embedding is the representation.
    const bool fused = m_job.m_train.reconstruct;
    const std::string probed = fused ? kFusedEmbedding : kJointEmbedding;
    EmbeddingTable trainTable;
    EmbeddingTable testTable;
    if (!computeEmbeddings(m_module, m_dataset, train, m_job.m_train.batchSize, &trainTable, error, m_job.m_callbacks.progress,
                           &m_job.m_cancel, probed)
        || !computeEmbeddings(m_module, m_dataset, test, m_job.m_train.batchSize, &testTable, error, m_job.m_callbacks.progress,
                              &m_job.m_cancel, probed)) {
        *error = QStringLiteral("embedding the train and test splits for the linear probe failed: %1").arg(*error);
        return false;
    }
    auto classesOf = [this](const std::vector<int> &indices) {
        std::vector<int> classes;
        for (int index : indices)
            classes.push_back(m_dataset.labelIndex(index));
        return classes;
    };
    const EmbeddingProbe probe = probeEmbeddings(trainTable, classesOf(train), testTable, classesOf(test), /*neighbours=*/10, /*linear=*/true);
    outcome->testProbe = probe.toJson();
    m_job.emitMessage(MessageLevel::Info, QStringLiteral("test embeddings (%1) against the train labels: %2")
                                              .arg(fused ? QStringLiteral("fused") : QStringLiteral("each sample's modalities joined"), probe.text()));
    return true;
}

bool Trainer::setUpReconstruction(QString *error)
{
    m_trainIndices = m_dataset.indices(Split::Train);
    m_valIndices = m_dataset.indices(Split::Val);
    m_testIndices = m_dataset.indices(Split::Test);
    std::vector<int> sample;
    for (int index : m_trainIndices) {
        const PresenceMask presence = m_dataset.presence(index);
        if (int(presence[0]) + int(presence[1]) + int(presence[2]) >= 2 && sample.size() < 2)
            sample.push_back(index);
    }
    if (sample.empty()) {
        *error = QStringLiteral("the train split has no sample with two or more modalities; masked-modality reconstruction "
                                "hides one and predicts it from the others");
        return false;
    }
    // Before the optimiser and a resumed checkpoint see the parameters: the decoders are among them.
    QString why;
    if (!m_reconstruction.attach(m_module, makeBatch(m_dataset, sample), &why)) {
        *error = QStringLiteral("masked-modality reconstruction needs the model's fused embedding: %1").arg(why);
        return false;
    }
    return true;
}

torch::Tensor Trainer::reconstructionLoss(const Batch &batch, std::int64_t draw, std::int64_t *rows)
{
    const torch::Tensor hidden = MaskedReconstruction::chooseHidden(batch.present, m_job.m_train.seed, draw);
    torch::Tensor fused;
    {
        const PrecisionScope precision(m_job.m_precision); // the forward only, as in every step
        fused = MaskedReconstruction::maskedEmbedding(m_module, batch, hidden);
    }
    return m_reconstruction.loss(fused, hidden, MaskedReconstruction::targetsOf(batch), rows);
}

Trainer::Validation Trainer::validateReconstruction()
{
    // The training objective on the validation split, each batch hiding what its own draw
    // says (batches in a fixed order), so the curve and early stopping compare like with like.
    Validation result;
    double lossSum = 0.0;
    std::int64_t count = 0;
    std::int64_t draw = -1;
    result.cancelled = !forEachValidationBatch([&](const Batch &batch) {
        std::int64_t rows = 0;
        const double loss = reconstructionLoss(batch, draw--, &rows).item<double>();
        lossSum += loss * double(rows);
        count += rows;
    });
    if (!result.cancelled && count > 0) {
        result.ran = true;
        result.loss = lossSum / double(count);
        result.accuracy = std::nan(""); // no task outputs to score
    }
    return result;
}
