// The distributed half of Trainer: c10d's Gloo process group sums each step's gradients over the
// ranks, each of which has read only its stride of the global batch (DESIGN.md "Distributed").
#include "core/train/trainer.h"

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
    sum.backward();

    // One flat bucket per step: every gradient, then the loss sum and the normaliser.
    std::vector<torch::Tensor> pieces;
    pieces.reserve(m_parameters.size() + 2);
    for (const torch::Tensor &parameter : m_parameters)
        pieces.push_back(parameter.grad().defined() ? parameter.grad().reshape(-1) : torch::zeros({parameter.numel()}, parameter.options()));
    pieces.push_back(sum.detach().reshape(1).to(torch::kFloat32));
    pieces.push_back(normaliser.reshape(1));
    torch::Tensor bucket = torch::cat(pieces).contiguous();
    const auto reduceStart = std::chrono::steady_clock::now();
    m_group->allreduceSum(bucket);
    m_allreduceSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - reduceStart).count();
    ++m_allreduceSteps;
    const double total = bucket[bucket.size(0) - 1].item<double>();
    const double lossSum = bucket[bucket.size(0) - 2].item<double>();
    const double scale = total > 0.0 ? 1.0 / total : 0.0;
    std::int64_t offset = 0;
    {
        torch::NoGradGuard noGrad;
        for (torch::Tensor &parameter : m_parameters) {
            const std::int64_t n = parameter.numel();
            torch::Tensor averaged = bucket.slice(0, offset, offset + n).view(parameter.sizes()) * scale;
            if (parameter.grad().defined())
                parameter.mutable_grad().copy_(averaged);
            else
                parameter.mutable_grad() = averaged;
            offset += n;
        }
    }
    *lossValue = lossSum * scale;
    if (!std::isfinite(*lossValue)) {
        *error = nonFiniteError("training loss", *lossValue);
        return false;
    }
    return clipAndStep(error); // after the sum, on the gradient every rank now holds: one process's
}
