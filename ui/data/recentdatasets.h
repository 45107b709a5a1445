#pragma once

#include <QtCore/QString>
#include <QtCore/QStringList>

/**
 * The recently opened datasets, newest first, kept in QSettings. Entries whose folder or
 * manifest no longer exists are pruned whenever the list is read. GUI thread.
 */
class RecentDatasets
{
public:
    static constexpr int kMaxEntries = 10;

    /** Existing entries, newest first (prunes and rewrites the stored list). */
    static QStringList list();
    /** Moves `path` to the front. */
    static void add(const QString &path);
    static void clear();

    /** The dataset shown on first start: ./demo-data, then AppDataLocation/demo-data; "" if none. */
    static QString demoDataset();
};
