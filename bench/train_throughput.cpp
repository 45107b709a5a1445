// Training throughput of FusionScope's own pipeline, for bench/train_throughput.sh to compare
// with the Python peer (train_throughput_peer.py) on the same model and the same batches.
//
//   bench_train_throughput steady DATASET OUT [FUSION]
//       Loads DATASET (feature cache warm after the first call), writes OUT/model.pt (an
//       untrained export of the default model with FUSION) and OUT/batches.pt (the first
//       epoch's shuffled batches, for the peer), then trains two epochs through TrainingJob —
//       the product's path: batch loader, prefetch, AdamW, clipping, checkpoints — and reports
//       the second epoch's samples/s.
//   bench_train_throughput first-epoch DATASET OUT [FUSION]
//       From raw files (the caller removed the feature cache): wall time from start until the
//       first epoch's last training step, dataset decoding included.
//
// Prints one JSON object. Environment: THREADS (intra-op threads; default all cores),
// BATCHES (batches written for the peer; default 20), LAYERS (fusion depth; default the fusion's),
// PRECISION (fp32|bf16|auto; default the product's default, auto), OBJECTIVE (supervised|contrastive;
// contrastive trains `--task contrastive`: symmetric InfoNCE between the per-modality embeddings,
// on every train sample, and the peer's batches carry each row's file ids for its negatives).

#include "core/data/batchloader.h"
#include "core/eval/modelio.h"
#include "core/eval/retrieval.h"
#include "core/model/modelfactory.h"
#include "core/train/trainingjob.h"
#include "core/util/threads.h"

#include <torch/csrc/jit/serialization/pickle.h>

#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>

#include <chrono>
#include <cstdio>

namespace {

using Clock = std::chrono::steady_clock;

bool contrastive()
{
    return qEnvironmentVariable("OBJECTIVE") == QLatin1String("contrastive");
}

TrainConfig benchTrainConfig(int epochs)
{
    TrainConfig train; // defaults, as a user would train
    train.epochs = epochs;
    train.threads = qEnvironmentVariableIntValue("THREADS");
    if (qEnvironmentVariableIsSet("PRECISION"))
        train.precision = qEnvironmentVariable("PRECISION");
    if (contrastive())
        train.setTaskName(QStringLiteral("contrastive"));
    return train;
}

/** The peer trains on exactly these tensors: epoch 0's shuffled batches, as the trainer draws them. */
bool writePeerBatches(const Dataset &dataset, const TrainConfig &train, const QString &path, QString *error)
{
    std::vector<int> indices;
    for (int index : dataset.indices(Split::Train)) {
        if (contrastive() || dataset.labelIndex(index) >= 0) // the alignment needs no label
            indices.push_back(index);
    }
    const torch::Tensor sources = modalitySources(dataset);
    BatchLoader loader(dataset, indices, train.batchSize, /*shuffle=*/true, train.seed, /*dropLast=*/true);
    loader.startEpoch(0);
    const int wanted = qEnvironmentVariableIntValue("BATCHES") > 0 ? qEnvironmentVariableIntValue("BATCHES") : 20;
    c10::impl::GenericList batches(c10::AnyType::get());
    Batch batch;
    for (int i = 0; i < wanted && loader.next(&batch); ++i) {
        c10::impl::GenericDict dict(c10::StringType::get(), c10::TensorType::get());
        dict.insert("text", batch.text);
        dict.insert("image", batch.image);
        dict.insert("audio", batch.audio);
        dict.insert("present", batch.present);
        dict.insert("labels", batch.labels);
        if (contrastive()) {
            const torch::Tensor rows = torch::tensor(std::vector<std::int64_t>(batch.indices.begin(), batch.indices.end()));
            dict.insert("sources", sources.index_select(0, rows));
        }
        batches.push_back(dict);
    }
    const std::vector<char> bytes = torch::pickle_save(c10::IValue(batches));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes.data(), qint64(bytes.size())) != qint64(bytes.size())) {
        *error = QStringLiteral("cannot write %1").arg(path);
        return false;
    }
    return true;
}

bool writeUntrainedModel(const Dataset &dataset, ModelConfig config, const QString &path, QString *error)
{
    applyDatasetShapes(&config, dataset);
    ModelMeta meta;
    meta.labels = dataset.labels();
    meta.preprocess = dataset.preprocess();
    meta.model = config;
    return saveModelFile(path, buildModel(config, /*seed=*/1), meta, dataset.tokenizer().serialized(), error);
}

QJsonObject steady(const QString &datasetPath, const QString &out, const ModelConfig &model)
{
    const std::shared_ptr<const Dataset> dataset = Dataset::load(datasetPath);
    if (!dataset || !dataset->loadError().isEmpty())
        return {{QStringLiteral("error"), dataset ? dataset->loadError() : QStringLiteral("cancelled")}};
    const TrainConfig train = benchTrainConfig(2);
    QString error;
    if (!writeUntrainedModel(*dataset, model, out + QStringLiteral("/model.pt"), &error)
        || !writePeerBatches(*dataset, train, out + QStringLiteral("/batches.pt"), &error))
        return {{QStringLiteral("error"), error}};

    QDir(out + QStringLiteral("/run")).removeRecursively();
    TrainingJob job(dataset, model, train, out + QStringLiteral("/run"));
    // Steady state: the second epoch, from its first step's end to its last step's end.
    Clock::time_point first;
    Clock::time_point last;
    std::int64_t samples = 0;
    int steps = 0;
    TrainingCallbacks callbacks;
    callbacks.stepFinished = [&](const StepReport &step) {
        if (step.epoch != 1)
            return;
        last = Clock::now();
        if (steps++ == 0)
            first = last;
        else
            samples += train.batchSize;
    };
    job.setCallbacks(callbacks);
    const FinishReport report = job.run();
    if (!report.ok)
        return {{QStringLiteral("error"), report.reason}};
    const double seconds = std::chrono::duration<double>(last - first).count();
    return {{QStringLiteral("samples_per_second"), double(samples) / seconds},
            {QStringLiteral("steps_timed"), steps - 1},
            {QStringLiteral("batch_size"), train.batchSize},
            {QStringLiteral("precision"), job.trainConfig().precision}};
}

QJsonObject firstEpoch(const QString &datasetPath, const QString &out, const ModelConfig &model)
{
    const auto start = Clock::now();
    QDir(out + QStringLiteral("/first")).removeRecursively();
    TrainingJob job(datasetPath, DatasetOptions{}, model, benchTrainConfig(1), out + QStringLiteral("/first"));
    double loadSeconds = 0.0;
    double epochSeconds = 0.0;
    qint64 steps = 0;
    TrainingCallbacks callbacks;
    callbacks.stepFinished = [&](const StepReport &step) {
        const double now = std::chrono::duration<double>(Clock::now() - start).count();
        if (step.step == 1)
            loadSeconds = now; // decoding, cache writing, model building and the first step
        epochSeconds = now;
        steps = step.step;
    };
    job.setCallbacks(callbacks);
    const FinishReport report = job.run();
    if (!report.ok)
        return {{QStringLiteral("error"), report.reason}};
    return {{QStringLiteral("first_epoch_seconds"), epochSeconds},
            {QStringLiteral("until_first_step_seconds"), loadSeconds},
            {QStringLiteral("steps"), steps}};
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (argc < 4) {
        std::fprintf(stderr, "usage: %s steady|first-epoch DATASET OUT [FUSION]\n", argv[0]);
        return 2;
    }
    configureComputeThreads(qEnvironmentVariableIntValue("THREADS"));
    const QString mode = QString::fromLocal8Bit(argv[1]);
    const QString dataset = QString::fromLocal8Bit(argv[2]);
    const QString out = QString::fromLocal8Bit(argv[3]);
    QDir().mkpath(out);
    ModelConfig model;
    if (argc > 4)
        model.fusion = QString::fromLocal8Bit(argv[4]);
    model.layers = qEnvironmentVariableIntValue("LAYERS");
    QJsonObject result = mode == QLatin1String("steady") ? steady(dataset, out, model) : firstEpoch(dataset, out, model);
    result.insert(QStringLiteral("fusion"), model.fusion);
    result.insert(QStringLiteral("objective"), contrastive() ? QStringLiteral("contrastive") : QStringLiteral("supervised"));
    result.insert(QStringLiteral("fusion_layers"), model.fusionLayers());
    result.insert(QStringLiteral("threads"), at::get_num_threads());
    std::printf("%s\n", QJsonDocument(result).toJson(QJsonDocument::Compact).constData());
    return result.contains(QStringLiteral("error")) ? 1 : 0;
}
