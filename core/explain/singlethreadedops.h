#pragma once

/**
 * For its lifetime, torch ops started on the calling thread run on that thread alone (the
 * OpenMP team size of this thread only; other threads keep theirs). One sample's tensors are
 * too small to gain from intra-op threads, and on a busy machine the team's spin-waiting
 * barriers cost far more than the ops (measured: ~1 s instead of ~45 ms per explained sample
 * with 2 threads on 2 loaded cores). A no-op where torch does not use OpenMP.
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
