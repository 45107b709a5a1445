#pragma once

/**
 * The process's one thread configuration for compute: LibTorch's intra-op pool gets
 * `threads` (0 = the cores available; Debian's default is 1) and OpenBLAS's own pool one
 * thread, so the two never oversubscribe the cores. Called by main() and by every job that
 * takes a thread count (`--threads N`).
 */
void configureComputeThreads(int threads = 0);

/** Sets OpenBLAS's pool (when OpenBLAS is the BLAS); returns its size after, 0 for another BLAS. */
int setBlasThreads(int threads);

/** Cores this process may use (affinity-aware). */
int availableCores();
