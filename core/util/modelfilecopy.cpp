#include "core/util/modelfilecopy.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QSaveFile>

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("copyModelFile", text);
}

} // namespace

bool copyModelFile(const QString &source, const QString &target, QString *error)
{
    const QString from = QDir::toNativeSeparators(source);
    const QString to = QDir::toNativeSeparators(target);
    if (QFileInfo(source).canonicalFilePath() == QFileInfo(target).canonicalFilePath() && QFileInfo::exists(target)) {
        *error = tr("Cannot export the model to %1: it is the model file itself.").arg(to);
        return false;
    }
    QFile in(source);
    if (!in.open(QIODevice::ReadOnly)) {
        *error = tr("Cannot read the model file %1: %2").arg(from, in.errorString());
        return false;
    }
    QSaveFile out(target);
    if (!out.open(QIODevice::WriteOnly)) {
        *error = tr("Cannot export the model to %1: %2").arg(to, out.errorString());
        return false;
    }
    constexpr qint64 kChunk = qint64(1) << 20;
    while (!in.atEnd()) {
        const QByteArray bytes = in.read(kChunk);
        if (bytes.isEmpty() && in.error() != QFileDevice::NoError) {
            out.cancelWriting();
            *error = tr("Cannot read the model file %1: %2").arg(from, in.errorString());
            return false;
        }
        if (out.write(bytes) != bytes.size()) {
            out.cancelWriting();
            *error = tr("Cannot export the model to %1: %2").arg(to, out.errorString());
            return false;
        }
    }
    if (!out.commit()) {
        *error = tr("Cannot export the model to %1: %2").arg(to, out.errorString());
        return false;
    }
    return true;
}
