#pragma once

#include <QtCore/QStringList>

/** What argv asks for: the window (on an optional dataset) or a headless subcommand. */
struct Invocation
{
    enum class Mode { Window, Headless };
    Mode mode = Mode::Window;
    QString dataset; ///< Window: the dataset to open; empty = the last one, else the demo
    QString model;   ///< Window: a model file to open in Inspect and Embeddings; empty = none
    QString note;    ///< printed on stderr first, e.g. which meaning of an ambiguous word was taken
};

/**
 * Reads argv. A dataset argument is never taken for a subcommand: `fusionscope open PATH` and
 * anything path-like (`./demo-data`, `/data/x`, `x/`) open the window; a bare word that names a
 * subcommand runs it, and says so when a file or folder of that name exists too.
 */
Invocation parseInvocation(const QStringList &arguments);

/** Runs `fusionscope <subcommand> …` (or --help / --version) and returns the exit code. */
int runHeadless(const QStringList &arguments);

/** One line naming the headless subcommands, for when no display is available. */
QString headlessHint();
