#include "core/data/dataset.h"
#include "core/data/featurestore.h"

#include <cmath>

namespace {

/** The sample's values at `columns`; a regression sample with none left becomes unlabeled. */
std::vector<float> keptValues(const std::vector<float> &values, const std::vector<int> &columns, TaskKind task)
{
    if (values.empty())
        return values;
    std::vector<float> kept;
    kept.reserve(columns.size());
    bool any = false;
    for (int column : columns) {
        kept.push_back(values[std::size_t(column)]);
        any = any || !std::isnan(kept.back());
    }
    if (task == TaskKind::Regress && !any)
        kept.clear();
    return kept;
}

} // namespace

std::shared_ptr<const Dataset> Dataset::keepingTargets(std::shared_ptr<const Dataset> dataset, const QStringList &names,
                                                       QString *error)
{
    if (names.isEmpty() || names == dataset->targetNames())
        return dataset;
    if (dataset->task() == TaskKind::Classify) {
        *error = QStringLiteral("the dataset's labels read as classes, which have no targets to choose (%1 asked for)")
                     .arg(names.join(QStringLiteral(", ")));
        return nullptr;
    }
    const QStringList &all = dataset->targetNames();
    for (const QString &name : names) {
        if (!all.contains(name)) {
            *error = QStringLiteral("the dataset has no %1 \"%2\" (it has %3)")
                         .arg(dataset->task() == TaskKind::Regress ? QStringLiteral("target") : QStringLiteral("tag"), name,
                              all.join(QStringLiteral(", ")));
            return nullptr;
        }
    }
    std::vector<int> columns;
    QStringList kept;
    for (int k = 0; k < all.size(); ++k) {
        if (names.contains(all.at(k))) {
            columns.push_back(k);
            kept << all.at(k);
        }
    }

    // Member by member: the tokenizer is not copyable (a model inside the SentencePiece module),
    // so the view loads the same model from its bytes; the features are the same mapping.
    std::shared_ptr<Dataset> view(new Dataset());
    view->m_loadError = dataset->m_loadError;
    view->m_manifest = dataset->m_manifest;
    view->m_manifest.targetNames = kept;
    for (SampleRecord &sample : view->m_manifest.samples)
        sample.targets = keptValues(sample.targets, columns, dataset->task());
    view->m_issues = dataset->m_issues;
    view->m_preprocess = dataset->m_preprocess;
    if (dataset->m_tokenizer.isLoaded() && !view->m_tokenizer.loadFromBytes(dataset->m_tokenizer.serialized(), error))
        return nullptr;
    view->m_cacheStats = dataset->m_cacheStats;
    view->m_presence = dataset->m_presence;
    view->m_labelIndex = dataset->m_labelIndex;
    view->m_tokens = dataset->m_tokens;
    view->m_images = dataset->m_images;
    view->m_mels = dataset->m_mels;
    view->m_melFrames = dataset->m_melFrames;
    view->m_audioSeconds = dataset->m_audioSeconds;
    view->m_indexOfId = dataset->m_indexOfId;
    view->m_features = dataset->m_features;
    return view;
}
