#pragma once

#include <QtCore/QHash>
#include <QtCore/QString>
#include <QtCore/QStringList>

/**
 * Maps FusionScope's field names (id, text, text_file, image, audio, label, split, meta) to the
 * column names a foreign manifest uses, so `--map text=caption,image=file_name` opens a
 * Hugging Face style metadata.jsonl or any CSV without editing it.
 */
class ColumnMap
{
public:
    static const QStringList &fieldNames();

    /** Parses "text=caption,image=file_name". On error returns false and says which pair. */
    bool parse(const QString &spec, QString *error);

    /** The manifest column that holds `field` (the field name itself when not mapped). */
    QString column(const QString &field) const;
    bool isEmpty() const { return m_fieldToColumn.isEmpty(); }
    QString toString() const;

private:
    QHash<QString, QString> m_fieldToColumn;
};
