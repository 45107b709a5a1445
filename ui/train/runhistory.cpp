#include "ui/train/runhistory.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <algorithm>
#include <cmath>

namespace {

double numberOr(const QJsonValue &value, double fallback)
{
    return value.isDouble() ? value.toDouble() : fallback;
}

QString jsonText(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Double:
        return QString::number(value.toDouble(), 'g', 6);
    case QJsonValue::String:
        return value.toString();
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("yes") : QStringLiteral("no");
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return QStringLiteral("—");
    case QJsonValue::Array:
    case QJsonValue::Object:
        break;
    }
    return QString::fromUtf8(value.isArray() ? QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact)
                                             : QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
}

void appendObject(QList<QPair<QString, QString>> *rows, const QString &prefix, const QJsonObject &object)
{
    for (auto it = object.begin(); it != object.end(); ++it)
        rows->append({prefix + it.key(), jsonText(it.value())});
}

} // namespace

QString RunRecord::testText() const
{
    if (std::isfinite(testR2))
        return QStringLiteral("test mean R² %1").arg(testR2, 0, 'f', 3);
    if (std::isfinite(testMap))
        return QStringLiteral("test mAP %1").arg(testMap, 0, 'f', 3);
    if (testAccuracy >= 0)
        return QStringLiteral("test accuracy %1 %").arg(testAccuracy * 100.0, 0, 'f', 1);
    if (std::isfinite(testRecallAt1))
        return QStringLiteral("test R@1 %1 %").arg(testRecallAt1 * 100.0, 0, 'f', 1);
    if (std::isfinite(testProbe))
        return QStringLiteral("test linear probe %1 %").arg(testProbe * 100.0, 0, 'f', 1);
    return QStringLiteral("no test split");
}

QString RunRecord::statusText() const
{
    switch (status) {
    case Status::Finished:
        if (std::isfinite(testR2))
            return QStringLiteral("finished · test R² %1").arg(testR2, 0, 'f', 3);
        if (std::isfinite(testMap))
            return QStringLiteral("finished · test mAP %1").arg(testMap, 0, 'f', 3);
        if (testAccuracy >= 0)
            return QStringLiteral("finished · test %1 %").arg(testAccuracy * 100.0, 0, 'f', 1);
        if (std::isfinite(testRecallAt1))
            return QStringLiteral("finished · test R@1 %1 %").arg(testRecallAt1 * 100.0, 0, 'f', 1);
        return std::isfinite(testProbe) ? QStringLiteral("finished · test linear probe %1 %").arg(testProbe * 100.0, 0, 'f', 1)
                                        : QStringLiteral("finished");
    case Status::Resumable:
        return QStringLiteral("interrupted · resumable");
    case Status::Incomplete:
        break;
    }
    return error.isEmpty() ? QStringLiteral("incomplete") : QStringLiteral("unreadable");
}

namespace runhistory {

QStringList runDirs(const QString &runsDir)
{
    QDir dir(runsDir);
    QFileInfoList folders = dir.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot);
    folders.erase(std::remove_if(folders.begin(), folders.end(),
                                 [](const QFileInfo &info) {
                                     return !QFileInfo::exists(runfiles::configPath(info.absoluteFilePath()));
                                 }),
                  folders.end());
    // Names start with a timestamp, so the name breaks ties between runs of the same second.
    std::sort(folders.begin(), folders.end(), [](const QFileInfo &a, const QFileInfo &b) {
        return a.fileName() > b.fileName();
    });
    QStringList result;
    for (const QFileInfo &info : folders)
        result << QDir::cleanPath(info.absoluteFilePath());
    return result;
}

RunRecord readRun(const QString &runDir)
{
    RunRecord run;
    run.dir = QDir::cleanPath(runDir);
    run.name = QFileInfo(runDir).fileName();
    run.modified = QFileInfo(runfiles::configPath(runDir)).lastModified();
    QJsonObject json;
    if (runfiles::readJsonFile(runfiles::configPath(runDir), &json, &run.error))
        run.hasConfig = RunConfig::fromJson(json, &run.config, &run.error);
    QJsonObject report;
    QString ignored;
    const bool finished = QFileInfo::exists(runfiles::modelPath(runDir))
                          && runfiles::readJsonFile(runfiles::reportPath(runDir), &report, &ignored);
    if (finished) {
        run.status = RunRecord::Status::Finished;
        run.report = report;
        const QJsonObject test = report.value(QStringLiteral("test")).toObject();
        run.testAccuracy = numberOr(test.value(QStringLiteral("accuracy")), -1.0);
        if (test.value(QStringLiteral("task")).toString() == QLatin1String("regress"))
            run.testR2 = numberOr(test.value(QStringLiteral("mean_r2")), std::nan(""));
        if (test.value(QStringLiteral("task")).toString() == QLatin1String("multilabel"))
            run.testMap = numberOr(test.value(QStringLiteral("map")), std::nan(""));
        // Mean R@1 over the modality pairs, as validation reports it.
        const QJsonArray pairs = report.value(QStringLiteral("retrieval")).toObject().value(QStringLiteral("test")).toArray();
        double recallSum = 0.0;
        for (const QJsonValue &pair : pairs)
            recallSum += pair.toObject().value(QStringLiteral("recall_at_1")).toDouble();
        if (!pairs.isEmpty())
            run.testRecallAt1 = recallSum / double(pairs.size());
        const QJsonObject probe = report.value(QStringLiteral("embedding_probe")).toObject().value(QStringLiteral("test")).toObject();
        run.testProbe = numberOr(probe.value(QStringLiteral("linear_probe")).toObject().value(QStringLiteral("100")).toObject()
                                     .value(QStringLiteral("accuracy")), std::nan(""));
    } else if (run.hasConfig && QFileInfo::exists(runfiles::lastCheckpointPath(runDir))) {
        run.status = RunRecord::Status::Resumable;
    }
    return run;
}

RunCurves readCurves(const QString &runDir)
{
    RunCurves curves;
    curves.name = QFileInfo(runDir).fileName();
    QFile file(runfiles::metricsPath(runDir));
    if (!file.open(QIODevice::ReadOnly))
        return curves;
    const double nan = std::nan("");
    while (!file.atEnd()) {
        const QJsonObject record = QJsonDocument::fromJson(file.readLine()).object();
        const QString type = record.value(QStringLiteral("type")).toString();
        if (type == QLatin1String("step")) {
            const QJsonValue mean = record.value(QStringLiteral("mean_loss"));
            curves.steps << numberOr(record.value(QStringLiteral("step")), nan);
            curves.stepLoss << numberOr(mean.isDouble() ? mean : record.value(QStringLiteral("loss")), nan);
            curves.learningRate << numberOr(record.value(QStringLiteral("lr")), nan);
        } else if (type == QLatin1String("epoch")) {
            curves.epochs << numberOr(record.value(QStringLiteral("epoch")), nan) + 1.0;
            curves.trainLoss << numberOr(record.value(QStringLiteral("train_loss")), nan);
            curves.valLoss << numberOr(record.value(QStringLiteral("val_loss")), nan);
            if (record.contains(QStringLiteral("val_r1")))
                curves.valRecallAt1 << numberOr(record.value(QStringLiteral("val_r1")), nan);
            for (TaskKind kind : {TaskKind::Classify, TaskKind::Regress, TaskKind::Multilabel}) {
                if (record.contains(taskScoreKey(kind))) {
                    curves.task = kind;
                    curves.valAccuracy << numberOr(record.value(taskScoreKey(kind)), nan);
                    break;
                }
            }
        }
    }
    return curves;
}

QList<QPair<QString, QString>> configRows(const RunRecord &run)
{
    QList<QPair<QString, QString>> rows;
    if (!run.hasConfig)
        return rows;
    // The fields a user compares first, then the rest of the recorded JSON.
    const QJsonObject model = run.config.model.toJson();
    const QJsonObject train = run.config.train.toJson();
    const QStringList modelOrder{QStringLiteral("fusion"), QStringLiteral("text_encoder"), QStringLiteral("image_encoder"),
                                 QStringLiteral("audio_encoder"), QStringLiteral("dim"), QStringLiteral("heads"),
                                 QStringLiteral("layers"), QStringLiteral("dropout"), QStringLiteral("text_layers"),
                                 QStringLiteral("norm"), QStringLiteral("rank")};
    for (const QString &key : modelOrder)
        rows.append({key, jsonText(model.value(key))});
    for (auto it = train.begin(); it != train.end(); ++it)
        rows.append({it.key(), jsonText(it.value())});
    rows.append({QStringLiteral("dataset"), QDir::toNativeSeparators(run.config.datasetPath)});
    rows.append({QStringLiteral("classes"), QString::number(run.config.labels.size())});
    if (!run.report.isEmpty()) {
        const QJsonObject test = run.report.value(QStringLiteral("test")).toObject();
        rows.append({QStringLiteral("test accuracy"), run.testAccuracy >= 0 ? QString::number(run.testAccuracy, 'f', 4)
                                                                            : QStringLiteral("—")});
        rows.append({QStringLiteral("test macro F1"), jsonText(test.value(QStringLiteral("macro_f1")))});
        appendObject(&rows, QStringLiteral("validation "), run.report.value(QStringLiteral("validation")).toObject());
        rows.append({QStringLiteral("epochs trained"), jsonText(run.report.value(QStringLiteral("epochs_trained")))});
        rows.append({QStringLiteral("training seconds"), jsonText(run.report.value(QStringLiteral("training_seconds")))});
    }
    return rows;
}

} // namespace runhistory
