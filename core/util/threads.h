#pragma once

/** Sets LibTorch's intra-op threads to the cores available (Debian's default is 1). */
void configureComputeThreads(int threads = 0);

/** Cores this process may use (affinity-aware). */
int availableCores();
