#include "ui/data/recentdatasets.h"

#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QSettings>
#include <QtCore/QStandardPaths>

namespace {

const QString kKey = QStringLiteral("recentDatasets");

QString normalized(const QString &path)
{
    return QDir::cleanPath(QFileInfo(path).absoluteFilePath());
}

} // namespace

QStringList RecentDatasets::list()
{
    QSettings settings;
    const QStringList stored = settings.value(kKey).toStringList();
    QStringList existing;
    for (const QString &path : stored) {
        if (QFileInfo::exists(path) && !existing.contains(path))
            existing << path;
    }
    while (existing.size() > kMaxEntries)
        existing.removeLast();
    if (existing != stored)
        settings.setValue(kKey, existing);
    return existing;
}

void RecentDatasets::add(const QString &path)
{
    const QString entry = normalized(path);
    QStringList entries = list();
    entries.removeAll(entry);
    entries.prepend(entry);
    while (entries.size() > kMaxEntries)
        entries.removeLast();
    QSettings().setValue(kKey, entries);
}

void RecentDatasets::clear()
{
    QSettings().remove(kKey);
}

QString RecentDatasets::demoDataset()
{
    const QString local = QDir::current().absoluteFilePath(QStringLiteral("demo-data"));
    if (QFileInfo(local).isDir())
        return normalized(local);
    const QString installed = QStandardPaths::locate(QStandardPaths::AppDataLocation, QStringLiteral("demo-data"),
                                                     QStandardPaths::LocateDirectory);
    return installed.isEmpty() ? QString() : normalized(installed);
}
