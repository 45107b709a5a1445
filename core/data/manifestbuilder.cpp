#include "core/data/manifestbuilder.h"

#include "core/data/textcheck.h"

#include <algorithm>

ManifestBuilder::ManifestBuilder(Manifest *manifest)
    : m_manifest(manifest)
{
}

void ManifestBuilder::reserve(int rows)
{
    m_manifest->samples.reserve(std::size_t(rows));
    m_idLines.reserve(rows);
}

void ManifestBuilder::issue(int line, const QString &sampleId, const QString &reason)
{
    m_manifest->issues.append(DataIssue{sampleId, m_manifest->path, line, reason});
}

void ManifestBuilder::unknownColumn(const QString &column, int line, const QString &sampleId)
{
    if (m_reportedColumns.contains(column))
        return;
    m_reportedColumns.insert(column);
    issue(line, sampleId, QStringLiteral("unknown column \"%1\" ignored (map it with --map FIELD=%1)").arg(column));
}

void ManifestBuilder::add(CheckedRow &&row)
{
    if (row.parsed) {
        for (const QString &column : std::as_const(row.unknownColumns))
            unknownColumn(column, row.line, row.id);
        const auto first = m_idLines.constFind(row.id);
        if (first != m_idLines.constEnd()) {
            // The first occurrence wins; the duplicate's own problems no longer matter.
            issue(row.line, row.id,
                  QStringLiteral("duplicate id \"%1\" (first on line %2); line skipped").arg(row.id).arg(*first));
            return;
        }
        m_idLines.insert(row.id, row.line);
    }
    m_manifest->issues.append(row.issues);
    if (!row.keep)
        return;
    if (!row.sample.label.isEmpty()) {
        // Share one copy of each class name across samples.
        const auto known = m_labels.constFind(row.sample.label);
        if (known != m_labels.constEnd())
            row.sample.label = *known;
        else
            m_labels.insert(row.sample.label);
    }
    m_manifest->samples.push_back(std::move(row.sample));
}

void ManifestBuilder::finish()
{
    QStringList labels(m_labels.cbegin(), m_labels.cend());
    std::sort(labels.begin(), labels.end(), naturalLess);
    m_manifest->labels = labels;
}
