#pragma once

#include <QtCore/QString>

class QCommandLineOption;
class QCommandLineParser;

// What every subcommand says the same way. (The older commands still carry their own
// copies of these three; new commands use these.)
namespace commandsupport {

/** "COMMAND: message" and the --help pointer on stderr; exit code 2. */
int usageError(const char *command, const QString &message);
/** "COMMAND: message" on stderr; exit code 1. */
int failure(const char *command, const QString &message);
/** The option's whole number in [lo, hi] into *value (untouched when absent); false with *error naming it. */
bool parseInt(const QCommandLineParser &parser, const QCommandLineOption &option, int lo, int hi, int *value, QString *error);

} // namespace commandsupport
