#include "core/data/dataissue.h"

#include <QtCore/QFileInfo>

namespace {

/** Control characters (a NUL in a path, above all) shown as JSON writes them, not raw. */
QString printable(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (QChar c : text) {
        if (c.unicode() < 0x20)
            out += QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QLatin1Char('0'));
        else
            out += c;
    }
    return out;
}

} // namespace

QString DataIssue::toString() const
{
    // A manifest line is named by the manifest's file name (check-data prints its full
    // path once, above the issues); a file without a line keeps its whole path.
    QString where = line > 0 ? QFileInfo(file).fileName() : file;
    if (line > 0)
        where += QLatin1Char(':') + QString::number(line);
    if (!sampleId.isEmpty())
        where += QStringLiteral(" [%1]").arg(sampleId);
    QString what = field;
    if (!path.isEmpty())
        what += (what.isEmpty() ? QString() : QStringLiteral(" ")) + QStringLiteral("\"%1\"").arg(printable(path));
    QString out = where;
    for (const QString &part : {what, reason}) {
        if (!part.isEmpty())
            out += (out.isEmpty() ? QString() : QStringLiteral(": ")) + part;
    }
    return out;
}
