#include "ui/train/runreportexport.h"

#include "ui/train/runreportdata.h"

#include <QtCore/QDir>
#include <QtCore/QLocale>
#include <QtCore/QSaveFile>
#include <QtCore/QStringList>

namespace {

/** The columns every record type fills, in reading order; unknown keys follow, sorted. */
QStringList csvColumns(const QList<QJsonObject> &records)
{
    QStringList columns = {QStringLiteral("type"),       QStringLiteral("epoch"),        QStringLiteral("step"),
                           QStringLiteral("loss"),       QStringLiteral("mean_loss"),    QStringLiteral("lr"),
                           QStringLiteral("samples_per_second"), QStringLiteral("train_loss"),
                           QStringLiteral("val_loss"),   QStringLiteral("val_accuracy"), QStringLiteral("seconds")};
    QStringList extra;
    for (const QJsonObject &record : records) {
        for (const QString &key : record.keys()) {
            if (!columns.contains(key) && !extra.contains(key))
                extra << key;
        }
    }
    extra.sort();
    return columns + extra;
}

QByteArray csvField(const QJsonValue &value)
{
    QString text;
    switch (value.type()) {
    case QJsonValue::Double: text = QString::number(value.toDouble(), 'g', QLocale::FloatingPointShortest); break;
    case QJsonValue::Bool: text = value.toBool() ? QStringLiteral("true") : QStringLiteral("false"); break;
    case QJsonValue::String: text = value.toString(); break;
    default: return {}; // null (NaN in the log) and absent fields stay empty
    }
    if (text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('"')) || text.contains(QLatin1Char('\n'))) {
        text.replace(QLatin1String("\""), QLatin1String("\"\""));
        text = QLatin1Char('"') + text + QLatin1Char('"');
    }
    return text.toUtf8();
}

bool writeAtomically(const QString &path, const QByteArray &bytes, QString *error)
{
    const auto fail = [&](const QString &reason) {
        if (error)
            *error = QObject::tr("Cannot write %1: %2.").arg(QDir::toNativeSeparators(path), reason);
        return false;
    };
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(file.errorString());
    if (file.write(bytes) != bytes.size()) {
        const QString reason = file.errorString();
        file.cancelWriting();
        return fail(reason);
    }
    if (!file.commit())
        return fail(file.errorString());
    return true;
}

} // namespace

QByteArray runreportexport::metricsCsv(const RunReportData &run)
{
    const QStringList columns = csvColumns(run.metrics);
    QByteArray csv = columns.join(QLatin1Char(',')).toUtf8() + '\n';
    for (const QJsonObject &record : run.metrics) {
        QByteArrayList fields;
        for (const QString &column : columns)
            fields << csvField(record.value(column));
        csv += fields.join(',') + '\n';
    }
    return csv;
}

bool runreportexport::writeHtml(const QString &runDir, const QString &path, QString *error)
{
    RunReportData run;
    if (!RunReportData::load(runDir, &run, error))
        return false;
    return writeAtomically(path, html(run).toUtf8(), error);
}

bool runreportexport::writeMetricsCsv(const QString &runDir, const QString &path, QString *error)
{
    RunReportData run;
    if (!RunReportData::load(runDir, &run, error))
        return false;
    return writeAtomically(path, metricsCsv(run), error);
}
