#pragma once

#include "core/data/dataset.h"
#include "core/train/trainconfig.h"

#include <QtCore/QString>

/**
 * Where the GUI puts runs: the runs directory (QSettings "runsDirectory", else
 * `<dataset folder>/../fusionscope-runs`, else the app data folder) and a fresh run folder
 * per start. Plain functions, GUI thread.
 */
namespace runfolders {

/** The QSettings key holding a user-chosen runs directory. */
QString settingsKey();
/** The configured directory, or the default for a dataset in `datasetRoot` (may be empty). */
QString runsDirectory(const QString &datasetRoot);
QString defaultRunsDirectory(const QString &datasetRoot);
/** A not yet existing `<runsDir>/<yyyyMMdd-HHmmss>-<fusion>` (with -2, -3… when taken). */
QString newRunDir(const QString &runsDir, const QString &fusion);
qint64 labeledTrainSamples(const Dataset &dataset);
/** The epochs a run will train: the config's, or the auto choice (epochs 0) for this dataset. */
int plannedEpochs(const Dataset &dataset, const TrainConfig &train);
/**
 * One metrics.jsonl step record per this many steps: every step for runs up to a few
 * thousand steps, so the run history draws them as finely as the live plot did.
 */
int logInterval(const Dataset &dataset, const TrainConfig &train);

} // namespace runfolders
