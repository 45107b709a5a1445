#pragma once

#include <QtCore/QString>
#include <atomic>
#include <functional>

/** A progress report from a core job: plain values, safe to queue across threads. */
struct Progress
{
    QString stage;   ///< "decoding", "training", ...
    qint64 done = 0;
    qint64 total = 0;
    QString detail;  ///< e.g. "loss 0.412"; may be empty
};

/** Called from the job's thread; keep it cheap (the GUI controller throttles to ~20 Hz). */
using ProgressCallback = std::function<void(const Progress &)>;

/** Set from any thread to ask a job to stop; jobs check it between units of work. */
using CancelFlag = std::atomic_bool;
