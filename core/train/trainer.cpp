#include "core/train/trainer.h"

#include "core/data/batchloader.h"
#include "core/eval/evaluator.h"
#include "core/eval/multilabelevaluator.h"
#include "core/eval/regressionevaluator.h"
#include "core/eval/modelio.h" // torchErrorSentence
#include "core/train/modalitydropout.h"
#include "core/train/runconfig.h"
#include "core/train/runresults.h"
#include "core/train/trainingjob.h"

#include <torch/csrc/jit/python/update_graph_executor_opt.h>

#include <QtCore/QFile>
#include <chrono>
#include <cmath>

namespace {

namespace F = torch::nn::functional;

std::vector<int> labeledIndices(const Dataset &dataset, Split split)
{
    std::vector<int> result;
    for (int index : dataset.indices(split)) {
        if (dataset.hasTarget(index))
            result.push_back(index);
    }
    return result;
}

/**
 * Runs TorchScript unoptimised on this thread for the guard's life. The profiling executor
 * switches a method to a differently optimised graph (symbolic autodiff) after its first
 * runs, so a resumed session, whose fresh module starts profiling again, would compute
 * slightly different gradients than the uninterrupted run. The setting is thread-local.
 */
class NoGraphOptimization
{
public:
    NoGraphOptimization() : m_previous(torch::jit::getGraphExecutorOptimize()) { torch::jit::setGraphExecutorOptimize(false); }
    ~NoGraphOptimization() { torch::jit::setGraphExecutorOptimize(m_previous); }
    NoGraphOptimization(const NoGraphOptimization &) = delete;
    NoGraphOptimization &operator=(const NoGraphOptimization &) = delete;

private:
    bool m_previous;
};

/** Seed of the torch CPU generator (model dropout), apart from the model's init seed. */
std::uint64_t trainingRngSeed(std::uint64_t seed)
{
    return (seed ^ 0x5DEECE66Dull) & 0x7FFFFFFFFFFFFFFFull;
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
    m_trainIndices = labeledIndices(m_dataset, Split::Train);
    m_valIndices = labeledIndices(m_dataset, Split::Val);
    m_testIndices = labeledIndices(m_dataset, Split::Test);
    if (m_trainIndices.empty()) {
        *error = QStringLiteral("the dataset has no labeled samples in its train split");
        return false;
    }
    // Dropping the ragged last batch keeps every step's statistics alike, unless that would drop all.
    const bool dropLast = int(m_trainIndices.size()) > config.batchSize;
    m_trainLoader = std::make_unique<BatchLoader>(m_dataset, m_trainIndices, config.batchSize, /*shuffle=*/true,
                                                  config.seed, dropLast);
    m_valLoader = std::make_unique<BatchLoader>(m_dataset, m_valIndices, config.batchSize, /*shuffle=*/false,
                                                config.seed);
    m_totalSteps = std::int64_t(config.epochs) * m_trainLoader->batchesPerEpoch();

    for (const auto &parameter : m_module.parameters(/*recurse=*/true)) {
        if (parameter.requires_grad())
            m_parameters.push_back(parameter);
    }
    if (m_parameters.empty()) {
        *error = QStringLiteral("the model has no trainable parameters");
        return false;
    }
    buildOptimizer();
    m_classWeights = classWeights();

    if (resume) {
        if (!loadCheckpoint(runfiles::lastCheckpointPath(m_job.runDir()), m_module, *m_optimizer, &m_state, error))
            return false;
        m_secondsBefore = m_state.trainingSeconds;
        if (!m_metrics.open(m_state.step, m_state.epoch, error))
            return false;
        m_job.emitMessage(MessageLevel::Info, QStringLiteral("resumed at step %1 (epoch %2, batch %3)")
                                                  .arg(m_state.step)
                                                  .arg(m_state.epoch + 1)
                                                  .arg(m_state.batchInEpoch));
    } else {
        torch::manual_seed(trainingRngSeed(config.seed));
        if (!m_metrics.open(-1, 0, error))
            return false;
        // A checkpoint before the first step, so even a NaN at step 1 leaves a good one behind.
        if (!writeCheckpoint(error))
            return false;
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
    for (int index : m_trainIndices)
        counts[std::size_t(m_dataset.labelIndex(index))] += 1.0;
    std::vector<float> weights;
    for (double count : counts)
        weights.push_back(count > 0 ? float(double(m_trainIndices.size()) / (classes * count)) : 0.0f);
    return torch::tensor(weights, torch::kFloat32);
}

void Trainer::setLearningRate(double rate)
{
    for (auto &group : m_optimizer->param_groups())
        static_cast<torch::optim::AdamWOptions &>(group.options()).lr(rate);
}

bool Trainer::step(const Batch &batch, double *lossValue, QString *error)
{
    const TrainConfig &config = m_job.m_train;
    const torch::Tensor present = dropModalities(batch.present, config.modalityDropout, config.seed, m_state.step);
    torch::Tensor logits;
    {
        // Only the forward autocasts; the loss, the backward and the optimizer stay fp32.
        const PrecisionScope precision(m_job.m_precision);
        logits = forwardLogits(m_module, batch, present);
    }
    const TaskSpec &task = m_job.m_task;
    const std::int64_t outputs = task.hasTargets() ? task.targets.size() : m_dataset.labels().size();
    if (logits.dim() != 2 || logits.size(0) != batch.size() || logits.size(1) != outputs) {
        *error = QStringLiteral("the model gave outputs of shape [%1] for %2 samples of %3 %4")
                     .arg(QString::fromStdString(c10::str(logits.sizes())).remove(QLatin1Char('[')).remove(QLatin1Char(']')))
                     .arg(batch.size())
                     .arg(outputs)
                     .arg(task.isRegression() ? QStringLiteral("targets") : task.isMultilabel() ? QStringLiteral("tags") : QStringLiteral("classes"));
        return false;
    }
    torch::Tensor loss;
    if (task.hasTargets()) {
        const auto [sum, count] = task.isRegression() ? regressionLoss(logits, batch.targets, task) : tagLoss(logits, batch.targets, task);
        loss = sum / count.clamp_min(1);
    } else {
        auto options = F::CrossEntropyFuncOptions().label_smoothing(config.labelSmoothing);
        if (m_classWeights.defined())
            options.weight(m_classWeights);
        loss = F::cross_entropy(logits, batch.labels, options);
    }
    *lossValue = loss.item<double>();
    const qint64 stepNumber = m_state.step + 1;
    if (!std::isfinite(*lossValue)) {
        *error = QStringLiteral("the training loss became %1 at step %2 (epoch %3); try a lower learning rate")
                     .arg(std::isnan(*lossValue) ? QStringLiteral("NaN") : QStringLiteral("infinite"))
                     .arg(stepNumber)
                     .arg(m_state.epoch + 1);
        return false;
    }
    m_optimizer->zero_grad();
    loss.backward();
    if (config.gradClipNorm > 0.0) {
        const double norm = torch::nn::utils::clip_grad_norm_(m_parameters, config.gradClipNorm);
        if (!std::isfinite(norm)) {
            *error = QStringLiteral("the gradient became %1 at step %2 (epoch %3); try a lower learning rate")
                         .arg(std::isnan(norm) ? QStringLiteral("NaN") : QStringLiteral("infinite"))
                         .arg(stepNumber)
                         .arg(m_state.epoch + 1);
            return false;
        }
    }
    m_optimizer->step();
    return true;
}

Trainer::Validation Trainer::validate()
{
    Validation result;
    if (m_valIndices.empty())
        return result;
    m_module.eval();
    c10::InferenceMode inference; // thread-local, like grad mode: this guard is on the worker's thread
    const PrecisionScope precision(m_job.m_precision);
    const TaskSpec &task = m_job.m_task;
    TargetColumns columns(task.targets);
    TagMatrix tags;
    tags.tags = int(task.targets.size());
    double lossSum = 0.0;
    std::int64_t correct = 0;
    std::int64_t count = 0;
    m_valLoader->startEpoch(0);
    Batch batch;
    while (m_valLoader->next(&batch)) {
        if (m_job.m_cancel.load()) {
            result.cancelled = true;
            break;
        }
        const torch::Tensor logits = forwardLogits(m_module, batch, batch.present);
        if (task.isRegression()) {
            const auto [sum, given] = regressionLoss(logits, batch.targets, task);
            lossSum += sum.item<double>();
            count += given.item<std::int64_t>();
            const torch::Tensor values = targetValues(logits, task).contiguous();
            const auto predicted = values.accessor<float, 2>();
            const auto truth = batch.targets.accessor<float, 2>();
            for (std::int64_t row = 0; row < values.size(0); ++row)
                for (std::int64_t k = 0; k < values.size(1); ++k)
                    columns.add(std::size_t(k), truth[row][k], predicted[row][k]);
            continue;
        }
        if (task.isMultilabel()) {
            const auto [sum, given] = tagLoss(logits, batch.targets, task);
            lossSum += sum.item<double>();
            count += given.item<std::int64_t>();
            const torch::Tensor probabilities = torch::sigmoid(logits).contiguous();
            const torch::Tensor truth = batch.targets.contiguous();
            for (std::int64_t row = 0; row < batch.size(); ++row)
                tags.add(truth.data_ptr<float>() + row * tags.tags, probabilities.data_ptr<float>() + row * tags.tags);
            continue;
        }
        lossSum += F::cross_entropy(logits, batch.labels, F::CrossEntropyFuncOptions().reduction(torch::kSum))
                       .item<double>();
        correct += logits.argmax(1).eq(batch.labels).sum().item<std::int64_t>();
        count += batch.size();
    }
    m_module.train(true);
    if (!result.cancelled && count > 0) {
        result.ran = true;
        result.loss = lossSum / double(count);
        // A regression's score is its mean R² over the targets, a multi-label's its mAP: higher is better, as accuracy.
        if (task.isRegression())
            result.accuracy = meanR2(columns.scores());
        else if (task.isMultilabel())
            result.accuracy = MultilabelReport::compute(task.targets, tags, task.thresholds).meanAveragePrecision;
        else
            result.accuracy = double(correct) / double(count);
    }
    return result;
}

bool Trainer::writeCheckpoint(QString *error)
{
    m_state.trainingSeconds = m_secondsBefore + (m_clock.isValid() ? m_clock.elapsed() / 1000.0 : 0.0);
    return saveCheckpoint(runfiles::lastCheckpointPath(m_job.runDir()), m_module, *m_optimizer, m_state, error);
}

FinishReport Trainer::stopCancelled()
{
    FinishReport report;
    report.cancelled = true;
    report.runDir = m_job.runDir();
    QString error;
    if (!writeCheckpoint(&error)) {
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
    m_clock.start();

    double lastValLoss = std::nan("");
    double lastValAccuracy = std::nan("");
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
                failed.reason = QStringLiteral("training step %1 failed: %2").arg(m_state.step + 1).arg(torchErrorSentence(e));
                return failed;
            }
            ++m_state.step;
            ++m_state.batchInEpoch;
            m_state.epochLossSum += loss * double(batch.size());
            m_state.epochSamples += batch.size();
            m_state.windowLossSum += loss;
            ++m_state.windowSteps;
            windowSamples += batch.size();

            const auto now = Clock::now();
            const double stepSeconds = std::chrono::duration<double>(now - lastStepTime).count();
            lastStepTime = now;
            if (m_job.m_callbacks.stepFinished) {
                m_job.m_callbacks.stepFinished(StepReport{epoch, m_state.step, m_totalSteps, loss, rate,
                                                          stepSeconds > 0 ? double(batch.size()) / stepSeconds : 0.0});
            }
            if (m_state.step % config.logEverySteps == 0) {
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

        const Validation val = validate();
        if (val.cancelled)
            return stopCancelled();
        EpochReport report;
        report.epoch = epoch;
        report.epochs = config.epochs;
        report.trainLoss = m_state.epochSamples > 0 ? m_state.epochLossSum / double(m_state.epochSamples) : std::nan("");
        report.valLoss = nanIfNot(val.ran, val.loss);
        report.valAccuracy = nanIfNot(val.ran, val.accuracy);
        report.task = m_job.m_task.kind;
        report.seconds = std::chrono::duration<double>(Clock::now() - epochStart).count();
        lastValLoss = report.valLoss;
        lastValAccuracy = report.valAccuracy;
        if (!m_metrics.appendEpoch(report, m_state.step) && m_metrics.failures() == 1)
            m_job.emitMessage(MessageLevel::Warning, m_metrics.errorString());

        if (val.ran && val.loss < m_state.bestValLoss) {
            m_state.bestValLoss = val.loss;
            m_state.badEpochs = 0;
            QString error;
            if (config.earlyStoppingPatience > 0 && !saveWeights(runfiles::bestWeightsPath(m_job.runDir()), m_module, &error))
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
    return finishRun(stoppedEarly, lastValLoss, lastValAccuracy);
}

bool Trainer::tuneThresholds(QString *error)
{
    // Each tag's threshold is the one with the best F1 on validation, so test and new data are
    // judged by a decision rule chosen without them. Without a validation split they stay 0.5.
    TaskSpec &task = m_job.m_task;
    if (m_valIndices.empty()) {
        m_job.emitMessage(MessageLevel::Warning, QStringLiteral("no validation samples to tune the tags' thresholds on; every tag uses 0.5"));
        return true;
    }
    TagMatrix matrix;
    const PrecisionScope precision(m_job.m_precision);
    const EvalReport val = evaluateMultilabel(m_module, m_dataset, m_valIndices, m_job.m_train.batchSize, task,
                                              /*subsets=*/false, nullptr, &matrix, {}, &m_job.m_cancel);
    if (!val.error.isEmpty()) {
        *error = QStringLiteral("tuning the thresholds on validation failed: %1").arg(val.error);
        return false;
    }
    task.thresholds = matrix.tunedThresholds();
    m_meta.task = task;
    const MultilabelReport tuned = MultilabelReport::compute(task.targets, matrix, task.thresholds);
    m_job.emitMessage(MessageLevel::Info, QStringLiteral("thresholds tuned on validation: micro-F1 %1 (at 0.5: %2)")
                                              .arg(tuned.microF1, 0, 'f', 3).arg(val.multilabel.microF1, 0, 'f', 3));
    return true;
}

FinishReport Trainer::finishRun(bool stoppedEarly, double lastValLoss, double lastValAccuracy)
{
    const TrainConfig &config = m_job.m_train;
    const QString runDir = m_job.runDir();
    FinishReport result;
    result.runDir = runDir;
    bool revalidate = !std::isfinite(lastValLoss); // a resume after the last epoch
    if (config.earlyStoppingPatience > 0 && QFile::exists(runfiles::bestWeightsPath(runDir))) {
        if (!loadWeights(runfiles::bestWeightsPath(runDir), m_module, &result.reason))
            return result;
        m_job.emitMessage(MessageLevel::Info, QStringLiteral("using the weights with the lowest validation loss (%1)")
                                                  .arg(m_state.bestValLoss, 0, 'f', 4));
        revalidate = true;
    }
    // Validation figures of the weights that are exported, not of the last epoch's.
    Validation val;
    val.loss = lastValLoss;
    val.accuracy = lastValAccuracy;
    if (revalidate) {
        val = validate();
        if (val.cancelled)
            return stopCancelled();
        if (!val.ran)
            val.loss = val.accuracy = std::nan("");
    }

    RunOutcome outcome;
    outcome.valLoss = val.loss;
    outcome.valAccuracy = val.accuracy;
    outcome.valSamples = int(m_valIndices.size());
    outcome.trainSamples = int(m_trainIndices.size());
    outcome.trainingSeconds = m_secondsBefore + m_clock.elapsed() / 1000.0;
    outcome.epochsTrained = m_state.epoch;
    outcome.steps = m_state.step;
    outcome.stoppedEarly = stoppedEarly;
    outcome.bestValLoss = m_state.bestValLoss;
    m_module.eval();
    if (m_job.m_task.isMultilabel() && !tuneThresholds(&result.reason))
        return result;
    if (m_testIndices.empty()) {
        m_job.emitMessage(MessageLevel::Warning, QStringLiteral("the dataset has no labeled test samples; report.json has no test metrics"));
    } else {
        outcome.hasTest = true;
        const PrecisionScope precision(m_job.m_precision);
        const TaskSpec &task = m_job.m_task;
        if (task.isRegression())
            outcome.test = evaluateRegression(m_module, m_dataset, m_testIndices, config.batchSize, task,
                                              /*subsets=*/true, nullptr, m_job.m_callbacks.progress, &m_job.m_cancel);
        else if (task.isMultilabel())
            outcome.test = evaluateMultilabel(m_module, m_dataset, m_testIndices, config.batchSize, task, /*subsets=*/true,
                                              nullptr, nullptr, m_job.m_callbacks.progress, &m_job.m_cancel);
        else
            outcome.test = evaluateModel(m_module, m_dataset, m_testIndices, config.batchSize, /*subsets=*/true, nullptr,
                                         m_job.m_callbacks.progress, &m_job.m_cancel);
        if (m_job.m_cancel.load())
            return stopCancelled();
        if (!outcome.test.error.isEmpty()) {
            result.reason = QStringLiteral("test evaluation failed: %1").arg(outcome.test.error);
            return result;
        }
    }
    if (!writeRunResults(runDir, m_module, m_meta, m_dataset, config, outcome, &result.reason))
        return result;
    result.ok = true;
    result.reason = stoppedEarly ? QStringLiteral("stopped early after epoch %1").arg(m_state.epoch)
                                 : QStringLiteral("trained %1 epochs").arg(m_state.epoch);
    return result;
}
