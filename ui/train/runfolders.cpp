#include "ui/train/runfolders.h"

#include <QtCore/QDateTime>
#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QSettings>
#include <QtCore/QStandardPaths>
#include <algorithm>

namespace runfolders {

QString settingsKey()
{
    return QStringLiteral("runsDirectory");
}

QString runsDirectory(const QString &datasetRoot)
{
    const QString configured = QSettings().value(settingsKey()).toString();
    return configured.isEmpty() ? defaultRunsDirectory(datasetRoot) : QDir::cleanPath(configured);
}

QString defaultRunsDirectory(const QString &datasetRoot)
{
    if (!datasetRoot.isEmpty()) {
        // Next to the dataset, not inside it: the dataset folder stays as the user made it.
        const QString parent = QFileInfo(QDir::cleanPath(datasetRoot)).absolutePath();
        const QString candidate = QDir(parent).filePath(QStringLiteral("fusionscope-runs"));
        const QFileInfo existing(candidate);
        if (existing.isDir() ? existing.isWritable() : QFileInfo(parent).isWritable())
            return QDir::cleanPath(candidate);
    }
    return QDir::cleanPath(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/runs"));
}

QString newRunDir(const QString &runsDir, const QString &fusion)
{
    const QString base = QStringLiteral("%1-%2")
                             .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")), fusion);
    QString name = base;
    for (int n = 2; QFileInfo::exists(QDir(runsDir).filePath(name)); ++n)
        name = QStringLiteral("%1-%2").arg(base).arg(n);
    return QDir::cleanPath(QDir(runsDir).filePath(name));
}

qint64 labeledTrainSamples(const Dataset &dataset)
{
    qint64 count = 0;
    for (int index : dataset.indices(Split::Train))
        count += dataset.labelIndex(index) >= 0 ? 1 : 0;
    return count;
}

int plannedEpochs(const Dataset &dataset, const TrainConfig &train)
{
    return train.resolvedEpochs(labeledTrainSamples(dataset));
}

int logInterval(const Dataset &dataset, const TrainConfig &train)
{
    const qint64 perEpoch = std::max<qint64>(1, labeledTrainSamples(dataset) / std::max(1, train.batchSize));
    const qint64 steps = perEpoch * plannedEpochs(dataset, train);
    return int(std::clamp<qint64>(steps / 2000, 1, 10));
}

} // namespace runfolders
