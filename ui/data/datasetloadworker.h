#pragma once

#include "core/data/dataset.h"
#include "core/data/manifest.h"
#include "core/util/progress.h"

#include <QtCore/QObject>
#include <QtCore/QString>
#include <memory>

/**
 * Reads a dataset's manifest, then decodes it with Dataset::load. Lives on the worker
 * QThread that DatasetController owns; every result leaves through a queued signal tagged
 * with the generation it was asked for, so the GUI can drop answers to superseded loads.
 */
class DatasetLoadWorker final : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    /** Runs on the worker thread; returns when the load finished, failed or was cancelled. */
    void load(int generation, const QString &path, TaskRequest task, std::shared_ptr<CancelFlag> cancel);

Q_SIGNALS:
    /** The manifest parsed (no decoding yet): enough for the table and the issues list. */
    void manifestRead(int generation, std::shared_ptr<const Manifest> manifest);
    /** At most ~20 per second. */
    void progressChanged(int generation, const Progress &progress);
    void datasetLoaded(int generation, std::shared_ptr<const Dataset> dataset);
    void loadFailed(int generation, const QString &message, const QString &details);
    void loadCancelled(int generation);
};
