// The retrieval index `fusionscope retrieve` caches beside a dataset: a damaged or foreign
// file must be refused with a reason, never half-read, and one that loads must be searchable.
#include "core/eval/retrievalindex.h"
#include "fuzz/scratchfile.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QString path = ScratchFolder::instance().write(QStringLiteral("index.fsri"), data, size);
    RetrievalIndex index;
    QString error;
    if (!index.load(path, QStringLiteral("fuzz"), &error)) {
        if (error.isEmpty()) {
            std::fprintf(stderr, "a refused index gave no reason\n");
            std::abort();
        }
        return 0;
    }
    const std::vector<float> query(std::size_t(index.dim()), 1.0f);
    for (int modality = 0; modality < 3; ++modality)
        index.search(query.data(), modality, 5);
    if (index.size() > 0)
        index.rowOf(index.entry(index.size() - 1).id);
    return 0;
}
