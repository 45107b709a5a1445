// The distributed half of Trainer: c10d's Gloo process group sums each step's gradients over the
// ranks, each of which has read only its stride of the global batch (DESIGN.md "Distributed").
#include "core/train/trainer.h"

#include "core/dist/gradientbuckets.h"

#include "core/eval/regressionevaluator.h"
#include "core/eval/multilabelevaluator.h"
#include "core/train/modalitydropout.h"
#include "core/train/trainersupport.h"
#include "core/train/trainingjob.h"
#include "core/util/precision.h"


#include <chrono>

namespace F = torch::nn::functional;

bool Trainer::joinDistributed(QString *error)
{
    DistributedEnv env;
    if (!processDistributedEnv(&env, error))
        return false;
    if (!env.isDistributed())
        return true;
    const TrainConfig &config = m_job.m_train;
    if (!config.supervised || config.contrastiveWeight > 0.0 || config.reconstruct) {
        // InfoNCE's in-batch negatives would need every rank's embeddings (an all-gather per step).
        *error = QStringLiteral("%1 objectives train in one process only for now; distributed runs learn a task from labels")
                     .arg(config.reconstruct ? QStringLiteral("reconstruct") : QStringLiteral("contrastive"));
        return false;
    }
    m_group = ProcessGroup::join(env, error);
    if (!m_group)
        return false;
    m_job.emitMessage(MessageLevel::Info, QStringLiteral("distributed: %1 (%2, Gloo at %3:%4); each rank reads every %5th sample of each batch")
                                              .arg(env.describe(), env.launcher, env.masterAddress)
                                              .arg(env.masterPort)
                                              .arg(env.worldSize));
    return true;
}

void Trainer::broadcastModel()
{
    std::vector<torch::Tensor> state;
    for (const auto &parameter : m_module.named_parameters(/*recurse=*/true))
        state.push_back(parameter.value);
    for (const auto &buffer : m_module.named_buffers(/*recurse=*/true))
        state.push_back(buffer.value);
    m_group->broadcast(state);
}

void Trainer::armGradientBuckets()
{
    // By default 1 MB of gradients per bucket (DDP's first bucket is 1 MB too): the first sums
    // start early in the backward, and a step issues a handful of collectives, not hundreds.
    const std::int64_t bucketElements = std::int64_t(m_group->env().bucketKilobytes) * 1024 / std::int64_t(sizeof(float));
    m_gradientBuckets = std::make_unique<GradientBuckets>(*m_group, m_parameters, bucketElements);
}

std::pair<torch::Tensor, torch::Tensor> Trainer::taskLossParts(const torch::Tensor &logits, const Batch &batch) const
{
    const TaskSpec &task = m_job.m_task;
    if (task.hasTargets()) {
        auto [sum, count] = task.isRegression() ? regressionLoss(logits, batch.targets, task) : tagLoss(logits, batch.targets, task);
        return {sum, count.to(torch::kFloat32)};
    }
    // Cross-entropy's mean with class weights divides by the weights of the rows' classes; summed
    // here and divided once the ranks' sums are added, it is the one-process mean of the whole batch.
    const torch::Tensor rows = batch.labels.ge(0).nonzero().squeeze(1);
    if (rows.numel() == 0)
        return {logits.sum() * 0.0, torch::zeros({}, torch::kFloat32)};
    const torch::Tensor kept = logits.index_select(0, rows);
    const torch::Tensor labels = batch.labels.index_select(0, rows);
    auto options = F::CrossEntropyFuncOptions().label_smoothing(m_job.m_train.labelSmoothing).reduction(torch::kSum);
    torch::Tensor normaliser = torch::full({}, float(rows.numel()), torch::kFloat32);
    if (m_classWeights.defined()) {
        options.weight(m_classWeights);
        normaliser = m_classWeights.index_select(0, labels).sum().to(torch::kFloat32);
    }
    return {F::cross_entropy(kept, labels, options), normaliser};
}

bool Trainer::distributedStep(const Batch &batch, double *lossValue, QString *error)
{
    const TrainConfig &config = m_job.m_train;
    const int rank = m_group->rank();
    const int world = m_group->worldSize();
    const torch::Tensor present = dropModalities(batch.present, config.modalityDropout, config.seed, m_state.step, rank, world);
    torch::Tensor logits;
    {
        const PrecisionScope precision(m_job.m_precision);
        logits = trainersupport::forwardOutputs(m_module, batch, present, nullptr);
    }
    auto [sum, normaliser] = taskLossParts(logits, m_labelKept.defined() ? keptLabels(batch) : batch);
    m_optimizer->zero_grad();
    // The loss sum and normaliser start summing now; each bucket of gradients as soon as the
    // backward has filled it, while the backward goes on (GradientBuckets).
    m_gradientBuckets->startStep(torch::stack({sum.detach().to(torch::kFloat32), normaliser.to(torch::kFloat32)}));
    sum.backward();
    double exposedSeconds = 0.0;
    const torch::Tensor scalars = m_gradientBuckets->finishStep(&exposedSeconds);
    m_allreduceSeconds += exposedSeconds;
    ++m_allreduceSteps;
    const double lossSum = scalars[0].item<double>();
    const double total = scalars[1].item<double>();
    const double scale = total > 0.0 ? 1.0 / total : 0.0;
    m_gradientBuckets->writeGradients(scale);
    *lossValue = lossSum * scale;
    if (!std::isfinite(*lossValue)) {
        *error = nonFiniteError("training loss", *lossValue);
        return false;
    }
    return clipAndStep(error); // after the sum, on the gradient every rank now holds: one process's
}

void Trainer::restoreRankGenerator(const at::Tensor &saved)
{
    const int rank = m_group->rank();
    const int world = m_group->worldSize();
    if (saved.defined() && rank < saved.size(0)) {
        setCpuGeneratorState(saved[rank].contiguous());
    } else if (rank > 0) {
        // No stream of its own to continue (more ranks than before, or a checkpoint of a cancel):
        // a fresh one that depends only on the seed, the rank and the step.
        torch::manual_seed(trainersupport::trainingRngSeed(m_job.m_train.seed) + std::uint64_t(rank) + std::uint64_t(m_state.step) * 0x9E3779B97F4A7C15ull);
    }
    if (saved.defined() && saved.size(0) != world && rank == 0)
        m_job.emitMessage(MessageLevel::Info, QStringLiteral("the checkpoint was written by %1 ranks and resumes on %2: the global batches "
                                                             "are the same, each rank's share of them is new")
                                                  .arg(saved.size(0)).arg(world));
}
