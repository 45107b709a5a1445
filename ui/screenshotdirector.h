#pragma once

#include <QtCore/QElapsedTimer>
#include <QtCore/QObject>
#include <QtCore/QStringList>
#include <QtCore/QTemporaryDir>
#include <functional>
#include <memory>

class MainWindow;
class QTimer;

/**
 * Drives the real main window through the README screenshots (hidden `fusionscope --screenshots`):
 * Train panel with finished runs overlaid, Inspect panel on a correctly predicted sample, and the
 * split analysis. Every wait polls on the event loop, never blocks it. GUI thread.
 */
class ScreenshotDirector final : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString outDir;
        QString runsDir;
        QString modelPath;
        QString dataset;
        QStringList select; ///< run folder names to overlay; empty: every finished run
        int timeoutS = 1200; ///< for the whole sequence
        bool embeddingsOnly = false; ///< only the Embeddings tab (embed-panel.png); no runs needed
    };

    /** True when argv asks for screenshots (`fusionscope --screenshots …`). */
    static bool isScreenshotInvocation(const QStringList &arguments);
    /**
     * Parses `--screenshots OUTDIR --runs RUNSDIR --model MODEL.pt [--select RUN,RUN…]
     * [--timeout SECONDS] DATASET`, or `--screenshots OUTDIR --embeddings-only --model MODEL.pt DATASET`,
     * runs the sequence on the QApplication already created and returns the exit code.
     */
    static int run(const QStringList &arguments);

    explicit ScreenshotDirector(const Options &options, QObject *parent = nullptr);
    ~ScreenshotDirector() override;

    /** Opens the window and starts the sequence; the application quits when it ends. */
    void start();

private:
    using Condition = std::function<bool()>;
    using Step = std::function<void()>;

    void waitUntil(const QString &what, Condition condition, Step then);
    void poll();
    void shootTrain();
    void openModel();
    void selectCorrectSample();
    void shootInspect();
    void analyseSplit();
    void shootSplit();
    /** The Embeddings tab: the map, one label's points selected, a retrieval answer beside it. */
    void mapEmbeddings();
    void askAndShootEmbeddings();
    bool save(const QString &fileName);
    void fail(const QString &message);
    void finish();

    Options m_options;
    QTemporaryDir m_settingsDir; ///< keeps the user's window state, recent list and runs folder untouched
    std::unique_ptr<MainWindow> m_window;
    QTimer *m_poll;
    QElapsedTimer m_clock;
    QElapsedTimer m_stepClock;
    QString m_waitingFor;
    Condition m_condition;
    Step m_then;
    int m_sample = -1;
    bool m_done = false;
};
