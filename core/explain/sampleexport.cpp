#include "core/explain/sampleexport.h"

#include "core/explain/overlay.h"

#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QRegularExpression>
#include <QtCore/QSaveFile>

QString sampleFileStem(const QString &sampleId)
{
    // Same rule as writeSampleOverlays, so the JSON sits beside its PNGs under one stem.
    QString stem = sampleId;
    stem.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]")), QStringLiteral("_"));
    return stem;
}

bool writeJsonFile(const QString &path, const QJsonObject &json, QString *error)
{
    QSaveFile file(path);
    const QByteArray bytes = QJsonDocument(json).toJson(QJsonDocument::Indented);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

SampleExport writeSampleExport(const Dataset &dataset, const SampleExplanation &sample, const QString &dir)
{
    SampleExport result;
    result.files = writeSampleOverlays(dataset, sample, dir, &result.overlayError);
    result.json = sample.toJson();
    QJsonArray names;
    for (const QString &file : std::as_const(result.files))
        names.append(QFileInfo(file).fileName()); // beside this JSON
    result.json.insert(QStringLiteral("overlays"), names);
    const QString path = QDir(dir).filePath(sampleFileStem(sample.sampleId) + QStringLiteral(".json"));
    if (writeJsonFile(path, result.json, &result.error))
        result.files << path;
    return result;
}
