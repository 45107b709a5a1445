#pragma once

#include "core/util/progress.h"

#include <functional>

/**
 * Runs body(i) for i in [0, count) on `threads` std::threads (0 = all cores), handing out
 * indices one at a time so slow items do not stall a chunk. Stops handing out work once
 * *cancel is set. Returns false when cancelled. Blocks the calling thread: call it from a
 * worker, never the GUI thread.
 */
bool parallelFor(int count, int threads, const std::function<void(int)> &body,
                 const CancelFlag *cancel = nullptr);
