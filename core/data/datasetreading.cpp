#include "core/data/datasetreading.h"

std::shared_ptr<const Dataset> datasetReadAs(std::shared_ptr<const Dataset> dataset, const DatasetOptions &options,
                                             QString *error, const ProgressCallback &progress, const CancelFlag *cancel)
{
    // No tokenizer in the options: the model carries none, so the dataset's own (trained on
    // its train split exactly as a new run would) is the documented fallback.
    const bool sameTokenizer = options.tokenizerModel.empty()
                               || (dataset->tokenizer().isLoaded() && dataset->tokenizer().serialized() == options.tokenizerModel);
    const bool samePreprocess = !options.frozenPreprocess || dataset->preprocess().toJson() == options.preprocess.toJson();
    const bool sameTask = options.task == TaskRequest::Auto || requestFor(dataset->task()) == options.task;
    if (sameTokenizer && samePreprocess && sameTask)
        return dataset;
    std::shared_ptr<const Dataset> reread = Dataset::load(dataset->manifest().path, options, progress, cancel);
    if (!reread || (cancel && cancel->load()))
        return nullptr;
    if (!reread->loadError().isEmpty()) {
        *error = reread->loadError();
        return nullptr;
    }
    return reread;
}
