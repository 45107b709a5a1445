#include "core/train/metricslog.h"

#include "core/util/atomicfile.h"
#include "core/util/jsonnumber.h"

#include <QtCore/QDir>
#include <QtCore/QJsonDocument>
#include <cmath>

MetricsLog::MetricsLog(QString path) : m_path(std::move(path)) {}

bool MetricsLog::open(qint64 keepUpToStep, int keepEpochsBefore, QString *error)
{
    const auto fail = [&](const QString &why) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(QDir::toNativeSeparators(m_path), why);
        return false;
    };
    if (keepUpToStep >= 0 && QFile::exists(m_path)) {
        QFile in(m_path);
        if (!in.open(QIODevice::ReadOnly))
            return fail(in.errorString());
        QByteArray kept;
        while (!in.atEnd()) {
            const QByteArray line = in.readLine();
            const QJsonObject record = QJsonDocument::fromJson(line).object();
            if (record.isEmpty())
                continue; // a line cut short by a kill
            const QString type = record.value(QStringLiteral("type")).toString();
            if (type == QLatin1String("step") && record.value(QStringLiteral("step")).toDouble() > double(keepUpToStep))
                continue;
            if (type == QLatin1String("epoch") && record.value(QStringLiteral("epoch")).toInt() >= keepEpochsBefore)
                continue;
            kept += line.endsWith('\n') ? line : line + '\n';
        }
        QString why;
        if (!writeFileAtomically(m_path, kept, &why)) {
            if (error)
                *error = why;
            return false;
        }
    }
    m_file.setFileName(m_path);
    const QIODevice::OpenMode mode = keepUpToStep >= 0 ? QIODevice::Append : QIODevice::WriteOnly | QIODevice::Truncate;
    // Unbuffered: every record is one write() whose failure is seen here, not at a later flush.
    if (!m_file.open(mode | QIODevice::Unbuffered))
        return fail(m_file.errorString());
    return true;
}

bool MetricsLog::append(const QJsonObject &record)
{
    const QByteArray line = QJsonDocument(record).toJson(QJsonDocument::Compact) + '\n';
    const qint64 before = m_file.size();
    // A short write (the disk filled mid-record) sets no error; the retry for the rest does.
    qint64 done = 0;
    while (m_file.isOpen() && done < line.size()) {
        const qint64 written = m_file.write(line.constData() + done, line.size() - done);
        if (written <= 0)
            break;
        done += written;
    }
    if (done == line.size())
        return true;
    ++m_failures;
    m_error = QStringLiteral("cannot append to %1: %2")
                  .arg(QDir::toNativeSeparators(m_path),
                       m_file.isOpen() ? m_file.errorString() : QStringLiteral("the file is not open"));
    // A half-written record would glue itself to the next one once space comes back.
    if (m_file.isOpen())
        m_file.resize(before);
    m_file.unsetError();
    return false;
}

bool MetricsLog::appendStep(const StepReport &step, double meanLoss)
{
    return append({{QStringLiteral("type"), QStringLiteral("step")},
                   {QStringLiteral("epoch"), step.epoch},
                   {QStringLiteral("step"), double(step.step)},
                   {QStringLiteral("loss"), jsonNumber(step.loss)},
                   {QStringLiteral("mean_loss"), jsonNumber(meanLoss)},
                   {QStringLiteral("lr"), step.learningRate},
                   {QStringLiteral("samples_per_second"), step.samplesPerSecond}});
}

bool MetricsLog::appendEpoch(const EpochReport &epoch, qint64 step)
{
    QJsonObject record{{QStringLiteral("type"), QStringLiteral("epoch")},
                       {QStringLiteral("epoch"), epoch.epoch},
                       {QStringLiteral("step"), double(step)},
                       {QStringLiteral("train_loss"), jsonNumber(epoch.trainLoss)},
                       {QStringLiteral("val_loss"), jsonNumber(epoch.valLoss)},
                       {taskScoreKey(epoch.task), jsonNumber(epoch.valAccuracy)},
                       {QStringLiteral("seconds"), epoch.seconds}};
    if (!std::isnan(epoch.valRecallAt1))
        record.insert(QStringLiteral("val_r1"), epoch.valRecallAt1);
    return append(record);
}
