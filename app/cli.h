#pragma once

#include <QtCore/QStringList>

/** True when argv names a subcommand or a flag this binary answers without a window. */
bool isHeadlessInvocation(const QStringList &arguments);

/** Runs `fusionscope <subcommand> …` (or --help / --version) and returns the exit code. */
int runHeadless(const QStringList &arguments);

/** One line naming the headless subcommands, for when no display is available. */
QString headlessHint();
