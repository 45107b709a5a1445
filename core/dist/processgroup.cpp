#include "core/dist/processgroup.h"

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <chrono>

struct ProcessGroup::Private
{
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
};

ProcessGroup::ProcessGroup(const DistributedEnv &env) : m_env(env), d(std::make_unique<Private>()) {}
ProcessGroup::~ProcessGroup() = default;

std::unique_ptr<ProcessGroup> ProcessGroup::join(const DistributedEnv &env, QString *error)
{
    std::unique_ptr<ProcessGroup> joined(new ProcessGroup(env));
    const std::chrono::milliseconds timeout(std::int64_t(env.timeoutSeconds) * 1000);
    try {
        c10d::TCPStoreOptions options;
        options.port = std::uint16_t(env.masterPort);
        options.isServer = env.isRoot() && !env.agentStore;
        options.numWorkers = env.agentStore ? c10::nullopt : c10::optional<std::size_t>(std::size_t(env.worldSize));
        options.waitWorkers = false;
        options.timeout = timeout;
        c10::intrusive_ptr<c10d::Store> store = c10::make_intrusive<c10d::TCPStore>(env.masterAddress.toStdString(), options);
        if (env.agentStore) // torchrun's keys for this restart
            store = c10::make_intrusive<c10d::PrefixStore>("/worker/attempt_" + std::to_string(env.restartCount), store);
        auto glooOptions = c10d::ProcessGroupGloo::Options::create(timeout);
        // Without a device Gloo refuses to start ("No device(s) specified").
        if (!env.socketInterface.isEmpty())
            glooOptions->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(env.socketInterface.toStdString()));
        else if (env.masterAddress == QLatin1String("127.0.0.1") || env.masterAddress == QLatin1String("localhost"))
            glooOptions->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
        else
            glooOptions->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
        joined->d->store = store;
        joined->d->group = c10::make_intrusive<c10d::ProcessGroupGloo>(store, env.rank, env.worldSize, glooOptions);
    } catch (const std::exception &e) {
        *error = QStringLiteral("%1 could not join the run at %2:%3: %4")
                     .arg(env.describe(), env.masterAddress).arg(env.masterPort).arg(QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0));
        return nullptr;
    }
    return joined;
}

void ProcessGroup::broadcast(std::vector<at::Tensor> tensors)
{
    torch::NoGradGuard noGrad;
    for (at::Tensor &tensor : tensors) {
        // Gloo reads and writes the storage directly: a non-contiguous view would come back wrong.
        at::Tensor buffer = tensor.contiguous();
        std::vector<at::Tensor> one{buffer};
        d->group->broadcast(one)->wait();
        if (!buffer.is_same(tensor))
            tensor.copy_(buffer);
    }
}

void ProcessGroup::allreduceSum(at::Tensor &flat)
{
    std::vector<at::Tensor> one{flat};
    d->group->allreduce(one)->wait(); // ReduceOp::SUM; Gloo has no AVG
}

std::function<void()> ProcessGroup::allreduceSumAsync(at::Tensor flat)
{
    std::vector<at::Tensor> one{std::move(flat)};
    c10::intrusive_ptr<c10d::Work> work = d->group->allreduce(one);
    return [work] { work->wait(); };
}

std::vector<at::Tensor> ProcessGroup::allgather(const at::Tensor &local)
{
    // Normal tensors even under the caller's inference mode: Gloo's own thread writes them, where
    // that thread-local mode is off and an inference tensor refuses in-place updates.
    const c10::InferenceMode normalTensors(false);
    std::vector<at::Tensor> input{local.contiguous()};
    std::vector<std::vector<at::Tensor>> output(1);
    for (int rank = 0; rank < worldSize(); ++rank)
        output[0].push_back(at::empty_like(input[0]));
    d->group->allgather(output, input)->wait();
    return output[0];
}

std::int64_t ProcessGroup::broadcastValue(std::int64_t value)
{
    at::Tensor one = at::full({1}, value, at::kLong);
    broadcast({one});
    return one.item<std::int64_t>();
}
