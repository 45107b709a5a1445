#pragma once

#include "core/util/progress.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QString>
#include <mutex>

/**
 * A one-line progress bar on stderr for long headless commands: done/total, percent, rate,
 * ETA and Progress::detail, redrawn at most 10 times a second. Draws only when stderr is a
 * terminal and FUSIONSCOPE_NO_PROGRESS is unset, so a pipe receives nothing but results.
 * Owned by the command's thread; update() may be called from any thread.
 */
class TerminalProgress
{
public:
    explicit TerminalProgress(QString label);
    ~TerminalProgress();

    TerminalProgress(const TerminalProgress &) = delete;
    TerminalProgress &operator=(const TerminalProgress &) = delete;

    /** Thread-safe; cheap when throttled or inactive. */
    void update(const Progress &progress);

    /** Clears the bar; on a terminal, leaves "label: summary" in its place when summary is given. */
    void finish(const QString &summary = {});

    /** Whether this bar draws anything (stderr is a terminal and progress is not disabled). */
    bool isActive() const { return m_active; }

private:
    QString renderLine(const Progress &progress, double seconds) const;
    void writeLine(const QString &line);

    const QString m_label;
    const bool m_active;
    QElapsedTimer m_clock;
    std::mutex m_mutex;
    qint64 m_lastDrawMs = -1;
    QString m_stage;          ///< the rate and ETA restart when the stage changes
    qint64 m_stageStartMs = 0;
    bool m_drawn = false;
    bool m_finished = false;
};
