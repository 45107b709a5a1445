#include "core/train/trainer.h"

#include "core/data/batchloader.h"
#include "core/dist/evalshard.h"
#include "core/dist/gradientbuckets.h"
#include "core/eval/embeddingpass.h"
#include "core/eval/embeddingprobe.h"
#include "core/eval/evaluator.h"
#include "core/eval/multilabelevaluator.h"
#include "core/eval/regressionevaluator.h"
#include "core/eval/modelio.h" // torchErrorSentence
#include "core/train/contrastiveloss.h"
#include "core/train/modalitydropout.h"
#include "core/train/runconfig.h"
#include "core/train/runresults.h"
#include "core/train/trainersupport.h"
#include "core/train/trainingjob.h"

#include "core/util/nographoptimization.h"

#include <QtCore/QFile>
#include <chrono>
#include <functional>
#include <map>
#include <random>
#include <cmath>

namespace {

namespace F = torch::nn::functional;

/**
 * `fraction` of `indices`, the same share of every class (at least one each), drawn with
 * `seed`; in the order they came. Samples without a class form one group of their own.
 */
std::vector<int> stratifiedShare(const Dataset &dataset, const std::vector<int> &indices, double fraction, std::uint64_t seed)
{
    std::map<int, std::vector<int>> byClass;
    for (int index : indices)
        byClass[dataset.task() == TaskKind::Classify ? dataset.labelIndex(index) : 0].push_back(index);
    std::mt19937_64 engine(seed ^ 0x9E3779B97F4A7C15ull);
    std::vector<char> kept(std::size_t(dataset.size()), 0);
    for (auto &[label, members] : byClass) {
        std::shuffle(members.begin(), members.end(), engine);
        const std::size_t take = std::max<std::size_t>(1, std::size_t(std::llround(fraction * double(members.size()))));
        for (std::size_t i = 0; i < take && i < members.size(); ++i)
            kept[std::size_t(members[i])] = 1;
    }
    std::vector<int> result;
    for (int index : indices)
        if (kept[std::size_t(index)])
            result.push_back(index);
    return result;
}

double nanIfNot(bool ran, double value)
{
    return ran ? value : std::nan("");
}

} // namespace

Trainer::Trainer(TrainingJob &job, const Dataset &dataset, torch::jit::Module module, ModelMeta meta)
    : m_job(job), m_dataset(dataset), m_module(std::move(module)), m_meta(std::move(meta)),
      m_metrics(runfiles::metricsPath(job.runDir()))
{
}

Trainer::~Trainer() = default;

bool Trainer::setUp(bool resume, QString *error)
{
    const TrainConfig &config = m_job.m_train;
    const bool contrastive = config.contrastiveWeight > 0.0;
    if (!joinDistributed(error))
        return false;
    m_trainIndices = trainersupport::labeledIndices(m_dataset, Split::Train);
    m_valIndices = trainersupport::labeledIndices(m_dataset, Split::Val);
    m_testIndices = trainersupport::labeledIndices(m_dataset, Split::Test);
    if (config.labelFraction < 1.0 && !m_trainIndices.empty()) {
        const std::size_t all = m_trainIndices.size();
        m_trainIndices = stratifiedShare(m_dataset, m_trainIndices, config.labelFraction, config.seed);
        m_job.emitMessage(MessageLevel::Info, QStringLiteral("learning the task from %1 of the %2 labelled train samples (%3 %, every class alike)")
                                                  .arg(m_trainIndices.size()).arg(all).arg(100.0 * config.labelFraction, 0, 'g', 3));
        if (contrastive) { // the others still align their modalities, unlabelled
            m_labelKept = torch::zeros({m_dataset.size()}, torch::kBool);
            for (int index : m_trainIndices)
                m_labelKept[index] = true;
        }
    }
    if (m_trainIndices.empty() && config.supervised) {
        *error = QStringLiteral("the dataset has no labeled samples in its train split%1")
                     .arg(contrastive ? QString() : QStringLiteral(" (--task contrastive learns without labels)"));
        return false;
    }
    if (config.reconstruct && !setUpReconstruction(error))
        return false;
    if (contrastive) {
        // Every sample aligns its modalities; the labelled ones also learn the task (semi-supervised).
        m_trainIndices = m_dataset.indices(Split::Train);
        m_valIndices = m_dataset.indices(Split::Val);
        if (!config.supervised)
            m_testIndices = m_dataset.indices(Split::Test);
        if (!m_module.hasattr("embedding_heads")) {
            *error = QStringLiteral("the model has no per-modality embedding heads for the contrastive alignment");
            return false;
        }
        m_logitScale = m_module.attr("embedding_heads").toModule().attr("logit_scale").toTensor();
        m_sources = modalitySources(m_dataset);
        int pairs = 0;
        for (int index : m_trainIndices) {
            const PresenceMask presence = m_dataset.presence(index);
            pairs += int(presence[0]) + int(presence[1]) + int(presence[2]) >= 2 ? 1 : 0;
        }
        if (pairs < 2) {
            *error = QStringLiteral("the train split has %1 sample(s) with two or more modalities; the contrastive alignment needs "
                                    "at least two to compare").arg(pairs);
            return false;
        }
    }
    // Dropping the ragged last batch keeps every step's statistics alike, unless that would drop all.
    const bool dropLast = int(m_trainIndices.size()) > config.batchSize;
    m_trainLoader = std::make_unique<BatchLoader>(m_dataset, m_trainIndices, config.batchSize, /*shuffle=*/true,
                                                  config.seed, dropLast);
    m_valLoader = std::make_unique<BatchLoader>(m_dataset, m_valIndices, config.batchSize, /*shuffle=*/false,
                                                config.seed);
    m_totalSteps = std::int64_t(config.epochs) * m_trainLoader->batchesPerEpoch();
    if (m_group) {
        if (int(m_trainIndices.size()) < m_group->worldSize() || config.batchSize < m_group->worldSize()) {
            *error = QStringLiteral("%1 train samples in batches of %2 cannot be shared by %3 ranks")
                         .arg(m_trainIndices.size()).arg(config.batchSize).arg(m_group->worldSize());
            return false;
        }
        m_trainLoader->setShard(m_group->rank(), m_group->worldSize());
        // Validation batches stay whole on every rank; train() splits their forward across the
        // ranks (EvalShardScope) and every rank gets every logit: the same numbers everywhere, so
        // every rank makes the same early-stopping decision.
    }

    for (const auto &parameter : m_module.named_parameters(/*recurse=*/true)) {
        const bool encoder = parameter.name.rfind("text_encoder.", 0) == 0 || parameter.name.rfind("image_encoder.", 0) == 0
                             || parameter.name.rfind("audio_encoder.", 0) == 0;
        if (config.freezeEncoders && encoder)
            parameter.value.set_requires_grad(false); // autograd then skips the encoders' backward too
        else if (parameter.value.requires_grad())
            m_parameters.push_back(parameter.value);
    }
    if (m_parameters.empty()) {
        *error = QStringLiteral("the model has no trainable parameters%1")
                     .arg(config.freezeEncoders ? QStringLiteral(" once its encoders are frozen") : QString());
        return false;
    }
    buildOptimizer();
    m_classWeights = classWeights();

    if (resume) {
        at::Tensor rankGenerators;
        if (!loadCheckpoint(runfiles::lastCheckpointPath(m_job.runDir()), m_module, *m_optimizer, &m_state, error, &rankGenerators))
            return false;
        if (m_group)
            restoreRankGenerator(rankGenerators);
        m_secondsBefore = m_state.trainingSeconds;
        if (ownsRunFolder() && !m_metrics.open(m_state.step, m_state.epoch, error))
            return false;
        m_job.emitMessage(MessageLevel::Info, QStringLiteral("resumed at step %1 (epoch %2, batch %3)")
                                                  .arg(m_state.step)
                                                  .arg(m_state.epoch + 1)
                                                  .arg(m_state.batchInEpoch));
    } else {
        // Rank r > 0 draws its own dropout masks; rank 0 draws what one process would.
        torch::manual_seed(trainersupport::trainingRngSeed(config.seed) + std::uint64_t(m_group ? m_group->rank() : 0));
        if (ownsRunFolder() && !m_metrics.open(-1, 0, error))
            return false;
        // A checkpoint before the first step, so even a NaN at step 1 leaves a good one behind.
        if (!writeCheckpoint(error))
            return false;
    }
    if (m_group) {
        armGradientBuckets();
        try {
            broadcastModel(); // every rank starts from rank 0's weights (after a resume too)
        } catch (const std::exception &e) {
            *error = QStringLiteral("%1 could not receive rank 0's weights: %2").arg(m_group->env().describe(), torchErrorSentence(e));
            return false;
        }
    }
    return true;
}

void Trainer::buildOptimizer()
{
    const TrainConfig &config = m_job.m_train;
    // Decay weight matrices only: shrinking biases and norm gains towards zero only hurts.
    std::vector<torch::Tensor> decay;
    std::vector<torch::Tensor> noDecay;
    for (const torch::Tensor &parameter : m_parameters)
        (parameter.dim() >= 2 ? decay : noDecay).push_back(parameter);
    std::vector<torch::optim::OptimizerParamGroup> groups;
    const auto options = torch::optim::AdamWOptions(config.learningRate).weight_decay(config.weightDecay);
    if (!decay.empty())
        groups.emplace_back(decay, std::make_unique<torch::optim::AdamWOptions>(options));
    if (!noDecay.empty()) {
        auto plain = std::make_unique<torch::optim::AdamWOptions>(options);
        plain->weight_decay(0.0);
        groups.emplace_back(noDecay, std::move(plain));
    }
    m_optimizer = std::make_unique<torch::optim::AdamW>(std::move(groups), options);
}

torch::Tensor Trainer::classWeights() const
{
    if (m_job.m_train.classWeights != QLatin1String("balanced") || m_job.m_task.hasTargets())
        return {};
    // "balanced": n / (classes × count), so every class weighs the same in the loss as a whole.
    const int classes = int(m_dataset.labels().size());
    std::vector<double> counts(std::size_t(classes), 0.0);
    double labelled = 0.0;
    for (int index : m_trainIndices) {
        if (m_dataset.labelIndex(index) >= 0) {
            counts[std::size_t(m_dataset.labelIndex(index))] += 1.0;
            labelled += 1.0;
        }
    }
    std::vector<float> weights;
    for (double count : counts)
        weights.push_back(count > 0 ? float(labelled / (classes * count)) : 0.0f);
    return torch::tensor(weights, torch::kFloat32);
}

void Trainer::setLearningRate(double rate)
{
    for (auto &group : m_optimizer->param_groups())
        static_cast<torch::optim::AdamWOptions &>(group.options()).lr(rate);
}

bool Trainer::step(const Batch &batch, double *lossValue, QString *error)
{
    if (m_group)
        return distributedStep(batch, lossValue, error);
    const TrainConfig &config = m_job.m_train;
    torch::Tensor loss;
    if (config.reconstruct) {
        loss = reconstructionLoss(batch, m_state.step);
    } else if (!supervisedLoss(batch, &loss, error)) {
        return false;
    }
    *lossValue = loss.item<double>();
    if (!std::isfinite(*lossValue)) {
        *error = nonFiniteError("training loss", *lossValue);
        return false;
    }
    m_optimizer->zero_grad();
    loss.backward();
    return clipAndStep(error);
}

QString Trainer::nonFiniteError(const char *what, double value) const
{
    return QStringLiteral("the %1 became %2 at step %3 (epoch %4); try a lower learning rate")
        .arg(QLatin1String(what), std::isnan(value) ? QStringLiteral("NaN") : QStringLiteral("infinite"))
        .arg(m_state.step + 1)
        .arg(m_state.epoch + 1);
}

bool Trainer::clipAndStep(QString *error)
{
    const double clipNorm = m_job.m_train.gradClipNorm;
    if (clipNorm > 0.0) {
        const double norm = torch::nn::utils::clip_grad_norm_(m_parameters, clipNorm);
        if (!std::isfinite(norm)) {
            *error = nonFiniteError("gradient", norm);
            return false;
        }
    }
    m_optimizer->step();
    return true;
}

bool Trainer::supervisedLoss(const Batch &batch, torch::Tensor *loss, QString *error)
{
    const TrainConfig &config = m_job.m_train;
    const torch::Tensor present = dropModalities(batch.present, config.modalityDropout, config.seed, m_state.step);
    torch::Tensor logits;
    std::array<torch::Tensor, 3> embeddings;
    {
        // Only the forward autocasts; the loss, the backward and the optimizer stay fp32.
        const PrecisionScope precision(m_job.m_precision);
        logits = trainersupport::forwardOutputs(m_module, batch, present, config.contrastiveWeight > 0.0 ? &embeddings : nullptr);
    }
    const TaskSpec &task = m_job.m_task;
    const std::int64_t outputs = !task.hasTaskOutputs() ? 0 : task.hasTargets() ? task.targets.size() : m_dataset.labels().size();
    if (logits.dim() != 2 || logits.size(0) != batch.size() || logits.size(1) != outputs) {
        *error = QStringLiteral("the model gave outputs of shape [%1] for %2 samples of %3 %4")
                     .arg(QString::fromStdString(c10::str(logits.sizes())).remove(QLatin1Char('[')).remove(QLatin1Char(']')))
                     .arg(batch.size())
                     .arg(outputs)
                     .arg(task.isRegression() ? QStringLiteral("targets") : task.isMultilabel() ? QStringLiteral("tags") : QStringLiteral("classes"));
        return false;
    }
    *loss = !config.supervised      ? torch::zeros({}, torch::kFloat32)
            : m_labelKept.defined() ? taskLoss(logits, keptLabels(batch))
                                    : taskLoss(logits, batch);
    if (config.contrastiveWeight > 0.0)
        *loss = *loss + config.contrastiveWeight * alignmentLoss(embeddings, present, batch);
    return true;
}

torch::Tensor Trainer::taskLoss(const torch::Tensor &logits, const Batch &batch) const
{
    const TaskSpec &task = m_job.m_task;
    if (task.hasTargets()) {
        // Missing targets are NaN and left out, so unlabelled rows add nothing.
        const auto [sum, count] = task.isRegression() ? regressionLoss(logits, batch.targets, task) : tagLoss(logits, batch.targets, task);
        return sum / count.clamp_min(1);
    }
    auto options = F::CrossEntropyFuncOptions().label_smoothing(m_job.m_train.labelSmoothing);
    if (m_classWeights.defined())
        options.weight(m_classWeights);
    const torch::Tensor labelled = batch.labels.ge(0);
    if (labelled.all().item<bool>())
        return F::cross_entropy(logits, batch.labels, options);
    const torch::Tensor rows = labelled.nonzero().squeeze(1);
    if (rows.numel() == 0)
        return logits.sum() * 0.0;
    return F::cross_entropy(logits.index_select(0, rows), batch.labels.index_select(0, rows), options);
}

Batch Trainer::keptLabels(const Batch &batch) const
{
    Batch kept = batch;
    const torch::Tensor rows = torch::tensor(std::vector<std::int64_t>(batch.indices.begin(), batch.indices.end()), torch::kInt64);
    const torch::Tensor hidden = m_labelKept.index_select(0, rows).logical_not();
    kept.labels = batch.labels.masked_fill(hidden, -1);
    if (batch.targets.defined()) // NaN: a missing target, left out of the loss
        kept.targets = batch.targets.masked_fill(hidden.unsqueeze(1), std::nanf(""));
    return kept;
}

bool Trainer::writeCheckpoint(QString *error, bool gatherRanks)
{
    at::Tensor rankGenerators; // each rank's dropout stream, so a resume on as many ranks continues every one
    if (m_group && gatherRanks) {
        try {
            rankGenerators = torch::stack(m_group->allgather(cpuGeneratorState()));
        } catch (const std::exception &e) {
            *error = QStringLiteral("no checkpoint at step %1: %2 could not gather the ranks' generators: %3")
                         .arg(m_state.step).arg(m_group->env().describe(), torchErrorSentence(e));
            return false;
        }
    }
    if (!ownsRunFolder())
        return true; // rank 0's holds every rank's weights: they are the same
    m_state.trainingSeconds = m_secondsBefore + (m_clock.isValid() ? m_clock.elapsed() / 1000.0 : 0.0);
    return saveCheckpoint(runfiles::lastCheckpointPath(m_job.runDir()), m_module, *m_optimizer, m_state, error, rankGenerators);
}

FinishReport Trainer::stopCancelled()
{
    FinishReport report;
    report.cancelled = true;
    report.runDir = m_job.runDir();
    QString error;
    // Ranks see a cancel at different steps: no collective here, rank 0 keeps its own generator.
    if (!writeCheckpoint(&error, /*gatherRanks=*/false)) {
        report.reason = QStringLiteral("cancelled at step %1, but %2").arg(m_state.step).arg(error);
        return report;
    }
    report.reason = QStringLiteral("cancelled at step %1 of %2 (epoch %3); checkpoint written")
                        .arg(m_state.step)
                        .arg(m_totalSteps)
                        .arg(std::min(m_state.epoch + 1, m_job.m_train.epochs));
    return report;
}

FinishReport Trainer::train(bool resume)
{
    FinishReport failed;
    failed.runDir = m_job.runDir();
    const TrainConfig &config = m_job.m_train;
    const NoGraphOptimization sameGraphEveryStep;
    if (!setUp(resume, &failed.reason))
        return failed;
    const EvalShardScope shardedEvaluation(m_group.get()); // a distributed run's ranks share every evaluation
    m_clock.start();

    double lastValLoss = std::nan("");
    double lastValAccuracy = std::nan("");
    double lastValRecall = std::nan("");
    bool stoppedEarly = false;
    using Clock = std::chrono::steady_clock;
    auto lastStepTime = Clock::now();
    auto windowStart = lastStepTime;
    std::int64_t windowSamples = 0;

    m_module.train(true);
    while (m_state.epoch < config.epochs) {
        if (config.earlyStoppingPatience > 0 && m_state.badEpochs >= config.earlyStoppingPatience) {
            stoppedEarly = true; // decided before an interruption; the resume honours it
            break;
        }
        const int epoch = m_state.epoch;
        const auto epochStart = Clock::now();
        m_trainLoader->startEpoch(epoch, m_state.batchInEpoch);
        Batch batch;
        for (;;) {
            if (!m_job.waitWhilePaused())
                return stopCancelled();
            if (!m_trainLoader->next(&batch))
                break;
            const double rate = config.learningRateAt(m_state.step, m_totalSteps);
            setLearningRate(rate);
            double loss = 0.0;
            try {
                if (!step(batch, &loss, &failed.reason))
                    return failed;
            } catch (const std::exception &e) {
                // A distributed step throws when a rank died or stayed silent past the timeout.
                failed.reason = QStringLiteral("training step %1 failed%2: %3")
                                    .arg(m_state.step + 1)
                                    .arg(m_group ? QStringLiteral(" on ") + m_group->env().describe() : QString())
                                    .arg(torchErrorSentence(e));
                return failed;
            }
            // A distributed step's loss is the whole batch's: count its samples over every rank.
            const std::int64_t rows = m_group ? m_trainLoader->globalBatchSize(m_state.batchInEpoch) : batch.size();
            ++m_state.step;
            ++m_state.batchInEpoch;
            m_state.epochLossSum += loss * double(rows);
            m_state.epochSamples += rows;
            m_state.windowLossSum += loss;
            ++m_state.windowSteps;
            windowSamples += rows;

            const auto now = Clock::now();
            const double stepSeconds = std::chrono::duration<double>(now - lastStepTime).count();
            lastStepTime = now;
            if (m_job.m_callbacks.stepFinished) {
                m_job.m_callbacks.stepFinished(StepReport{epoch, m_state.step, m_totalSteps, loss, rate,
                                                          stepSeconds > 0 ? double(rows) / stepSeconds : 0.0});
            }
            if (m_state.step % config.logEverySteps == 0 && ownsRunFolder()) {
                const double windowSeconds = std::chrono::duration<double>(now - windowStart).count();
                if (!m_metrics.appendStep(StepReport{epoch, m_state.step, m_totalSteps, loss, rate,
                                                     windowSeconds > 0 ? double(windowSamples) / windowSeconds : 0.0},
                                          m_state.windowLossSum / m_state.windowSteps)
                    && m_metrics.failures() == 1) // once, not every step of a full disk
                    m_job.emitMessage(MessageLevel::Warning, m_metrics.errorString());
                m_state.windowLossSum = 0.0;
                m_state.windowSteps = 0;
                windowStart = now;
                windowSamples = 0;
            }
            if (config.checkpointEverySteps > 0 && m_state.step % config.checkpointEverySteps == 0) {
                QString error;
                if (!writeCheckpoint(&error))
                    m_job.emitMessage(MessageLevel::Warning, error);
            }
        }

        Validation val;
        try {
            val = validate();
        } catch (const std::exception &e) {
            // A distributed validation throws when a rank died or stayed silent past the timeout.
            failed.reason = QStringLiteral("validation after step %1 failed%2: %3")
                                .arg(m_state.step)
                                .arg(m_group ? QStringLiteral(" on ") + m_group->env().describe() : QString())
                                .arg(torchErrorSentence(e));
            return failed;
        }
        if (val.cancelled)
            return stopCancelled();
        EpochReport report;
        report.epoch = epoch;
        report.epochs = config.epochs;
        report.trainLoss = m_state.epochSamples > 0 ? m_state.epochLossSum / double(m_state.epochSamples) : std::nan("");
        report.valLoss = nanIfNot(val.ran, val.loss);
        report.valAccuracy = nanIfNot(val.ran, val.accuracy);
        report.valRecallAt1 = val.recallAt1;
        report.task = m_job.m_task.kind;
        report.seconds = std::chrono::duration<double>(Clock::now() - epochStart).count();
        lastValLoss = report.valLoss;
        lastValAccuracy = report.valAccuracy;
        lastValRecall = report.valRecallAt1;
        if (ownsRunFolder() && !m_metrics.appendEpoch(report, m_state.step) && m_metrics.failures() == 1)
            m_job.emitMessage(MessageLevel::Warning, m_metrics.errorString());

        if (val.ran && val.loss < m_state.bestValLoss) {
            m_state.bestValLoss = val.loss;
            m_state.badEpochs = 0;
            QString error;
            if (config.earlyStoppingPatience > 0 && ownsRunFolder() && !saveWeights(runfiles::bestWeightsPath(m_job.runDir()), m_module, &error))
                m_job.emitMessage(MessageLevel::Warning, error);
        } else if (val.ran) {
            ++m_state.badEpochs;
        }
        m_state.epoch = epoch + 1;
        m_state.batchInEpoch = 0;
        m_state.epochLossSum = 0.0;
        m_state.epochSamples = 0;
        QString error;
        if (!writeCheckpoint(&error))
            m_job.emitMessage(MessageLevel::Warning, error);
        if (m_job.m_callbacks.epochFinished)
            m_job.m_callbacks.epochFinished(report);
        if (config.earlyStoppingPatience > 0 && m_state.badEpochs >= config.earlyStoppingPatience
            && m_state.epoch < config.epochs) {
            m_job.emitMessage(MessageLevel::Info,
                              QStringLiteral("early stop after epoch %1: no lower validation loss for %2 epochs")
                                  .arg(epoch + 1)
                                  .arg(m_state.badEpochs));
            stoppedEarly = true;
            break;
        }
    }
    if (m_group && m_allreduceSteps > 0) // what the distribution costs; bench/distributed.sh reads it
        m_job.emitMessage(MessageLevel::Info, QStringLiteral("distributed: gradient all-reduce %1 ms per step after the backward "
                                                             "(%2 bucket(s) overlapped with it; mean of %3 steps, waiting for the other ranks included)")
                                                  .arg(1000.0 * m_allreduceSeconds / double(m_allreduceSteps), 0, 'f', 2)
                                                  .arg(m_gradientBuckets->bucketCount())
                                                  .arg(m_allreduceSteps));
    try {
        return finishRun(stoppedEarly, lastValLoss, lastValAccuracy, lastValRecall);
    } catch (const std::exception &e) {
        // A distributed evaluation throws when a rank died or stayed silent past the timeout.
        failed.reason = QStringLiteral("the final evaluation failed%1: %2")
                            .arg(m_group ? QStringLiteral(" on ") + m_group->env().describe() : QString(), torchErrorSentence(e));
        return failed;
    }
}
