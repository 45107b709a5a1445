#include "app/cli.h"
#include "core/util/appidentity.h"
#include "core/util/blasinfo.h"
#include "core/util/threads.h"
#include "ui/mainwindow.h"
#include "ui/screenshotdirector.h"

#include <QtCore/QCoreApplication>
#include <QtWidgets/QApplication>
#include <cstdio>

namespace {

/** Qt aborts with a long message when it finds no display; say it in one line instead. */
bool displayAvailable()
{
    if (qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        return true;
    return qEnvironmentVariableIsSet("DISPLAY") || qEnvironmentVariableIsSet("WAYLAND_DISPLAY");
}

} // namespace

int main(int argc, char *argv[])
{
    configureComputeThreads();
    // Once per process, CLI and window alike: training on the reference BLAS is ~14x slower.
    if (const QString slow = slowBlasWarning(currentBlas()); !slow.isEmpty())
        std::fprintf(stderr, "fusionscope: warning: %s\n", qPrintable(slow));
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);

    const bool screenshots = ScreenshotDirector::isScreenshotInvocation(arguments); // hidden, for tools/screenshots.sh
    const Invocation invocation = parseInvocation(arguments);
    if (!invocation.note.isEmpty())
        std::fprintf(stderr, "%s\n", qPrintable(invocation.note));
    if (!screenshots && invocation.mode == Invocation::Mode::Headless) {
        QCoreApplication app(argc, argv);
        setupApplicationIdentity();
        return runHeadless(arguments);
    }
    if (!displayAvailable()) {
        std::fprintf(stderr, "%s\n", qPrintable(headlessHint()));
        return 2;
    }
    QApplication app(argc, argv);
    setupApplicationIdentity();
    if (screenshots)
        return ScreenshotDirector::run(arguments);
    MainWindow window;
    window.show();
    window.openInitialDataset(invocation.dataset);
    if (!invocation.model.isEmpty())
        window.openModel(invocation.model);
    return app.exec();
}
