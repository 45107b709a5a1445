#include "core/explain/contributions.h"

#include "core/explain/modelrunner.h"
#include "core/explain/shapley.h"
#include "core/util/singlethreadedops.h"

#include <cmath>
#include <future>
#include <limits>

namespace {

unsigned presentBits(const at::Tensor &present)
{
    const at::Tensor row = present.select(0, 0).to(torch::kFloat32).contiguous();
    unsigned bits = 0;
    for (int k = 0; k < 3; ++k) {
        if (row.data_ptr<float>()[k] > 0.5f)
            bits |= 1U << k;
    }
    return bits;
}

double gradTimesInput(const at::Tensor &grad, const at::Tensor &input)
{
    if (!grad.defined())
        return 0.0; // the model never reads this input
    return (grad * input).abs().sum().item<double>();
}

/** Σ over the sample's distinct token ids of |∂f/∂e_t · e_t|: gradient × input at the embedding. */
double embeddingGradTimesInput(const at::Tensor &grad, const at::Tensor &embedding, const at::Tensor &text)
{
    if (!grad.defined())
        return 0.0;
    const at::Tensor ids = std::get<0>(at::_unique(text.flatten(), /*sorted=*/true, /*return_inverse=*/false));
    const at::Tensor used = ids.masked_select(ids != 0);
    if (used.numel() == 0)
        return 0.0;
    return (grad.index_select(0, used) * embedding.detach().index_select(0, used)).sum(1).abs().sum().item<double>();
}

/** Turns requires_grad on for a parameter that lacks it, and off again when it goes. */
class GradFlag
{
public:
    GradFlag() = default;
    GradFlag(const GradFlag &) = delete;
    GradFlag &operator=(const GradFlag &) = delete;
    ~GradFlag()
    {
        if (m_tensor.defined())
            m_tensor.requires_grad_(false);
    }
    void enable(const at::Tensor &tensor)
    {
        if (tensor.requires_grad())
            return;
        m_tensor = tensor;
        m_tensor.requires_grad_(true);
    }

private:
    at::Tensor m_tensor;
};

} // namespace

std::array<double, 3> pairAgreement(const ForwardOutput &output, std::int64_t row, unsigned players)
{
    std::array<double, 3> agreement{std::nan(""), std::nan(""), std::nan("")};
    for (std::size_t p = 0; p < kModalityPairs.size(); ++p) {
        const int a = int(kModalityPairs[p][0]);
        const int b = int(kModalityPairs[p][1]);
        const at::Tensor &first = output.modalityEmbeddings[std::size_t(a)];
        const at::Tensor &second = output.modalityEmbeddings[std::size_t(b)];
        if (!(players & (1U << a)) || !(players & (1U << b)) || !first.defined() || !second.defined())
            continue;
        const at::Tensor x = first.select(0, row).detach().to(torch::kFloat64);
        const at::Tensor y = second.select(0, row).detach().to(torch::kFloat64);
        agreement[p] = (x.dot(y) / (x.norm() * y.norm()).clamp_min(1e-12)).item<double>();
    }
    return agreement;
}

std::pair<std::string, at::Tensor> findTextEmbedding(const torch::jit::Module &module, std::int64_t vocabulary)
{
    std::pair<std::string, at::Tensor> best;
    for (const auto &parameter : module.named_parameters(/*recurse=*/true)) {
        QString name = QString::fromStdString(parameter.name).toLower();
        const at::Tensor &value = parameter.value;
        if (value.dim() != 2 || !value.is_floating_point() || value.size(0) < vocabulary || !name.contains(QLatin1String("embed"))
            || name.contains(QLatin1String("type")) || name.contains(QLatin1String("pos")))
            continue;
        if (best.first.empty() || (name.contains(QLatin1String("text")) && !QString::fromStdString(best.first).contains(QLatin1String("text"))))
            best = {parameter.name, value};
    }
    return best;
}

void fillContribution(ModalityContribution *contribution, unsigned players, const std::array<double, 8> &values,
                      const std::array<int, 8> &predicted, const TaskReadout &readout)
{
    contribution->task = readout.task.kind;
    contribution->representation = readout.representation;
    contribution->players = players;
    for (unsigned mask = 0; mask < 8; ++mask) {
        contribution->subsetValues[mask] = values[mask & players];
        contribution->subsetPredicted[mask] = predicted[mask & players];
    }
    contribution->fAll = values[players];
    contribution->fNone = values[0];
    contribution->shapley = exactShapley(values, players);
    contribution->probability = readout.readingOf(contribution->fAll);
    for (int k = 0; k < 3; ++k) {
        const unsigned bit = 1U << k;
        const bool player = players & bit;
        contribution->probabilityWithout[std::size_t(k)] = player ? readout.readingOf(values[players & ~bit]) : contribution->probability;
        contribution->leaveOneOut[std::size_t(k)] = contribution->probability - contribution->probabilityWithout[std::size_t(k)];
    }
}

SampleForward explainOne(torch::jit::Module &module, const Batch &one, bool gradInput, const TaskReadout &readout)
{
    // The representation game is at its maximum (cosine 1) with every modality, where its gradient vanishes.
    const bool representation = !readout.needsLogits();
    gradInput = gradInput && !representation;
    const unsigned players = presentBits(one.present);
    std::vector<unsigned> masks; // every subset of the present modalities but the full one
    for (unsigned mask = 0; mask < 8; ++mask) {
        if ((mask & players) == mask && mask != players)
            masks.push_back(mask);
    }
    // The text embedding must take gradients for the surrogate; its flag is set before the
    // second thread starts and put back after it has finished (declared first, undone last).
    std::pair<std::string, at::Tensor> embedding;
    GradFlag embeddingFlag;
    if (gradInput) {
        embedding = findTextEmbedding(module, one.text.max().item<std::int64_t>() + 1);
        if (!embedding.first.empty())
            embeddingFlag.enable(embedding.second);
    }

    // Pass 2 (the subsets, as one no-grad batch) runs on a second thread while this one runs
    // pass 1: small ops gain from running side by side, not from intra-op threads.
    std::future<at::Tensor> subsetPass;
    if (!masks.empty()) {
        subsetPass = std::async(std::launch::async, [&module, &one, &masks, &readout]() {
            const SingleThreadedOps singleThreaded;
            torch::NoGradGuard noGrad;
            const auto rows = std::int64_t(masks.size());
            at::Tensor present = torch::zeros({rows, 3}, torch::kFloat32);
            float *flags = present.data_ptr<float>();
            for (std::int64_t r = 0; r < rows; ++r) {
                for (int k = 0; k < 3; ++k)
                    flags[r * 3 + k] = (masks[std::size_t(r)] >> k) & 1U ? 1.0f : 0.0f;
            }
            const ForwardOutput output = runForward(module, one.text.expand({rows, -1}).contiguous(),
                                                    one.image.expand({rows, -1, -1, -1}).contiguous(),
                                                    one.audio.expand({rows, -1, -1, -1}).contiguous(), present,
                                                    /*keepAttention=*/false, readout.needsLogits());
            return readout.scores(output); // valued below: a representation's needs pass 1's
        });
    }

    const SingleThreadedOps singleThreaded;
    SampleForward result;
    ModalityContribution &contribution = result.contribution;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    contribution.gradInput = {nan, nan, nan};
    // Pass 1, with every present modality: prediction, maps, gates and gradients.
    double fullValue = 0.0;
    at::Tensor fullValues; // [C], every column's game value with every present modality
    at::Tensor reference;  // [1,D] a representation's R(every present modality)
    {
        torch::AutoGradMode gradMode(gradInput);
        at::Tensor image = one.image.detach().clone();
        at::Tensor audio = one.audio.detach().clone();
        if (gradInput) {
            image.requires_grad_(true);
            audio.requires_grad_(true);
        }
        const ForwardOutput output = runForward(module, one.text, image, audio, one.present, /*keepAttention=*/true, readout.needsLogits());
        const at::Tensor scores = readout.scores(output);
        reference = scores.detach();
        const at::Tensor gameValues = readout.values(scores, reference);
        fullValues = gameValues.select(0, 0).detach().to(torch::kFloat64).contiguous();
        result.predicted = int(readout.explainedColumns(scores.detach())[0].item<std::int64_t>());
        const at::Tensor probabilities = readout.readings(scores.detach(), reference).select(0, 0).to(torch::kFloat32).contiguous();
        if (readout.isJoint())
            result.agreement = pairAgreement(output, 0, players);
        result.probabilities.assign(probabilities.data_ptr<float>(), probabilities.data_ptr<float>() + probabilities.numel());
        fullValue = fullValues[result.predicted].item<double>();
        result.maps = attentionMapsOf(output, 0);
        if (output.gates.defined()) {
            contribution.hasGates = true;
            for (int k = 0; k < 3; ++k)
                contribution.gates[std::size_t(k)] = output.gates[0][k].item<double>();
        }
        if (gradInput) {
            std::vector<at::Tensor> inputs{image, audio};
            if (!embedding.first.empty())
                inputs.push_back(embedding.second);
            const at::Tensor target = gameValues[0][result.predicted];
            std::vector<at::Tensor> grads(inputs.size());
            if (target.requires_grad())
                grads = torch::autograd::grad({target}, inputs, {}, /*retain_graph=*/false, /*create_graph=*/false, /*allow_unused=*/true);
            contribution.gradInput[1] = (players & 2U) ? gradTimesInput(grads[0], image.detach()) : 0.0;
            contribution.gradInput[2] = (players & 4U) ? gradTimesInput(grads[1], audio.detach()) : 0.0;
            if (!(players & 1U)) {
                contribution.gradInput[0] = 0.0;
                contribution.textGradMethod = QStringLiteral("text absent");
            } else if (!embedding.first.empty()) {
                contribution.gradInput[0] = embeddingGradTimesInput(grads[2], embedding.second, one.text);
                contribution.textGradMethod = QStringLiteral("surrogate: gradient x embedding row of %1, summed over the "
                                                             "text's distinct token ids (token ids are integers, no gradient reaches them)")
                                                  .arg(QString::fromStdString(embedding.first));
            } else {
                contribution.textGradMethod = QStringLiteral("unavailable: text is int64 token ids and the model has no "
                                                             "recognisable text embedding matrix to differentiate instead");
            }
        } else {
            contribution.textGradMethod = representation ? QStringLiteral("not computed: the representation game's value is at its "
                                                                         "maximum with every modality, where its gradient vanishes")
                                                         : QStringLiteral("not computed");
        }
    }

    // Every column's game per mask: the explained column's is the contribution, the others
    // give regression targets and tags their own Shapley values.
    const auto columns = std::int64_t(result.probabilities.size());
    std::vector<std::array<double, 8>> columnValues(static_cast<std::size_t>(columns), std::array<double, 8>{});
    std::array<int, 8> predicted{};
    for (std::int64_t c = 0; c < columns; ++c)
        columnValues[std::size_t(c)][players] = fullValues[c].item<double>();
    predicted[players] = result.predicted;
    if (subsetPass.valid()) {
        const at::Tensor subsetValues = readout.values(subsetPass.get(), reference).to(torch::kFloat64).contiguous();
        const at::Tensor subsetArgmax = subsetValues.argmax(1).contiguous();
        const double *cells = subsetValues.data_ptr<double>();
        for (std::size_t r = 0; r < masks.size(); ++r) {
            for (std::int64_t c = 0; c < columns; ++c)
                columnValues[std::size_t(c)][masks[r]] = cells[std::int64_t(r) * columns + c];
            predicted[masks[r]] = int(subsetArgmax.data_ptr<std::int64_t>()[r]);
        }
    }
    std::array<double, 8> values = columnValues[std::size_t(result.predicted)];
    values[players] = fullValue;
    fillContribution(&contribution, players, values, predicted, readout);
    if (readout.task.hasTargets()) {
        for (const std::array<double, 8> &column : columnValues)
            result.outputShapley.push_back(exactShapley(column, players));
    }
    return result;
}
