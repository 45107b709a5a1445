#include "ui/model/droppedmodel.h"

#include <QtCore/QFileInfo>
#include <QtCore/QMimeData>
#include <QtCore/QUrl>

QString droppedModelPath(const QMimeData *mime)
{
    if (!mime || !mime->hasUrls())
        return {};
    for (const QUrl &url : mime->urls()) {
        if (!url.isLocalFile())
            continue;
        const QFileInfo info(url.toLocalFile());
        const QString suffix = info.suffix().toLower();
        if (info.isFile()
            && (suffix == QLatin1String("pt") || suffix == QLatin1String("pth") || suffix == QLatin1String("torchscript")))
            return info.absoluteFilePath();
    }
    return {};
}
