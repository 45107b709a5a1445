#pragma once

/**
 * In a build with AddressSanitizer only (no-op otherwise): LibTorch's CPU tensors come from a
 * cache of freed blocks of the same size instead of ASan's allocator, which maps every block
 * above 128 KB afresh and unmaps it on free — a sanitized training step faulted its
 * activations in page by page (perf: a third of its time in the kernel, sys 6.5 s of 11 s).
 * Cached blocks stay poisoned until reused, so an instrumented read of a freed tensor's memory
 * is still reported (as use-after-poison). The release build gets the same reuse from glibc
 * (keepLargeBlocksInTheHeap).
 */
void keepTensorBlocksUnderAddressSanitizer();
