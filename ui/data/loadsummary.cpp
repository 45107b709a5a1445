#include "ui/data/loadsummary.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QSet>

namespace {

QString tr(const char *text, int n = -1)
{
    return QCoreApplication::translate("LoadSummary", text, nullptr, n);
}

} // namespace

QString groupedNumber(qint64 value)
{
    const QString digits = QString::number(value < 0 ? -value : value);
    QString out;
    for (int i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0)
            out += QChar(0x202F);
        out += digits.at(i);
    }
    return value < 0 ? QLatin1Char('-') + out : out;
}

QString LoadSummary::text(bool decoded) const
{
    QString result = decoded ? (samples == 1 ? tr("1 sample loaded") : tr("%1 samples loaded").arg(groupedNumber(samples)))
                             : (samples == 1 ? tr("1 sample listed") : tr("%1 samples listed").arg(groupedNumber(samples)));
    if (issues == 0)
        result += decoded ? tr(", no issues") : tr(", no issues so far");
    else
        result += issues == 1 ? tr(", 1 issue") : tr(", %1 issues").arg(groupedNumber(issues));
    if (skipped > 0)
        result += tr(" (%1 skipped)").arg(groupedNumber(skipped));
    return result;
}

LoadSummary summarizeLoad(const Manifest &manifest, const DataIssues &issues)
{
    LoadSummary summary;
    summary.samples = int(manifest.samples.size());
    summary.issues = int(issues.size());
    QSet<int> loadedLines;
    loadedLines.reserve(summary.samples);
    for (const SampleRecord &record : manifest.samples)
        loadedLines.insert(record.line);
    QSet<int> skippedLines;
    for (const DataIssue &issue : issues) {
        if (issue.line > 0 && !loadedLines.contains(issue.line))
            skippedLines.insert(issue.line);
    }
    summary.skipped = int(skippedLines.size());
    return summary;
}
