#include "core/data/dataissue.h"

QString DataIssue::toString() const
{
    QString where = file;
    if (line > 0)
        where += QLatin1Char(':') + QString::number(line);
    if (!sampleId.isEmpty())
        where += QStringLiteral(" [%1]").arg(sampleId);
    return where.isEmpty() ? reason : where + QStringLiteral(": ") + reason;
}
