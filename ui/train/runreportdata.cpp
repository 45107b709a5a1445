#include "ui/train/runreportdata.h"

#include "core/train/runconfig.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonDocument>

namespace {

/** Reads metrics.jsonl; a line that is not a JSON object (a killed run's last line) is skipped and counted. */
bool readMetrics(const QString &path, QList<QJsonObject> *records, int *skipped, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QObject::tr("Cannot read %1: %2.").arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        if (line.isEmpty())
            continue;
        const QJsonDocument document = QJsonDocument::fromJson(line);
        if (document.isObject())
            records->append(document.object());
        else
            ++*skipped;
    }
    return true;
}

} // namespace

QList<QJsonObject> RunReportData::records(const QString &type) const
{
    QList<QJsonObject> matching;
    for (const QJsonObject &record : metrics) {
        if (record.value(QLatin1String("type")).toString() == type)
            matching << record;
    }
    return matching;
}

bool RunReportData::load(const QString &runDir, RunReportData *data, QString *error)
{
    const auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    if (!QFileInfo(runDir).isDir())
        return fail(QObject::tr("%1 is not a folder.").arg(QDir::toNativeSeparators(runDir)));

    RunReportData loaded;
    loaded.runDir = QDir(runDir).absolutePath();
    const QString configPath = runfiles::configPath(runDir);
    const QString metricsPath = runfiles::metricsPath(runDir);
    const QString reportPath = runfiles::reportPath(runDir);
    const bool hasConfig = QFileInfo::exists(configPath);
    const bool hasMetrics = QFileInfo::exists(metricsPath);
    if (!hasConfig && !hasMetrics) {
        return fail(QObject::tr("%1 is not a run folder: it has neither config.json nor metrics.jsonl.")
                        .arg(QDir::toNativeSeparators(runDir)));
    }

    QString reason;
    if (hasConfig && !runfiles::readJsonFile(configPath, &loaded.config, &reason))
        return fail(reason);
    if (hasMetrics) {
        int skipped = 0;
        if (!readMetrics(metricsPath, &loaded.metrics, &skipped, &reason))
            return fail(reason);
        if (skipped > 0)
            loaded.notes << QObject::tr("%n line(s) of metrics.jsonl could not be read and are left out.", nullptr, skipped);
    } else {
        loaded.notes << QObject::tr("The run has no metrics.jsonl.");
    }
    if (QFileInfo::exists(reportPath)) {
        if (!runfiles::readJsonFile(reportPath, &loaded.report, &reason))
            return fail(reason);
        const QJsonValue test = loaded.report.value(QLatin1String("test"));
        if (test.isObject()) {
            loaded.test = EvalReport::fromJson(test.toObject());
            loaded.hasTest = true;
        } else {
            loaded.notes << QObject::tr("report.json has no test evaluation (the dataset has no labeled test split).");
        }
    } else {
        loaded.notes << QObject::tr("The run has not finished: report.json does not exist yet.");
    }
    *data = std::move(loaded);
    return true;
}

TaskKind RunReportData::task() const
{
    if (hasTest)
        return test.task;
    for (const QJsonObject &record : metrics) {
        for (TaskKind kind : {TaskKind::Regress, TaskKind::Multilabel}) {
            if (record.contains(taskScoreKey(kind)))
                return kind;
        }
    }
    return TaskKind::Classify;
}

double RunReportData::testScore() const
{
    switch (test.task) {
    case TaskKind::Regress:
        return test.regression.meanR2;
    case TaskKind::Multilabel:
        return test.multilabel.meanAveragePrecision;
    case TaskKind::Classify:
        break;
    }
    return test.accuracy;
}
