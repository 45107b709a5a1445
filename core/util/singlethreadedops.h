#pragma once

/**
 * For its lifetime, torch ops started on the calling thread run on that thread alone (the
 * OpenMP team size of this thread only; other threads keep theirs). A no-op where torch does
 * not use OpenMP.
 *
 * For every thread that is not the compute thread: the batch loader, decoders, the explainer's
 * one-sample passes. A second thread's parallel op starts a second OpenMP team on the same
 * cores; once libgomp manages more threads than there are cores it stops spin-waiting and
 * every barrier in *every* team becomes a futex sleep and wake-up (measured: the loader's
 * torch::zeros alone took training from ~330 to ~270 samples/s on 2 cores; one explained
 * sample ~1 s instead of ~45 ms on 2 loaded cores). Small tensors gain nothing from a team.
 */
class SingleThreadedOps
{
public:
    SingleThreadedOps();
    ~SingleThreadedOps();
    SingleThreadedOps(const SingleThreadedOps &) = delete;
    SingleThreadedOps &operator=(const SingleThreadedOps &) = delete;

private:
    int m_previous = 0;
};
