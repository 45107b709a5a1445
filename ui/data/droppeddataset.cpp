#include "ui/data/droppeddataset.h"

#include <QtCore/QFileInfo>
#include <QtCore/QMimeData>
#include <QtCore/QUrl>

QString droppedDatasetPath(const QMimeData *mime)
{
    if (!mime || !mime->hasUrls())
        return {};
    for (const QUrl &url : mime->urls()) {
        if (!url.isLocalFile())
            continue;
        const QFileInfo info(url.toLocalFile());
        if (info.isDir())
            return info.absoluteFilePath();
        const QString suffix = info.suffix().toLower();
        if (info.isFile() && (suffix == QLatin1String("jsonl") || suffix == QLatin1String("csv")))
            return info.absoluteFilePath();
    }
    return {};
}
