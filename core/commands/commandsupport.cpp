#include "core/commands/commandsupport.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QTextStream>

namespace commandsupport {

int usageError(const char *command, const QString &message)
{
    QTextStream(stderr) << command << ": " << message << "\n(see " << command << " --help)\n";
    return 2;
}

int failure(const char *command, const QString &message)
{
    QTextStream(stderr) << command << ": " << message << '\n';
    return 1;
}

bool parseInt(const QCommandLineParser &parser, const QCommandLineOption &option, int lo, int hi, int *value, QString *error)
{
    if (!parser.isSet(option))
        return true;
    bool ok = false;
    const int parsed = parser.value(option).trimmed().toInt(&ok);
    if (!ok || parsed < lo || parsed > hi) {
        *error = QStringLiteral("--%1 must be a whole number from %2 to %3, got '%4'")
                     .arg(option.names().constFirst()).arg(lo).arg(hi).arg(parser.value(option));
        return false;
    }
    *value = parsed;
    return true;
}

} // namespace commandsupport
