#include "core/dist/evalshard.h"

#include "core/data/batch.h"
#include "core/dist/processgroup.h"

namespace {

thread_local ProcessGroup *currentGroup = nullptr;

Batch selectRows(const Batch &batch, const at::Tensor &rows)
{
    Batch part;
    part.text = batch.text.index_select(0, rows);
    part.image = batch.image.index_select(0, rows);
    part.audio = batch.audio.index_select(0, rows);
    part.present = batch.present.index_select(0, rows);
    part.labels = batch.labels.index_select(0, rows);
    if (batch.targets.defined())
        part.targets = batch.targets.index_select(0, rows);
    const auto access = rows.accessor<std::int64_t, 1>();
    for (std::int64_t i = 0; i < rows.size(0); ++i)
        part.indices.push_back(batch.indices[std::size_t(access[i])]);
    return part;
}

} // namespace

EvalShardScope::EvalShardScope(ProcessGroup *group) : m_previous(currentGroup)
{
    if (group)
        currentGroup = group;
}

EvalShardScope::~EvalShardScope()
{
    currentGroup = m_previous;
}

ProcessGroup *EvalShardScope::current()
{
    return currentGroup;
}

at::Tensor gatherShardedRows(ProcessGroup &group, const Batch &batch, const at::Tensor &present,
                             const std::function<at::Tensor(const Batch &, const at::Tensor &)> &forward)
{
    const std::int64_t rows = batch.size();
    const std::int64_t world = group.worldSize();
    const std::int64_t each = (rows + world - 1) / world;
    // Rows rank, rank + N, …; past the end, the last row again (its copy is dropped after the gather).
    const at::Tensor mine = (at::arange(each, at::kLong) * world + group.rank()).clamp_max(rows - 1);
    const at::Tensor local = forward(selectRows(batch, mine), present.index_select(0, mine)).to(at::kFloat).contiguous();
    const std::vector<at::Tensor> gathered = group.allgather(local);
    // gathered[r][k] is the batch's row k·N + r: interleave the ranks back into the batch's order.
    return at::stack(gathered, 1).reshape({each * world, local.size(1)}).slice(0, 0, rows);
}
