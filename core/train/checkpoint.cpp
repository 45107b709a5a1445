#include "core/train/checkpoint.h"

#include "core/eval/archiveintegrity.h"
#include "core/util/atomicfile.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <mutex>
#include <sstream>

namespace {

constexpr std::int64_t kCheckpointFormat = 1;

/** Parameters then buffers, in the module's registration order, with their dotted names. */
void namedTensors(const torch::jit::Module &module, std::vector<std::string> *names, std::vector<at::Tensor> *tensors)
{
    for (const auto &item : module.named_parameters(/*recurse=*/true)) {
        names->push_back("param:" + item.name);
        tensors->push_back(item.value);
    }
    for (const auto &item : module.named_buffers(/*recurse=*/true)) {
        names->push_back("buffer:" + item.name);
        tensors->push_back(item.value);
    }
}

void writeWeights(torch::serialize::OutputArchive &archive, const torch::jit::Module &module)
{
    std::vector<std::string> names;
    std::vector<at::Tensor> tensors;
    namedTensors(module, &names, &tensors);
    c10::List<std::string> nameList;
    c10::List<at::Tensor> tensorList;
    for (std::size_t i = 0; i < names.size(); ++i) {
        nameList.push_back(names[i]);
        tensorList.push_back(tensors[i].detach().clone());
    }
    archive.write("weight_names", c10::IValue(nameList));
    archive.write("weights", c10::IValue(tensorList));
}

/** Copies saved tensors into the module; a mismatch names the first tensor that differs. */
bool readWeights(torch::serialize::InputArchive &archive, torch::jit::Module &module, QString *error)
{
    c10::IValue namesValue;
    c10::IValue tensorsValue;
    archive.read("weight_names", namesValue);
    archive.read("weights", tensorsValue);
    const auto savedNames = namesValue.toList();
    const auto savedTensors = tensorsValue.toTensorList();
    std::vector<std::string> names;
    std::vector<at::Tensor> tensors;
    namedTensors(module, &names, &tensors);
    if (savedNames.size() != names.size()) {
        *error = QStringLiteral("it holds %1 tensors but the model has %2 (a different model configuration?)")
                     .arg(savedNames.size())
                     .arg(names.size());
        return false;
    }
    torch::NoGradGuard noGrad;
    for (std::size_t i = 0; i < names.size(); ++i) {
        const std::string savedName = savedNames.get(i).toStringRef();
        const at::Tensor saved = savedTensors.get(i);
        if (savedName != names[i] || !saved.sizes().equals(tensors[i].sizes())) {
            *error = QStringLiteral("its tensor \"%1\" does not match the model's \"%2\"")
                         .arg(QString::fromStdString(savedName), QString::fromStdString(names[i]));
            return false;
        }
        tensors[i].copy_(saved);
    }
    return true;
}

/** Serialises in memory first, so a full disk fails one checked write, never torch's stream. */
bool commitArchive(torch::serialize::OutputArchive &archive, const QString &path, QString *error)
{
    std::ostringstream bytes;
    archive.save_to(bytes);
    const std::string data = bytes.str();
    return writeFileAtomically(path, data.data(), qint64(data.size()), error);
}

template<typename T>
T readScalar(torch::serialize::InputArchive &archive, const char *key);

template<>
std::int64_t readScalar(torch::serialize::InputArchive &archive, const char *key)
{
    c10::IValue value;
    archive.read(key, value);
    return value.toInt();
}

template<>
double readScalar(torch::serialize::InputArchive &archive, const char *key)
{
    c10::IValue value;
    archive.read(key, value);
    return value.toDouble();
}

TrainState readState(torch::serialize::InputArchive &archive)
{
    TrainState s;
    s.epoch = int(readScalar<std::int64_t>(archive, "epoch"));
    s.batchInEpoch = int(readScalar<std::int64_t>(archive, "batch_in_epoch"));
    s.step = readScalar<std::int64_t>(archive, "step");
    s.bestValLoss = readScalar<double>(archive, "best_val_loss");
    s.badEpochs = int(readScalar<std::int64_t>(archive, "bad_epochs"));
    s.epochLossSum = readScalar<double>(archive, "epoch_loss_sum");
    s.epochSamples = readScalar<std::int64_t>(archive, "epoch_samples");
    s.windowLossSum = readScalar<double>(archive, "window_loss_sum");
    s.windowSteps = int(readScalar<std::int64_t>(archive, "window_steps"));
    s.trainingSeconds = readScalar<double>(archive, "training_seconds");
    return s;
}

/** Opens a checkpoint or weights file after checking it: LibTorch's reader trusts the lengths
 *  and CRCs in the file (one changed integer made it reserve 4 GB), and blocks on a FIFO. */
bool openArchive(const QString &path, torch::serialize::InputArchive &archive, QString *error)
{
    const QString problem = verifyModelArchive(path);
    if (!problem.isEmpty()) {
        *error = problem;
        return false;
    }
    archive.load_from(QFile::encodeName(path).toStdString());
    return true;
}

QString failure(const QString &path, const char *what, const std::exception &e)
{
    // c10 messages carry a backtrace after the first line; the first line is the reason.
    const QString reason = QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0);
    return QStringLiteral("cannot %1 checkpoint %2: %3").arg(QLatin1String(what), QDir::toNativeSeparators(path), reason);
}

} // namespace

at::Tensor cpuGeneratorState()
{
    at::Generator generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    return generator.get_state();
}

void setCpuGeneratorState(const at::Tensor &state)
{
    at::Generator generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(state);
}

bool saveCheckpoint(const QString &path, const torch::jit::Module &module, torch::optim::Optimizer &optimizer,
                    const TrainState &state, QString *error, const at::Tensor &rankGenerators)
{
    try {
        torch::serialize::OutputArchive archive;
        archive.write("format", c10::IValue(kCheckpointFormat));
        writeWeights(archive, module);
        torch::serialize::OutputArchive optimizerArchive;
        optimizer.save(optimizerArchive);
        archive.write("optimizer", optimizerArchive);
        archive.write("rng_torch_cpu", cpuGeneratorState(), /*is_buffer=*/true);
        if (rankGenerators.defined())
            archive.write("rng_torch_cpu_ranks", rankGenerators, /*is_buffer=*/true);
        archive.write("epoch", c10::IValue(std::int64_t(state.epoch)));
        archive.write("batch_in_epoch", c10::IValue(std::int64_t(state.batchInEpoch)));
        archive.write("step", c10::IValue(state.step));
        archive.write("best_val_loss", c10::IValue(state.bestValLoss));
        archive.write("bad_epochs", c10::IValue(std::int64_t(state.badEpochs)));
        archive.write("epoch_loss_sum", c10::IValue(state.epochLossSum));
        archive.write("epoch_samples", c10::IValue(state.epochSamples));
        archive.write("window_loss_sum", c10::IValue(state.windowLossSum));
        archive.write("window_steps", c10::IValue(std::int64_t(state.windowSteps)));
        archive.write("training_seconds", c10::IValue(state.trainingSeconds));
        return commitArchive(archive, path, error);
    } catch (const std::exception &e) {
        *error = failure(path, "write", e);
        return false;
    }
}

bool loadCheckpoint(const QString &path, torch::jit::Module &module, torch::optim::Optimizer &optimizer,
                    TrainState *state, QString *error, at::Tensor *rankGenerators)
{
    try {
        torch::serialize::InputArchive archive;
        if (!openArchive(path, archive, error))
            return false;
        if (readScalar<std::int64_t>(archive, "format") != kCheckpointFormat) {
            *error = QStringLiteral("checkpoint %1 has an unknown format").arg(QDir::toNativeSeparators(path));
            return false;
        }
        QString why;
        if (!readWeights(archive, module, &why)) {
            *error = QStringLiteral("checkpoint %1 does not fit this model: %2").arg(QDir::toNativeSeparators(path), why);
            return false;
        }
        torch::serialize::InputArchive optimizerArchive;
        archive.read("optimizer", optimizerArchive);
        optimizer.load(optimizerArchive);
        at::Tensor rng;
        archive.read("rng_torch_cpu", rng, /*is_buffer=*/true);
        setCpuGeneratorState(rng);
        if (rankGenerators) {
            *rankGenerators = at::Tensor();
            archive.try_read("rng_torch_cpu_ranks", *rankGenerators, /*is_buffer=*/true);
        }
        *state = readState(archive);
        return true;
    } catch (const std::exception &e) {
        *error = failure(path, "read", e);
        return false;
    }
}

bool saveWeights(const QString &path, const torch::jit::Module &module, QString *error)
{
    try {
        torch::serialize::OutputArchive archive;
        writeWeights(archive, module);
        return commitArchive(archive, path, error);
    } catch (const std::exception &e) {
        *error = failure(path, "write", e);
        return false;
    }
}

bool loadWeights(const QString &path, torch::jit::Module &module, QString *error)
{
    try {
        torch::serialize::InputArchive archive;
        if (!openArchive(path, archive, error))
            return false;
        QString why;
        if (!readWeights(archive, module, &why)) {
            *error = QStringLiteral("weights %1 do not fit this model: %2").arg(QDir::toNativeSeparators(path), why);
            return false;
        }
        return true;
    } catch (const std::exception &e) {
        *error = failure(path, "read", e);
        return false;
    }
}

bool readCheckpointState(const QString &path, TrainState *state, QString *error)
{
    try {
        torch::serialize::InputArchive archive;
        if (!openArchive(path, archive, error))
            return false;
        *state = readState(archive);
        return true;
    } catch (const std::exception &e) {
        *error = failure(path, "read", e);
        return false;
    }
}
