#pragma once

#include "core/data/columnmap.h"
#include "core/data/dataissue.h"
#include "core/data/pathresolver.h"
#include "core/data/samplerecord.h"

#include <QtCore/QJsonValue>
#include <QtCore/QStringList>
#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

/** Manifest fields in ColumnMap::fieldNames() order, plus Hugging Face's `file_name`. */
enum class ManifestField { Id, Text, TextFile, Image, Audio, Label, Split, Meta, FileName };
inline constexpr int kManifestFieldCount = 9;

/** One field's value on one manifest row, whether it came from JSONL or CSV. */
struct RawField
{
    enum class Kind { Absent, Null, Bool, Number, String, Object, Array };
    Kind kind = Kind::Absent;
    QString text;    ///< strings, numbers as written, booleans
    QJsonValue json; ///< objects and arrays
};
using RawRow = std::array<RawField, kManifestFieldCount>;

/** Which manifest column holds which field; built once per load, read by every thread. */
class ColumnTable
{
public:
    /** `hfMetadata`: a metadata.* file, whose `file_name` column is the image (or audio). */
    ColumnTable(const ColumnMap &columns, bool hfMetadata);
    /** The field a column holds, -1 for an unknown column. */
    int field(std::string_view column) const;
    /** The column holding labels ("label" unless mapped); a CSV's "label.x" columns are named targets. */
    QString labelColumn() const { return m_labelColumn; }

private:
    std::vector<std::pair<std::string, int>> m_columns;
    QString m_labelColumn;
};

/** A manifest row after validation, before the in-order merge (duplicates, unknown columns). */
struct CheckedRow
{
    int line = 0;
    bool parsed = false;       ///< false: the line itself was unusable (see issues)
    bool keep = false;         ///< a sample survived
    QString id;
    QStringList unknownColumns;
    DataIssues issues;
    SampleRecord sample;
};

/**
 * Validates one raw row: id, text or text_file, media paths (inside the folder, present,
 * non-empty), label, split, meta. Independent of other rows, so each loading thread has its
 * own checker.
 */
class ManifestRowChecker
{
public:
    ManifestRowChecker(const QString &root, const QString &manifestPath, bool csv);

    void check(int line, RawRow &row, CheckedRow *out);

private:
    void issue(CheckedRow *out, const QString &reason, const QString &field = {}, const QString &path = {}) const;
    QString resolveMedia(CheckedRow *out, const char *what, const RawField &field);
    QString readTextFile(CheckedRow *out, const RawField &field, QString *textFile);
    void checkMeta(CheckedRow *out, RawField &meta) const;
    void checkLabel(CheckedRow *out, const RawField &label) const;
    /** Keeps at most kMaxTextChars of the sample's text, with an issue when it cuts. */
    void capText(CheckedRow *out, const char *field, const QString &path);

    PathResolver m_resolver;
    QString m_manifestPath;
    bool m_csv;
};
