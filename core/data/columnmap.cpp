#include "core/data/columnmap.h"

const QStringList &ColumnMap::fieldNames()
{
    static const QStringList names{QStringLiteral("id"),    QStringLiteral("text"),
                                   QStringLiteral("text_file"), QStringLiteral("image"),
                                   QStringLiteral("audio"), QStringLiteral("label"),
                                   QStringLiteral("split"), QStringLiteral("meta")};
    return names;
}

bool ColumnMap::parse(const QString &spec, QString *error)
{
    QHash<QString, QString> parsed;
    auto refuse = [error](const QString &pair, const QString &why) {
        if (error)
            *error = QStringLiteral("bad column mapping \"%1\": %2").arg(pair, why);
        return false;
    };
    const QStringList pairs = spec.split(QLatin1Char(','));
    for (const QString &rawPair : pairs) {
        const QString pair = rawPair.trimmed();
        if (pair.isEmpty())
            continue; // tolerate "a=b," and ",,"
        const qsizetype eq = pair.indexOf(QLatin1Char('='));
        if (eq < 0)
            return refuse(pair, QStringLiteral("expected field=column"));
        const QString field = pair.left(eq).trimmed().toLower();
        const QString column = pair.mid(eq + 1).trimmed();
        if (!fieldNames().contains(field)) {
            return refuse(pair, QStringLiteral("unknown field \"%1\" (fields: %2)")
                                    .arg(pair.left(eq).trimmed(), fieldNames().join(QStringLiteral(", "))));
        }
        if (column.isEmpty())
            return refuse(pair, QStringLiteral("empty column name"));
        if (parsed.contains(field))
            return refuse(pair, QStringLiteral("field \"%1\" is mapped twice").arg(field));
        parsed.insert(field, column);
    }
    m_fieldToColumn = parsed;
    if (error)
        error->clear();
    return true;
}

QString ColumnMap::column(const QString &field) const
{
    return m_fieldToColumn.value(field, field);
}

QString ColumnMap::toString() const
{
    QStringList pairs;
    for (const QString &field : fieldNames()) {
        const auto it = m_fieldToColumn.constFind(field);
        if (it != m_fieldToColumn.constEnd())
            pairs << field + QLatin1Char('=') + *it;
    }
    return pairs.join(QLatin1Char(','));
}
