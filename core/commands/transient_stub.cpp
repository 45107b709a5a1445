// TRANSIENT: replaced by the real commands before the first commit.
#include "core/commands/commands.h"
int runDemoDataCommand(const QStringList &) { return 1; }
int runCheckDataCommand(const QStringList &) { return 1; }
