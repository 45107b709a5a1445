#pragma once

#include <QtCore/QStringList>

// Headless subcommands. Each parses its own arguments (those after the subcommand name),
// prints results on stdout, messages on stderr, and returns the process exit code.

int runDemoDataCommand(const QStringList &arguments);
int runCheckDataCommand(const QStringList &arguments);
int runEmbedCommand(const QStringList &arguments);
int runEvalCommand(const QStringList &arguments);
int runExplainCommand(const QStringList &arguments);
int runExportCommand(const QStringList &arguments);
int runInfoCommand(const QStringList &arguments);
int runRetrieveCommand(const QStringList &arguments);
int runTrainCommand(const QStringList &arguments);
