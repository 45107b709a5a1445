#include "core/train/trainingjob.h"

#include "core/dist/distributedenv.h"

#include "core/eval/modelio.h"
#include "core/model/modelfactory.h"
#include "core/train/runconfig.h"
#include "core/train/trainer.h"
#include "core/util/precision.h"
#include "core/util/threads.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonObject>
#include <algorithm>
#include <chrono>
#include <map>
#include <cmath>

namespace {

/** Copies every parameter and buffer of `from` whose name and shape match into `to`; returns those it could not. */
QStringList copyMatchingWeights(const torch::jit::Module &from, torch::jit::Module &to)
{
    std::map<std::string, at::Tensor> source;
    for (const auto &parameter : from.named_parameters(/*recurse=*/true))
        source.emplace(parameter.name, parameter.value);
    for (const auto &buffer : from.named_buffers(/*recurse=*/true))
        source.emplace(buffer.name, buffer.value);
    QStringList fresh;
    torch::NoGradGuard noGrad;
    auto copy = [&](const std::string &name, at::Tensor target) {
        const auto found = source.find(name);
        if (found != source.end() && found->second.sizes() == target.sizes())
            target.copy_(found->second);
        else
            fresh << QString::fromStdString(name);
    };
    for (const auto &parameter : to.named_parameters(/*recurse=*/true))
        copy(parameter.name, parameter.value);
    for (const auto &buffer : to.named_buffers(/*recurse=*/true))
        copy(buffer.name, buffer.value);
    return fresh;
}

} // namespace

void applyDatasetShapes(ModelConfig *model, const Dataset &dataset)
{
    const PreprocessConfig &pre = dataset.preprocess();
    model->numClasses = dataset.task() != TaskKind::Classify ? int(dataset.targetNames().size()) : int(dataset.labels().size());
    model->valueOutputs = dataset.task() == TaskKind::Regress;
    model->vocabSize = dataset.tokenizer().isLoaded() ? dataset.tokenizer().vocabSize() : pre.vocabSize;
    model->textLength = pre.textLength;
    model->imageSize = pre.imageSize;
    model->melBins = pre.mel.melBins;
    model->audioFrames = pre.audioFrames();
}

namespace {

/** What the exported meta.json tells a reader about token positions (for attention maps). */
QJsonObject tokenLayout(const torch::jit::Module &module, const ModelConfig &model, const PreprocessConfig &pre)
{
    const double hopSeconds = double(pre.mel.hopLength) / double(pre.mel.sampleRate);
    QJsonObject layout{
        {QStringLiteral("text_length"), model.textLength},
        {QStringLiteral("image_size"), model.imageSize},
        {QStringLiteral("mel_bins"), model.melBins},
        {QStringLiteral("audio_frames"), model.audioFrames},
        {QStringLiteral("audio_hop_seconds"), hopSeconds},
    };
    // Built-in models record how their encoders tile the inputs; external ones may not.
    const auto intAttribute = [&module](const char *name) -> std::int64_t {
        if (!module.hasattr(name))
            return 0;
        const c10::IValue value = module.attr(name);
        return value.isInt() ? value.toInt() : 0;
    };
    const std::int64_t gridH = intAttribute("image_grid_h");
    const std::int64_t gridW = intAttribute("image_grid_w");
    if (gridH > 0 && gridW > 0)
        layout.insert(QStringLiteral("image_grid"), QJsonArray{double(gridH), double(gridW)});
    if (const std::int64_t audioTokens = intAttribute("audio_tokens"); audioTokens > 0) {
        layout.insert(QStringLiteral("audio_tokens"), double(audioTokens));
        layout.insert(QStringLiteral("audio_token_seconds"), hopSeconds * model.audioFrames / double(audioTokens));
    }
    return layout;
}

bool readBytes(const QString &path, std::string *bytes)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    *bytes = file.readAll().toStdString();
    return true;
}

} // namespace

TrainingJob::TrainingJob(const QString &datasetPath, const DatasetOptions &datasetOptions, const ModelConfig &model,
                         const TrainConfig &train, const QString &runDir)
    : m_datasetPath(datasetPath), m_datasetOptions(datasetOptions), m_model(model), m_train(train), m_runDir(runDir)
{
}

TrainingJob::TrainingJob(std::shared_ptr<const Dataset> dataset, const ModelConfig &model, const TrainConfig &train,
                         const QString &runDir)
    : m_dataset(std::move(dataset)), m_model(model), m_train(train), m_runDir(runDir)
{
    if (m_dataset)
        m_datasetPath = m_dataset->root();
}

TrainingJob::~TrainingJob() = default;

std::unique_ptr<TrainingJob> TrainingJob::resumeRun(const QString &runDir, QString *error)
{
    QJsonObject json;
    if (!runfiles::readJsonFile(runfiles::configPath(runDir), &json, error))
        return nullptr;
    RunConfig config;
    if (!RunConfig::fromJson(json, &config, error))
        return nullptr;
    // Runs from before the precision setting trained in fp32; resume them so.
    if (!json.value(QStringLiteral("train")).toObject().contains(QStringLiteral("precision")))
        config.train.precision = QStringLiteral("fp32");
    if (!QFileInfo::exists(runfiles::lastCheckpointPath(runDir))) {
        if (error)
            *error = QStringLiteral("%1 holds no checkpoint to resume from").arg(QDir::toNativeSeparators(runDir));
        return nullptr;
    }
    // Same tokenizer and normalisation as the first session, so the features are identical.
    DatasetOptions options;
    options.columns = config.columns;
    options.preprocess = config.preprocess;
    options.frozenPreprocess = true;
    readBytes(runfiles::tokenizerPath(runDir), &options.tokenizerModel);
    auto job = std::make_unique<TrainingJob>(config.datasetPath, options, config.model, config.train, runDir);
    job->m_resume = true;
    job->m_expectedLabels = config.labels;
    if (json.contains(QStringLiteral("task"))) { // read the labels as the run did, with its standardisation
        job->m_task = config.task;
        job->m_taskRecorded = true;
        job->m_datasetOptions.task = requestFor(config.task.kind);
        job->m_datasetOptions.tagSeparator = config.task.tagSeparator;
    }
    return job;
}

void TrainingJob::requestPause()
{
    m_pauseRequested.store(true);
}

void TrainingJob::resume()
{
    {
        std::lock_guard<std::mutex> lock(m_pauseMutex);
        m_pauseRequested.store(false);
    }
    m_pauseChanged.notify_all();
}

void TrainingJob::cancel()
{
    {
        std::lock_guard<std::mutex> lock(m_pauseMutex);
        m_cancel.store(true);
    }
    m_pauseChanged.notify_all();
}

bool TrainingJob::waitWhilePaused()
{
    if (m_cancel.load())
        return false;
    if (!m_pauseRequested.load())
        return true;
    emitMessage(MessageLevel::Info, QStringLiteral("paused"));
    std::unique_lock<std::mutex> lock(m_pauseMutex);
    // Timed waits: a signal handler may set the cancel flag without notifying.
    while (m_pauseRequested.load() && !m_cancel.load())
        m_pauseChanged.wait_for(lock, std::chrono::milliseconds(200));
    lock.unlock();
    if (!m_cancel.load())
        emitMessage(MessageLevel::Info, QStringLiteral("resumed"));
    return !m_cancel.load();
}

void TrainingJob::emitMessage(MessageLevel level, const QString &text) const
{
    if (m_callbacks.message)
        m_callbacks.message(level, text);
}

FinishReport TrainingJob::finish(FinishReport report) const
{
    report.runDir = m_runDir;
    if (!report.ok && !report.cancelled)
        emitMessage(MessageLevel::Error, report.reason);
    if (m_callbacks.finished)
        m_callbacks.finished(report);
    return report;
}

FinishReport TrainingJob::run()
{
    FinishReport failed;
    try {
        std::optional<LoadedModel> initial;
        if (!prepare(&failed.reason, &initial))
            return finish(failed);
        if (!m_dataset) { // cancelled while loading
            failed.cancelled = true;
            failed.reason = QStringLiteral("cancelled while loading the dataset");
            return finish(failed);
        }
        torch::jit::Module module;
        ModelMeta meta;
        if (initial && m_initNeedsNewHead) {
            // Another task's model (a contrastive one has no outputs at all): the same architecture
            // built for this dataset, every weight whose name and shape match taken from the file.
            meta.model = initial->meta.model;
            applyDatasetShapes(&meta.model, *m_dataset);
            module = buildModel(meta.model, m_train.seed);
            const QStringList fresh = copyMatchingWeights(initial->module, module);
            emitMessage(MessageLevel::Info, QStringLiteral("fine-tuning %1's encoders%2; new for this task: %3")
                                                .arg(QFileInfo(m_train.initModel).fileName(),
                                                     m_train.freezeEncoders ? QStringLiteral(" (frozen: a linear probe)") : QString(),
                                                     fresh.isEmpty() ? QStringLiteral("nothing") : fresh.join(QStringLiteral(", "))));
        } else if (initial) {
            module = initial->module;
            meta.builtIn = initial->hasMeta && initial->meta.builtIn;
            meta.model = initial->hasMeta ? initial->meta.model : m_model;
        } else {
            module = buildModel(m_model, m_train.seed);
            meta.model = m_model;
        }
        meta.tokenLayout = tokenLayout(module, m_model, m_dataset->preprocess());
        meta.task = m_task;
        Trainer trainer(*this, *m_dataset, module, meta);
        return finish(trainer.train(m_resume));
    } catch (const std::exception &e) {
        failed.reason = torchErrorSentence(e);
        return finish(failed);
    }
}

bool TrainingJob::prepare(QString *error, std::optional<LoadedModel> *initial)
{
    *error = m_train.validate();
    if (!error->isEmpty())
        return false;
    // Ranks sharing a host share its cores (torchrun and srun start them; --nproc-per-node passes --threads).
    DistributedEnv distributed;
    if (!processDistributedEnv(&distributed, error))
        return false;
    configureComputeThreads(m_train.threads > 0 || distributed.localWorldSize <= 1
                                ? m_train.threads
                                : std::max(1, availableCores() / distributed.localWorldSize));
    QString precisionWhy;
    m_precision = resolvePrecision(m_train.precision, &precisionWhy);
    m_train.precision = precisionName(m_precision); // what config.json records, so a resume matches
    emitMessage(MessageLevel::Info, QStringLiteral("precision: %1").arg(precisionWhy));

    if (!m_train.initModel.isEmpty()) {
        *initial = loadModelFile(m_train.initModel, error);
        if (!*initial)
            return false;
        const LoadedModel &loaded = **initial;
        // A fine-tuned model must read text and pixels exactly as it was trained to.
        if (!m_dataset && !m_resume && !loaded.tokenizerModel.empty())
            m_datasetOptions.tokenizerModel = loaded.tokenizerModel;
        if (!m_dataset && !m_resume && loaded.hasMeta && loaded.meta.hasPreprocess()) {
            m_datasetOptions.preprocess = loaded.meta.preprocess;
            m_datasetOptions.frozenPreprocess = true;
        }
    }

    if (!m_dataset) {
        if (!m_taskRecorded)
            parseTaskRequest(m_train.task, &m_datasetOptions.task); // validated above
        m_dataset = Dataset::load(m_datasetPath, m_datasetOptions, m_callbacks.progress, &m_cancel);
        if (!m_dataset)
            return true; // cancelled
        if (!m_dataset->loadError().isEmpty()) {
            *error = m_dataset->loadError();
            return false;
        }
    }
    if (!m_dataset->issues().isEmpty()) {
        emitMessage(MessageLevel::Warning, QStringLiteral("%1 data issue(s); the first: %2")
                                               .arg(m_dataset->issues().size())
                                               .arg(m_dataset->issues().first().toString()));
    }
    if (!chooseTargets(error) || !resolveTask(error))
        return false;
    if (m_resume && !m_expectedLabels.isEmpty() && m_expectedLabels != m_dataset->labels()) {
        *error = QStringLiteral("the dataset's classes changed since the run started (%1 then, %2 now)")
                     .arg(m_expectedLabels.join(QLatin1Char(',')), m_dataset->labels().join(QLatin1Char(',')));
        return false;
    }
    applyDatasetShapes(&m_model, *m_dataset);
    if (!m_task.hasTaskOutputs()) {
        m_model.numClasses = 0; // never taught the labels: "logits" is [B, 0]
        m_model.valueOutputs = false;
    }
    if (m_train.epochs == 0) {
        std::int64_t trainSamples = 0;
        const bool everySample = m_task.isAligned() || m_task.objective == Objective::Reconstruct;
        for (int index : m_dataset->indices(Split::Train)) // a self-supervised run trains on every sample
            trainSamples += m_dataset->hasTarget(index) || everySample ? 1 : 0;
        if (!everySample) // a share of the labels is a share of the steps per epoch
            trainSamples = std::int64_t(std::llround(double(trainSamples) * m_train.labelFraction));
        m_train.epochs = m_train.resolvedEpochs(trainSamples);
        emitMessage(MessageLevel::Info, QStringLiteral("epochs: auto, %1 (about %2 steps of %3 samples)")
                                            .arg(m_train.epochs)
                                            .arg(TrainConfig::kAutoEpochSteps)
                                            .arg(m_train.batchSize));
    }
    if (*initial) {
        ModelMeta shapes;
        shapes.preprocess = m_dataset->preprocess();
        const QString broken = checkModelContract((*initial)->module, shapes, m_model.numClasses);
        const LoadedModel &loaded = **initial;
        const bool otherOutputs = loaded.hasMeta && loaded.meta.builtIn && m_model.numClasses > 0
                                  && (loaded.meta.task.kind != m_task.kind || !loaded.meta.task.hasTaskOutputs()
                                      || loaded.meta.task.targets != m_task.targets || loaded.meta.labels != m_dataset->labels());
        if (!broken.isEmpty() && otherOutputs) {
            m_initNeedsNewHead = true; // the task head is rebuilt; the rest must still fit the data
        } else if (!broken.isEmpty()) {
            *error = QStringLiteral("%1 cannot be fine-tuned on this dataset: %2").arg(m_train.initModel, broken);
            return false;
        }
    } else {
        *error = m_model.validate();
        if (!error->isEmpty())
            return false;
    }
    // In a distributed run only rank 0 writes the run folder; the others only read it to resume.
    return distributed.isRoot() ? prepareRunFolder(error) : true;
}

bool TrainingJob::chooseTargets(QString *error)
{
    // A resumed run learns what it recorded, even if the dataset has gained targets since.
    const QStringList chosen = m_taskRecorded && m_task.hasTargets() ? m_task.targets : m_train.targets;
    if (chosen.isEmpty())
        return true;
    QString why;
    std::shared_ptr<const Dataset> view = Dataset::keepingTargets(m_dataset, chosen, &why);
    if (!view) {
        *error = QStringLiteral("%1: %2").arg(QDir::toNativeSeparators(m_datasetPath), why);
        return false;
    }
    if (view == m_dataset)
        return true; // all of them
    const QString kind = m_dataset->task() == TaskKind::Regress ? QStringLiteral("targets") : QStringLiteral("tags");
    emitMessage(MessageLevel::Info, QStringLiteral("learning %1 of the dataset's %2 %3")
                                        .arg(view->targetNames().join(QStringLiteral(", ")), kind,
                                             m_dataset->targetNames().join(QStringLiteral(", "))));
    m_dataset = std::move(view);
    return true;
}

bool TrainingJob::resolveTask(QString *error)
{
    if (m_train.reconstruct) {
        m_task = TaskSpec();
        m_task.objective = Objective::Reconstruct;
        m_task.loss = QStringLiteral("masked_reconstruction");
        const int classes = m_dataset->task() == TaskKind::Classify ? int(m_dataset->labels().size()) : 0;
        emitMessage(MessageLevel::Info, QStringLiteral("task: reconstruct, hiding one modality of each sample and predicting its "
                                                       "input from the others' fused embedding; %1")
                                            .arg(classes > 0 ? QStringLiteral("the %1 classes are used only to measure the embedding "
                                                                              "(linear probe, k-NN)").arg(classes)
                                                             : QStringLiteral("no class labels are needed")));
        return true;
    }
    if (!m_train.supervised) {
        // The labels, whatever they are, only measure the embeddings after training.
        m_task = TaskSpec();
        m_task.objective = Objective::Contrastive;
        m_task.loss = QStringLiteral("infonce");
        const int classes = m_dataset->task() == TaskKind::Classify ? int(m_dataset->labels().size()) : 0;
        emitMessage(MessageLevel::Info, QStringLiteral("task: contrastive, aligning each sample's modalities (InfoNCE); %1")
                                            .arg(classes > 0 ? QStringLiteral("the %1 classes are used only to measure the embeddings "
                                                                              "(linear probe, k-NN, class-level retrieval)").arg(classes)
                                                             : QStringLiteral("no class labels are needed")));
        return true;
    }
    if (!resolveLabelTask(error))
        return false;
    if (m_train.contrastiveWeight > 0.0)
        m_task.objective = Objective::SemiSupervised;
    return true;
}

bool TrainingJob::resolveLabelTask(QString *error)
{
    const QString where = QDir::toNativeSeparators(m_datasetPath);
    if (m_dataset->task() == TaskKind::Classify) {
        if (m_taskRecorded && m_task.hasTargets()) {
            *error = QStringLiteral("the run learned %1, but the dataset's labels now read as classes").arg(m_task.targets.join(QStringLiteral(", ")));
            return false;
        }
        m_task = TaskSpec();
        if (m_dataset->labels().size() < 2) {
            *error = QStringLiteral("the dataset at %1 has %2 class(es); training needs at least two")
                         .arg(where)
                         .arg(m_dataset->labels().size());
            return false;
        }
        emitMessage(MessageLevel::Info, QStringLiteral("task: %1").arg(m_dataset->manifest().taskReason));
        return true;
    }
    const QStringList names = m_dataset->targetNames();
    if (m_taskRecorded) {
        if (m_task.kind != m_dataset->task() || m_task.targets != names) {
            *error = QStringLiteral("the dataset's targets changed since the run started (%1 then, %2 now)")
                         .arg(m_task.targets.join(QLatin1Char(',')), names.join(QLatin1Char(',')));
            return false;
        }
        return true;
    }
    if (m_dataset->task() == TaskKind::Multilabel)
        return resolveTags(error);
    // Standardise each target on the train split, so every target weighs alike in the loss and
    // the output layer starts at the right scale; meta.json records how to undo it.
    m_task = TaskSpec();
    m_task.kind = TaskKind::Regress;
    m_task.targets = names;
    m_task.loss = m_train.regressionLoss;
    std::vector<double> count(std::size_t(names.size()), 0.0);
    std::vector<double> sum(count.size(), 0.0);
    std::vector<double> squares(count.size(), 0.0);
    for (int index : m_dataset->indices(Split::Train)) {
        const std::vector<float> &values = m_dataset->record(index).targets;
        for (std::size_t k = 0; k < values.size() && k < count.size(); ++k) {
            if (std::isfinite(values[k])) {
                count[k] += 1.0;
                sum[k] += values[k];
                squares[k] += double(values[k]) * values[k];
            }
        }
    }
    for (std::size_t k = 0; k < count.size(); ++k) {
        if (count[k] < 2) {
            *error = QStringLiteral("target \"%1\" has %2 value(s) in the train split of %3; a regression needs at least two")
                         .arg(names.at(int(k))).arg(count[k]).arg(where);
            return false;
        }
        const double mean = sum[k] / count[k];
        const double variance = std::max(0.0, squares[k] / count[k] - mean * mean);
        double deviation = std::sqrt(variance);
        if (!(deviation > 1e-12)) {
            emitMessage(MessageLevel::Warning, QStringLiteral("target \"%1\" is constant (%2) in the train split: "
                                                              "nothing to learn").arg(names.at(int(k))).arg(mean));
            deviation = 1.0;
        }
        m_task.mean.push_back(mean);
        m_task.std.push_back(deviation);
    }
    QStringList scales;
    for (std::size_t k = 0; k < count.size(); ++k)
        scales << QStringLiteral("%1 %2 ± %3").arg(names.at(int(k))).arg(m_task.mean[k], 0, 'g', 4).arg(m_task.std[k], 0, 'g', 4);
    emitMessage(MessageLevel::Info, QStringLiteral("task: %1; %2 loss on standardised targets (%3)")
                                        .arg(m_dataset->manifest().taskReason, m_task.loss, scales.join(QStringLiteral(", "))));
    return true;
}

bool TrainingJob::resolveTags(QString *error)
{
    const QStringList tags = m_dataset->targetNames();
    m_task = TaskSpec();
    m_task.kind = TaskKind::Multilabel;
    m_task.targets = tags;
    m_task.loss = QStringLiteral("bce");
    m_task.tagSeparator = m_datasetOptions.tagSeparator;
    m_task.thresholds.assign(std::size_t(tags.size()), 0.5); // until validation tunes them
    const std::vector<int> train = m_dataset->indices(Split::Train);
    std::vector<double> positives(std::size_t(tags.size()), 0.0);
    double labeled = 0.0;
    for (int index : train) {
        const std::vector<float> &values = m_dataset->record(index).targets;
        if (values.size() != positives.size())
            continue;
        labeled += 1.0;
        for (std::size_t k = 0; k < values.size(); ++k)
            positives[k] += values[k] > 0.5f ? 1.0 : 0.0;
    }
    if (tags.isEmpty() || labeled < 2) {
        *error = QStringLiteral("the train split of %1 has %2 sample(s) with tags; training needs at least two")
                     .arg(QDir::toNativeSeparators(m_datasetPath)).arg(labeled);
        return false;
    }
    QStringList never;
    for (std::size_t k = 0; k < positives.size(); ++k) {
        if (positives[k] == 0.0 || positives[k] == labeled)
            never << tags.at(int(k));
    }
    if (!never.isEmpty())
        emitMessage(MessageLevel::Warning, QStringLiteral("tag(s) %1 are on every train sample or on none: nothing to learn for them")
                                               .arg(never.join(QStringLiteral(", "))));
    if (m_train.classWeights == QLatin1String("balanced")) {
        // BCE's pos_weight = negatives / positives: a rare tag's misses cost as much as its false alarms in total.
        for (double count : positives)
            m_task.posWeight.push_back(count > 0.0 && count < labeled ? (labeled - count) / count : 1.0);
    }
    emitMessage(MessageLevel::Info, QStringLiteral("task: %1; %2 tags, binary cross-entropy per tag%3")
                                        .arg(m_dataset->manifest().taskReason).arg(tags.size())
                                        .arg(m_task.posWeight.empty() ? QString() : QStringLiteral(" with balanced positive weights")));
    return true;
}

bool TrainingJob::prepareRunFolder(QString *error)
{
    if (!QDir().mkpath(runfiles::checkpointDir(m_runDir))) {
        *error = QStringLiteral("cannot create the run folder %1").arg(QDir::toNativeSeparators(m_runDir));
        return false;
    }
    if (m_resume)
        return true;
    if (QFileInfo::exists(runfiles::configPath(m_runDir)) || QFileInfo::exists(runfiles::lastCheckpointPath(m_runDir))) {
        *error = QStringLiteral("%1 already holds a run; resume it or choose another folder")
                     .arg(QDir::toNativeSeparators(m_runDir));
        return false;
    }
    RunConfig config;
    config.datasetPath = QFileInfo(m_datasetPath).absoluteFilePath();
    config.columns = m_datasetOptions.columns;
    config.preprocess = m_dataset->preprocess();
    config.labels = m_dataset->labels();
    config.task = m_task;
    config.model = m_model;
    config.train = m_train;
    QJsonObject json = config.toJson();
    DistributedEnv distributed; // read (and checked) by prepare()
    processDistributedEnv(&distributed, error);
    if (distributed.isDistributed()) // what the run was, for the record; a resume may use another world size
        json.insert(QStringLiteral("distributed"), QJsonObject{{QStringLiteral("world_size"), distributed.worldSize},
                                                               {QStringLiteral("launcher"), distributed.launcher}});
    if (!runfiles::writeJsonFile(runfiles::configPath(m_runDir), json, error))
        return false;
    const std::string tokenizer = m_dataset->tokenizer().serialized();
    QFile file(runfiles::tokenizerPath(m_runDir));
    if (!file.open(QIODevice::WriteOnly) || file.write(tokenizer.data(), qint64(tokenizer.size())) != qint64(tokenizer.size())) {
        *error = QStringLiteral("cannot write %1: %2").arg(file.fileName(), file.errorString());
        return false;
    }
    return true;
}
