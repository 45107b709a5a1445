#pragma once

/**
 * The process's one thread configuration for compute: LibTorch's intra-op pool gets
 * `threads` (0 = the cores available; Debian's default is 1) and OpenBLAS's own pool one
 * thread, so the two never oversubscribe the cores; large blocks stay in the heap
 * (keepLargeBlocksInTheHeap). Called by main() and by every job that takes a thread count
 * (`--threads N`).
 */
void configureComputeThreads(int threads = 0);

/** glibc keeps blocks up to 256 MB in the heap and trims only above 1 GB free: a training step
 *  reuses the previous step's pages instead of mapping and faulting them in again. */
void keepLargeBlocksInTheHeap();

/** Sets OpenBLAS's pool (when OpenBLAS is the BLAS); returns its size after, 0 for another BLAS. */
int setBlasThreads(int threads);

/** Cores this process may use (affinity-aware). */
int availableCores();
