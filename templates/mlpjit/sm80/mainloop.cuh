//===- sm80/mainloop.cuh - the sm80 GEMM's stage loads: cp.async ----------===//
//
// A ring of Stages shared-memory slots, each an A k-tile and a B k-tile in
// rows padded by 16 bytes (launch.h's sharedRowElements: ldmatrix without
// bank conflicts, no swizzle), filled by every thread with cp.async while
// the warps run ldmatrix.x4 and mma.sync m16n8k16 on the oldest slot.
// Out-of-range rows of A and B and the K tail are zero-filled (src-size 0),
// so any m and any k % TileK work.
//
// The k-loop that drives the ring stays in gemm_mma.cuh's run, the function
// that owns the accumulators: NVVM optimizes a callee before inlining it, so
// a k-loop function here renumbered the accumulators' PTX registers (103 of
// the 104 sm80 TemplateCompileTest configurations) and changed ptxas's SASS
// (102); a function for one k-tile's ldmatrix and MMAs did as well.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_SM80_MAINLOOP_CUH
#define MLPJIT_SM80_MAINLOOP_CUH

#include "mlpjit/sm80/ptx.cuh"

namespace mlpjit {
namespace sm80 {

/// G: GemmTraits.
template <typename G> struct Mainloop : G {
  using G::K;
  using G::kChunksPerRow;
  using G::kRow;
  using G::kThreads;
  using G::N;
  using G::TileK;
  using G::TileM;
  using G::TileN;
  using typename G::Element;

  /// Issues the cp.async copies of k-tile `kTile` of the tile at (m0, n0)
  /// into `stage` (the caller commits the group).
  static __device__ __forceinline__ void loadStage(Element *stage,
                                                   const Element *a,
                                                   const Element *b, int m,
                                                   int m0, int n0, int kTile) {
    Element *sA = stage;
    Element *sB = stage + TileM * kRow;
    const int kBase = kTile * TileK;
#pragma unroll
    for (int i = threadIdx.x; i < TileM * kChunksPerRow; i += kThreads) {
      int row = i / kChunksPerRow, chunk = i % kChunksPerRow;
      int k = kBase + chunk * 8;
      bool valid = m0 + row < m && k < K;
      const Element *src = valid ? a + (long long)(m0 + row) * K + k : a;
      ptx::copyAsync16(ptx::sharedAddress(sA + row * kRow + chunk * 8), src,
                       valid);
    }
#pragma unroll
    for (int i = threadIdx.x; i < TileN * kChunksPerRow; i += kThreads) {
      int row = i / kChunksPerRow, chunk = i % kChunksPerRow;
      int k = kBase + chunk * 8;
      bool valid = n0 + row < N && k < K;
      const Element *src = valid ? b + (long long)(n0 + row) * K + k : b;
      ptx::copyAsync16(ptx::sharedAddress(sB + row * kRow + chunk * 8), src,
                       valid);
    }
  }
};

} // namespace sm80
} // namespace mlpjit

#endif // MLPJIT_SM80_MAINLOOP_CUH
