//===- sm80/gemm_mma.cuh - portable tensor-core GEMM (sm_80 and newer) ----===//
//
// D[m, nOut] = Epi(A[m, k] · B[n, k]ᵀ (+ bias[n])), kernel_abi.h's problem,
// with the instructions every GPU since Ampere has: a cp.async multi-stage
// pipeline into padded shared memory, ldmatrix, and mma.sync.m16n8k16 with
// fp32 accumulation. The correctness fallback for every GPU (A100, L4, and
// H100 when the Hopper template does not apply): simple first, fast second.
//
// The kernel composes its roles, one header each, as the sm90 template does:
// gemm_traits.cuh (the constants), tile_scheduler.cuh (the CTA's tile and K
// split, split-K partials), mainloop.cuh (the cp.async stage loads),
// epilogue_store.cuh (the fp32 tile and D from it), ptx.cuh (the
// instructions). The k-loop is written out here (mainloop.cuh says why).
//
// One CTA computes a TileM x TileN tile of A·Bᵀ over its share of K (grid x
// is the tile in grouped order, launch.h's tileCoordinates; grid z the K
// split). Accumulators then go through shared memory as an fp32 tile, which
//  - lets split-K CTAs publish partials: each writes its tile to
//    p.workspace, bumps p.counters[tile]; the last to arrive sums the partials
//    in the fixed order z = 0..SplitK-1 (deterministic), resets the counter
//    to 0 and runs the epilogue;
//  - pairs gate and up columns for gated epilogues;
//  - gives coalesced 16-byte stores of D; rows >= m are never written.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_SM80_GEMM_MMA_CUH
#define MLPJIT_SM80_GEMM_MMA_CUH

#include "mlpjit/epilogue.cuh"
#include "mlpjit/kernel_abi.h"
#include "mlpjit/sm80/epilogue_store.cuh"
#include "mlpjit/sm80/gemm_traits.cuh"
#include "mlpjit/sm80/mainloop.cuh"
#include "mlpjit/sm80/ptx.cuh"
#include "mlpjit/sm80/tile_scheduler.cuh"

namespace mlpjit {
namespace sm80 {

template <typename Element, typename Epi, int TileM, int TileN, int TileK,
          int Stages, int ClusterM, int ClusterN, int SplitK, bool SwapAB,
          bool HasBias, long long N, long long K, int GateUpBlock>
struct GemmMma
    : GemmTraits<Element, Epi, TileM, TileN, TileK, Stages, ClusterM, ClusterN,
                 SplitK, SwapAB, HasBias, N, K, GateUpBlock> {
  using G = GemmTraits<Element, Epi, TileM, TileN, TileK, Stages, ClusterM,
                       ClusterN, SplitK, SwapAB, HasBias, N, K, GateUpBlock>;
  using Scheduler = TileScheduler<G>;
  using Unit = typename Scheduler::Unit;
  using Loop = Mainloop<G>;
  using Store = EpilogueStore<G>;
  using G::kMmaM;
  using G::kMmaN;
  using G::kRow;
  using G::kStageElements;
  using G::kThreads;
  using G::kWarpsM;
  using G::kWarpTileM;
  using G::kWarpTileN;
  using typename G::Traits;

  static __device__ __forceinline__ void run(const abi::GemmParams &p) {
    extern __shared__ __align__(16) unsigned char sharedRaw[];
    Element *shared = reinterpret_cast<Element *>(sharedRaw);
    const Element *a = static_cast<const Element *>(p.a);
    const Element *b = static_cast<const Element *>(p.b);
    const int tid = threadIdx.x, lane = tid % 32, warp = tid / 32;
    const int warpM = warp % kWarpsM, warpN = warp / kWarpsM;
    const int m = p.m;
    // Launched in stream order (no PDL): the previous grid is done.
    abi::clearNextCounters(p, tid, kThreads);
    const Unit w = Scheduler::unit(m);
    const int m0 = w.m0, n0 = w.n0, kBegin = w.kBegin, numK = w.kCount;

    float acc[kMmaM][kMmaN][4];
#pragma unroll
    for (int i = 0; i < kMmaM; ++i)
#pragma unroll
      for (int j = 0; j < kMmaN; ++j)
#pragma unroll
        for (int r = 0; r < 4; ++r)
          acc[i][j][r] = 0.0f;

          // Prologue: Stages - 1 tiles in flight. Every iteration commits a
          // group (possibly empty) so that wait_group counts stay uniform.
#pragma unroll
    for (int s = 0; s < Stages - 1; ++s) {
      if (s < numK)
        Loop::loadStage(shared + s * kStageElements, a, b, m, m0, n0,
                        kBegin + s);
      ptx::copyAsyncCommit();
    }

    for (int kt = 0; kt < numK; ++kt) {
      ptx::copyAsyncWait<Stages - 2>();
      // Tile kt is visible to all, and all warps are done with tile kt - 1,
      // whose slot the next load overwrites.
      __syncthreads();
      int next = kt + Stages - 1;
      if (next < numK)
        Loop::loadStage(shared + (next % Stages) * kStageElements, a, b, m, m0,
                        n0, kBegin + next);
      ptx::copyAsyncCommit();

      const Element *sA = shared + (kt % Stages) * kStageElements;
      const Element *sB = sA + TileM * kRow;
#pragma unroll
      for (int kk = 0; kk < TileK; kk += 16) {
        unsigned aFrag[kMmaM][4];
        unsigned bFrag[kMmaN][2];
#pragma unroll
        for (int i = 0; i < kMmaM; ++i) {
          // Lanes 0-15 address rows 0-15 at kk, lanes 16-31 the same rows at
          // kk + 8: registers come back in mma's A-fragment order.
          int row = warpM * kWarpTileM + i * 16 + lane % 16;
          int col = kk + (lane / 16) * 8;
          ptx::loadMatrixX4(aFrag[i],
                            ptx::sharedAddress(sA + row * kRow + col));
        }
#pragma unroll
        for (int j = 0; j < kMmaN; j += 2) {
          // B is stored [n][k], which is mma's "col" B operand as is: lanes
          // 0-7 / 8-15 give rows n..n+7 at kk / kk+8, lanes 16-31 rows n+8..
          int row = warpN * kWarpTileN + j * 8 + lane % 8 + (lane / 16) * 8;
          int col = kk + ((lane / 8) % 2) * 8;
          unsigned r[4];
          ptx::loadMatrixX4(r, ptx::sharedAddress(sB + row * kRow + col));
          bFrag[j][0] = r[0];
          bFrag[j][1] = r[1];
          bFrag[j + 1][0] = r[2];
          bFrag[j + 1][1] = r[3];
        }
#pragma unroll
        for (int i = 0; i < kMmaM; ++i)
#pragma unroll
          for (int j = 0; j < kMmaN; ++j)
            ptx::mma<Traits::kBf16>(acc[i][j], aFrag[i], bFrag[j]);
      }
    }
    ptx::copyAsyncWait<0>();
    __syncthreads(); // the pipeline's shared memory becomes the fp32 tile

    float *tile = reinterpret_cast<float *>(sharedRaw);
    Store::stageAccumulators(tile, acc, lane, warpM, warpN);
    __syncthreads();

    if constexpr (SplitK > 1) {
      if (!Scheduler::reduceSplits(p, tile, w.split))
        return; // another split finishes this tile
    }
    Store::store(p, tile, m, m0, n0);
  }
};

} // namespace sm80
} // namespace mlpjit

#endif // MLPJIT_SM80_GEMM_MMA_CUH
