// Time to explain one sample: every attention map, rollout, heats, exact Shapley over the
// modality subsets and gradient × input. Without arguments: the default attention model
// (ModelConfig defaults, demo shapes) on a synthetic sample. With MODEL DATASET: a trained
// model on the dataset's test samples, through the Explainer the CLI uses. Prints one JSON
// object; the figure to compare with the 50 ms goal is median_ms. Environment: ITERATIONS
// (default 50), THREADS (intra-op threads; default all cores).

#include "core/data/batch.h"
#include "core/explain/contributions.h"
#include "core/explain/explainer.h"
#include "core/model/modelfactory.h"
#include "core/util/threads.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QElapsedTimer>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <functional>

namespace {

double processCpuMs()
{
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return double(now.tv_sec) * 1e3 + double(now.tv_nsec) / 1e6;
}

QJsonObject timeIt(const std::function<void(int)> &once, int iterations)
{
    for (int i = 0; i < 3; ++i) // warm-up: first calls pay for TorchScript's profiling runs
        once(i);
    std::vector<double> ms;
    std::vector<double> cpuMs;
    QElapsedTimer clock;
    for (int i = 0; i < iterations; ++i) {
        const double cpuStart = processCpuMs();
        clock.start();
        once(i);
        ms.push_back(clock.nsecsElapsed() / 1e6);
        cpuMs.push_back(processCpuMs() - cpuStart);
    }
    std::sort(ms.begin(), ms.end());
    std::sort(cpuMs.begin(), cpuMs.end());
    double sum = 0.0;
    for (double value : ms)
        sum += value;
    // Wall time depends on what else the cores run; CPU time (all threads) is the work itself.
    return {{QStringLiteral("iterations"), iterations}, {QStringLiteral("median_ms"), ms[ms.size() / 2]},
            {QStringLiteral("mean_ms"), sum / double(ms.size())}, {QStringLiteral("min_ms"), ms.front()},
            {QStringLiteral("p90_ms"), ms[std::min(ms.size() - 1, ms.size() * 9 / 10)]},
            {QStringLiteral("median_cpu_ms"), cpuMs[cpuMs.size() / 2]}};
}

QJsonObject syntheticDefault(int iterations)
{
    ModelConfig config; // the default: attention fusion, transformer text, CNN image and audio
    config.numClasses = 9;
    config.vocabSize = 80;
    config.textLength = 16;
    config.imageSize = 64;
    config.melBins = 64;
    config.audioFrames = 94;
    torch::jit::Module module = buildModel(config, /*seed=*/1);
    module.eval();
    torch::manual_seed(3);
    Batch one;
    one.text = torch::zeros({1, config.textLength}, torch::kInt64);
    one.text.slice(1, 0, 6).copy_(torch::randint(2, config.vocabSize, {1, 6}, torch::kInt64));
    one.image = torch::randn({1, 3, config.imageSize, config.imageSize});
    one.audio = torch::randn({1, 1, config.melBins, config.audioFrames});
    one.present = torch::ones({1, 3});
    one.labels = torch::zeros({1}, torch::kInt64);
    one.indices = {0};

    SampleExplanation sample;
    sample.geometry.textLength = config.textLength;
    sample.geometry.imageSize = config.imageSize;
    sample.geometry.audioFrames = config.audioFrames;
    sample.present = {true, true, true};
    sample.textValid.assign(16, false);
    std::fill_n(sample.textValid.begin(), 6, true);
    sample.imageWidth = sample.imageHeight = 64;
    double efficiency = 0.0;
    QJsonObject result = timeIt([&](int) {
        SampleForward forward = explainOne(module, one, /*gradInput=*/true);
        sample.maps = std::move(forward.maps);
        summariseAttention(&sample);
        efficiency = std::max(efficiency, forward.contribution.efficiencyError());
    }, iterations);
    result.insert(QStringLiteral("model"), QStringLiteral("default attention model (synthetic sample)"));
    result.insert(QStringLiteral("attention_maps"), int(sample.maps.size()));
    result.insert(QStringLiteral("max_efficiency_error"), efficiency);
    return result;
}

QJsonObject trained(const QString &modelPath, const QString &datasetPath, int iterations)
{
    QString error;
    std::unique_ptr<Explainer> explainer = Explainer::open(modelPath, &error);
    if (!explainer)
        return {{QStringLiteral("error"), error}};
    const std::shared_ptr<Dataset> dataset = Dataset::load(datasetPath, explainer->datasetOptions());
    if (!dataset || !dataset->loadError().isEmpty())
        return {{QStringLiteral("error"), dataset ? dataset->loadError() : QStringLiteral("cancelled")}};
    error = explainer->attach(dataset);
    if (!error.isEmpty())
        return {{QStringLiteral("error"), error}};
    std::vector<int> indices = dataset->indices(Split::Test);
    if (indices.empty())
        return {{QStringLiteral("error"), QStringLiteral("no test samples")}};
    int maps = 0;
    QJsonObject result = timeIt([&](int i) {
        const SampleExplanation sample = explainer->explainSample(indices[std::size_t(i) % indices.size()]);
        maps = int(sample.maps.size());
    }, iterations);
    result.insert(QStringLiteral("model"), modelPath);
    result.insert(QStringLiteral("fusion"), explainer->fusionName());
    result.insert(QStringLiteral("attention_maps"), maps);
    return result;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    configureComputeThreads(qEnvironmentVariableIntValue("THREADS"));
    const int iterations = qEnvironmentVariableIntValue("ITERATIONS") > 0 ? qEnvironmentVariableIntValue("ITERATIONS") : 50;
    QJsonObject result = argc >= 3 ? trained(QString::fromLocal8Bit(argv[1]), QString::fromLocal8Bit(argv[2]), iterations)
                                   : syntheticDefault(iterations);
    result.insert(QStringLiteral("threads"), at::get_num_threads());
    std::printf("%s\n", QJsonDocument(result).toJson(QJsonDocument::Compact).constData());
    return result.contains(QStringLiteral("error")) ? 1 : 0;
}
