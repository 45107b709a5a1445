#include "core/data/split.h"

#include <QtCore/QCryptographicHash>

QString splitName(Split split)
{
    switch (split) {
    case Split::Train: return QStringLiteral("train");
    case Split::Val: return QStringLiteral("val");
    case Split::Test: return QStringLiteral("test");
    }
    return {};
}

std::optional<Split> splitFromName(const QString &name)
{
    const QString n = name.trimmed().toLower();
    if (n == QLatin1String("train"))
        return Split::Train;
    if (n == QLatin1String("val") || n == QLatin1String("validation") || n == QLatin1String("valid")
        || n == QLatin1String("dev"))
        return Split::Val;
    if (n == QLatin1String("test"))
        return Split::Test;
    return std::nullopt;
}

Split splitFromId(const QString &id)
{
    // A cryptographic hash, not qHash: qHash is seeded per process and would reshuffle splits.
    const QByteArray digest = QCryptographicHash::hash(id.toUtf8(), QCryptographicHash::Sha1);
    const auto bucket = static_cast<unsigned char>(digest.at(0)) * 256u
                        + static_cast<unsigned char>(digest.at(1));
    const unsigned percent = bucket % 100u;
    if (percent < 80)
        return Split::Train;
    return percent < 90 ? Split::Val : Split::Test;
}
