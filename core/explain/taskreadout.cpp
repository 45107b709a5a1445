#include "core/explain/taskreadout.h"

#include "core/eval/multilabelevaluator.h"
#include "core/eval/regressionevaluator.h"

#include <cmath>
#include <stdexcept>

namespace {

/** Each row over its L2 norm; a zero row (no modality present) stays zero. */
at::Tensor unitRows(const at::Tensor &rows)
{
    return rows / rows.norm(2, {1}, /*keepdim=*/true).clamp_min(1e-12);
}

} // namespace

TaskReadout TaskReadout::match(const TaskSpec &task, const QStringList &columns, const Dataset &dataset, int chosen)
{
    TaskReadout readout;
    readout.task = task;
    readout.outputs = int(columns.size());
    readout.chosen = chosen >= 0 && chosen < readout.outputs ? chosen : -1;
    if (!task.hasTaskOutputs()) {
        readout.representation = task.isAligned() ? QStringLiteral("joint") : QStringLiteral("fused");
        readout.outputs = 1;
        readout.chosen = -1;
    } else if (task.hasTargets()) {
        for (const QString &name : columns)
            readout.columnOfTarget.push_back(int(dataset.targetNames().indexOf(name)));
    } else {
        for (const QString &label : dataset.labels())
            readout.classOfLabel.push_back(columns.indexOf(label));
    }
    return readout;
}

at::Tensor TaskReadout::scores(const ForwardOutput &output) const
{
    if (representation.isEmpty())
        return output.logits;
    if (isJoint()) {
        at::Tensor sum;
        for (const at::Tensor &embedding : output.modalityEmbeddings) {
            if (embedding.defined())
                sum = sum.defined() ? sum + embedding : embedding;
        }
        if (!sum.defined())
            throw std::runtime_error("an aligned model's forward returned none of embed/text, embed/image, embed/audio");
        return unitRows(sum);
    }
    return unitRows(output.embedding);
}

at::Tensor TaskReadout::values(const at::Tensor &logits, const at::Tensor &reference) const
{
    if (!representation.isEmpty())
        return (logits * reference).sum(1, /*keepdim=*/true); // both unit rows (or a zero row: 0)
    switch (task.kind) {
    case TaskKind::Regress:
        return targetValues(logits, task);
    case TaskKind::Multilabel:
        return logits;
    case TaskKind::Classify:
        break;
    }
    return torch::log_softmax(logits, 1);
}

at::Tensor TaskReadout::readings(const at::Tensor &logits, const at::Tensor &reference) const
{
    if (!representation.isEmpty())
        return values(logits, reference);
    switch (task.kind) {
    case TaskKind::Regress:
        return targetValues(logits, task);
    case TaskKind::Multilabel:
        return torch::sigmoid(logits);
    case TaskKind::Classify:
        break;
    }
    return torch::softmax(logits, 1);
}

at::Tensor TaskReadout::explainedColumns(const at::Tensor &logits) const
{
    if (!representation.isEmpty())
        return torch::zeros({logits.size(0)}, torch::kInt64);
    if (chosen >= 0 && task.hasTargets())
        return torch::full({logits.size(0)}, chosen, torch::kInt64);
    if (task.isRegression())
        return torch::zeros({logits.size(0)}, torch::kInt64);
    return logits.argmax(1); // the predicted class, or the most probable tag
}

double TaskReadout::readingOf(double value) const
{
    if (!representation.isEmpty())
        return value;
    switch (task.kind) {
    case TaskKind::Regress:
        return value;
    case TaskKind::Multilabel:
        return 1.0 / (1.0 + std::exp(-value));
    case TaskKind::Classify:
        break;
    }
    return std::exp(value);
}

at::Tensor TaskReadout::truth(const Batch &batch) const
{
    if (task.isMultilabel())
        return modelOrderTags(batch, columnOfTarget).contiguous();
    if (task.isRegression())
        return modelOrderTargets(batch, columnOfTarget).contiguous();
    at::Tensor classes = torch::full({batch.size()}, -1, torch::kInt64);
    const at::Tensor labels = batch.labels.to(torch::kInt64).contiguous();
    for (std::int64_t row = 0; row < batch.size(); ++row) {
        const std::int64_t label = labels.data_ptr<std::int64_t>()[row];
        if (label >= 0 && std::size_t(label) < classOfLabel.size())
            classes[row] = classOfLabel[std::size_t(label)];
    }
    return classes;
}

TaskScore::TaskScore(const TaskReadout &readout) : m_readout(&readout), m_targets(readout.task.targets)
{
    m_tags.tags = readout.task.isMultilabel() ? readout.outputs : 0;
}

void TaskScore::add(const at::Tensor &logits, const at::Tensor &truth)
{
    const TaskSpec &task = m_readout->task;
    if (!task.hasTargets()) {
        const at::Tensor known = truth >= 0;
        m_labeled += known.sum().item<std::int64_t>();
        m_correct += ((logits.argmax(1) == truth) & known).sum().item<std::int64_t>();
        return;
    }
    const at::Tensor readings = m_readout->readings(logits).to(torch::kFloat32).contiguous();
    const at::Tensor wanted = truth.to(torch::kFloat32).contiguous();
    const std::int64_t columns = readings.size(1);
    for (std::int64_t row = 0; row < readings.size(0); ++row) {
        const float *reading = readings.data_ptr<float>() + row * columns;
        const float *given = wanted.data_ptr<float>() + row * columns;
        if (task.isMultilabel()) {
            m_tags.add(given, reading);
            continue;
        }
        for (std::int64_t k = 0; k < columns; ++k) {
            if (std::isfinite(given[k]))
                m_targets.add(std::size_t(k), given[k], reading[k]);
        }
    }
}

double TaskScore::score() const
{
    const TaskSpec &task = m_readout->task;
    if (task.isRegression())
        return meanR2(m_targets.scores());
    if (task.isMultilabel()) {
        std::vector<double> thresholds = task.thresholds;
        thresholds.resize(std::size_t(m_tags.tags), 0.5); // AP does not read them; the report needs one per tag
        return MultilabelReport::compute(task.targets, m_tags, thresholds).meanAveragePrecision;
    }
    return m_labeled > 0 ? double(m_correct) / double(m_labeled) : 0.0;
}
