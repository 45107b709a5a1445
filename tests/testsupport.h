#pragma once

#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QByteArray>

/** Helpers shared by the test executables: fixtures are synthesised, never downloaded. */
namespace testsupport {

/** Writes bytes to path (creating parent folders); fails the calling test via qFatal on error. */
void writeFile(const QString &path, const QByteArray &bytes);

/** Result of running the fusionscope binary. */
struct ProcessResult
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

/** Runs the built fusionscope executable with arguments; waits at most timeoutMs. */
ProcessResult runFusionscope(const QStringList &arguments, int timeoutMs = 300000);

} // namespace testsupport
