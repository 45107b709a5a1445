#include "core/eval/linearprobe.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

namespace {

/** Per class, ceil(fraction · count) of its rows (at least one), each class's drawn with one seeded shuffle. */
std::vector<int> stratifiedRows(const std::vector<int> &classes, double fraction, std::uint64_t seed)
{
    std::map<int, std::vector<int>> rowsOfClass;
    for (std::size_t r = 0; r < classes.size(); ++r) {
        if (classes[r] >= 0)
            rowsOfClass[classes[r]].push_back(int(r));
    }
    std::mt19937_64 rng(seed);
    std::vector<int> chosen;
    for (auto &[label, rows] : rowsOfClass) {
        std::shuffle(rows.begin(), rows.end(), rng);
        const auto take = std::max<std::size_t>(1, std::size_t(std::ceil(fraction * double(rows.size()))));
        chosen.insert(chosen.end(), rows.begin(), rows.begin() + std::ptrdiff_t(std::min(take, rows.size())));
    }
    std::sort(chosen.begin(), chosen.end());
    return chosen;
}

torch::Tensor rowsOf(const EmbeddingTable &table, const std::vector<int> &rows)
{
    torch::Tensor all = torch::from_blob(const_cast<float *>(table.values.data()), {table.rows(), table.dim}, torch::kFloat32);
    return all.index_select(0, torch::tensor(std::vector<std::int64_t>(rows.begin(), rows.end()), torch::kInt64)).to(torch::kFloat64);
}

} // namespace

LinearProbeResult linearProbe(const EmbeddingTable &train, const std::vector<int> &trainClasses, const EmbeddingTable &query,
                              const std::vector<int> &queryClasses, double fraction, std::uint64_t seed)
{
    LinearProbeResult result;
    result.accuracy = std::nan("");
    std::vector<int> queryRows;
    for (std::size_t r = 0; r < queryClasses.size(); ++r) {
        if (queryClasses[r] >= 0)
            queryRows.push_back(int(r));
    }
    const std::vector<int> fitRows = stratifiedRows(trainClasses, fraction, seed);
    if (fitRows.empty() || queryRows.empty() || train.dim != query.dim || train.dim == 0)
        return result;
    result.trainRows = int(fitRows.size());

    const torch::NoGradGuard noGradOutside; // the fit below turns gradients on for itself only
    const int classes = 1 + std::max(*std::max_element(trainClasses.begin(), trainClasses.end()),
                                     *std::max_element(queryClasses.begin(), queryClasses.end()));
    torch::Tensor x = rowsOf(train, fitRows);
    std::vector<std::int64_t> labels;
    for (int r : fitRows)
        labels.push_back(trainClasses[std::size_t(r)]);
    const torch::Tensor y = torch::tensor(labels, torch::kInt64);
    const torch::Tensor mean = x.mean(0);
    const torch::Tensor deviation = x.std(0, /*unbiased=*/false).clamp_min(1e-8);
    x = (x - mean) / deviation;

    // float64 and full batch: the optimum does not depend on an order or a batch size.
    torch::Tensor weight = torch::zeros({train.dim, classes}, torch::kFloat64).requires_grad_(true);
    torch::Tensor bias = torch::zeros({classes}, torch::kFloat64).requires_grad_(true);
    const double penalty = 0.5 / double(fitRows.size()); // C = 1: ½|W|² against the summed loss, per sample
    torch::optim::LBFGS optimizer({weight, bias}, torch::optim::LBFGSOptions(1.0).max_iter(200).line_search_fn("strong_wolfe"));
    {
        const torch::AutoGradMode gradients(true);
        optimizer.step([&] {
            optimizer.zero_grad();
            torch::Tensor loss = torch::nn::functional::cross_entropy(torch::addmm(bias, x, weight), y)
                                 + penalty * weight.pow(2).sum();
            loss.backward();
            return loss;
        });
    }
    const torch::Tensor q = (rowsOf(query, queryRows) - mean) / deviation;
    std::vector<std::int64_t> truth;
    for (int r : queryRows)
        truth.push_back(queryClasses[std::size_t(r)]);
    const torch::Tensor predicted = torch::addmm(bias, q, weight).argmax(1);
    result.accuracy = predicted.eq(torch::tensor(truth, torch::kInt64)).to(torch::kFloat64).mean().item<double>();
    return result;
}
