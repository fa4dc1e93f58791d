//===- kernel_abi.h - parameters of every generated GEMM kernel -----------===//
//
// Compiled both by the host (runtime/, plain C++) and by NVRTC (device code),
// so it uses only builtin types. Every generated kernel takes one GemmParams
// by value as a __grid_constant__ parameter.
//
// Problem: D[m, nOut] = epilogue(A[m, k] · B[n, k]ᵀ (+ bias[n])), all
// row-major and contiguous; nOut = n/2 for gated epilogues (B holds gate and
// up rows interleaved in blocks of GemmConfig::gateUpBlock rows), else n.
//
// Tensor maps (encoded by the runtime for TMA templates, zero elsewhere):
//   tmaA over A as a 2-D tensor {k, m} (innermost first), box {tileK, tileM'}
//   tmaB over B as a 2-D tensor {k, n}, box {tileK, tileN'}
//   with tileM' = min(tileM, 256), tileN' = min(tileN / clusterM, 256)
//   (sm90::boxRowsA/boxRowsB: a CTA of a 2x1 cluster loads half the weight
//   tile and multicasts it; with clusterN > 1, tileM' = tileM / clusterN
//   rounded up to 8, the slice of the token tile each CTA multicasts),
//   128-byte swizzle, out-of-bounds elements filled with zero.
//   tmaD over D as {nOut, m}, box {c, 64} with c = sm90::storeSubtileCols
//   (64, 32 or 16) and a swizzle of 2c bytes (128, 64 or 32), when the
//   epilogue stores with TMA (sm90::storesWithTma; zero otherwise): the
//   store writes only the in-bounds part of a box.
//   Wide and ping-pong swapAB (sm90::twoMmaRows: swapAB with tileN 256, or
//   128 ping-pong): tmaD's box is {16, sm90::storeBoxRows} (tileM, or half
//   of it rounded up to 8 above 128 tokens), 32-byte swizzle; gated, tmaB is
//   4-D {k, B, 2, n / 2B} (B = gateUpBlock) with box {tileK, B, 1, tileN /
//   2B}: one box holds a weight tile's gate rows (coordinate 0 of the third
//   dimension) or its up rows.
//   tmaALast (when aLastRows > 0; never with clusterN > 1): tmaA with a box
//   of aLastRows rows, which the token tile at row aLastM0 loads instead, so
//   that no box of A crosses its last row.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_KERNEL_ABI_H
#define MLPJIT_KERNEL_ABI_H

namespace mlpjit {
namespace abi {

/// Same size and alignment as the driver's CUtensorMap.
struct alignas(64) TmaDescriptor {
  unsigned long long opaque[16];
};

struct GemmParams {
  TmaDescriptor tmaA;
  TmaDescriptor tmaB;
  TmaDescriptor tmaD;
  const void *a;    // [m, k]
  const void *b;    // [n, k]
  const void *bias; // [n] or null
  void *d;          // [m, nOut]
  float *workspace; // split-K partial sums, null when splitK == 1
  unsigned *counters; // split-K tile semaphores, zeroed, null when splitK == 1
  // Arrival counters of the GEMM launched next on the stream (an MLP's down
  // GEMM), which this kernel zeroes once the previous grid is done, so a
  // forward needs no memset launch; null and 0 when there are none.
  unsigned *nextCounters;
  int nextCounterCount;
  int m;            // token count, a run-time value in the plan's range
  int n, k;         // equal to the kernel's compile-time constants
  // The ragged last token tile of A (rows aLastM0 .. aLastM0 + aLastRows - 1,
  // A's last rows) loads through tmaALast, whose box holds just those rows:
  // on the H200 boxes that cross a tensor's last row load slower (a down
  // GEMM 12-20% at 100 tokens; docs/performance.md, session 26). aLastRows
  // 0: every tile loads through tmaA. Last, so that kernels built before
  // these fields ignore them.
  int aLastM0, aLastRows;
  TmaDescriptor tmaALast;
};

#if defined(__CUDACC__)
/// Zeroes p.nextCounters: `threads` threads of CTA 0, this one `thread`,
/// after the kernel waited for the previous grid (which may still use them).
__device__ __forceinline__ void clearNextCounters(const GemmParams &p,
                                                  int thread, int threads) {
  if (blockIdx.x == 0 && blockIdx.y == 0 && blockIdx.z == 0)
    for (int i = thread; i < p.nextCounterCount; i += threads)
      p.nextCounters[i] = 0u;
}
#endif

/// How to launch a kernel: computed on the host from the kernel's constants
/// and the run-time token count.
struct LaunchShape {
  unsigned grid[3];
  unsigned block[3];
  unsigned cluster[3];
  unsigned sharedBytes; // dynamic shared memory
};

} // namespace abi
} // namespace mlpjit

#endif // MLPJIT_KERNEL_ABI_H
