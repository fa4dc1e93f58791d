//===- sm90/mlp_block.cuh - an MLP block's two GEMMs in one launch --------===//
//
// y = Down(Epi(x · Wguᵀ)) as one kernel for small token counts, where the
// second launch of the two-kernel forward (its start, its prologue, the SMs
// it finds idle) is a visible part of a 20-50 µs block. GateUp and Down are
// GemmTmaWs instantiations (launch.h blockSupports: both narrow swapAB, the
// gate-up one storing H from registers).
//
// A cooperative persistent grid of G CTAs runs the gate-up GEMM's schedule,
// then the down GEMM's: CTA b takes gate-up units b, b + G, ..., then down
// units b - s, b - s + G, ... (s = gate-up units mod G, so the down GEMM
// starts on the CTAs with the fewest gate-up units; on CTAs without any when
// both GEMMs' units fit the grid). Down's producer streams its weight k-tiles
// up to Stages - 1 ahead and loads its unit's k-tiles of H once the gate-up
// tiles that write those columns are done: every finished gate-up tile
// raises its flag in p.ready (a release store), the producer waits (acquire)
// for the flags of every gate-up token tile of the unit's columns. So CTAs
// without gate-up work (56 gate-up tiles on 132 SMs for the tp8 shard at
// M = 1) stream the down GEMM's weights while the gate-up GEMM runs.
//
// No CTA waits for one that never runs: the launch is cooperative (the
// driver refuses it unless the whole grid is resident), and every gate-up
// unit runs before its CTA's first wait.
//
// Whatever the workspace held: each CTA first clears the flags of the
// gate-up tiles it will compute (so its own raise comes after) and its share
// of down's split-K counters, and arrives at the cooperative launch's grid
// barrier; it waits there only between the GEMMs, so the gate-up GEMM starts
// at once and the down GEMM reads flags and counters no CTA clears any more.
// Between the GEMMs each CTA invalidates gate-up's mbarriers; down's
// schedule initializes its own (the two shared-memory layouts differ).
// The register budgets (producer 40, consumers 232) are set once.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_SM90_MLP_BLOCK_CUH
#define MLPJIT_SM90_MLP_BLOCK_CUH

#include <cooperative_groups.h>

#include "mlpjit/sm90/gemm_tma_ws.cuh"

namespace mlpjit {
namespace sm90 {

template <typename GateUp, typename Down> struct MlpBlock {
  static_assert(blockSupports(GateUp::kConfig, Down::kConfig) == nullptr,
                "pair rejected by sm90::blockSupports (launch.h)");
  static_assert(!GateUp::kTmaStore, "gate-up tiles are done when their "
                                    "register stores are (tileDone below)");
  static_assert(GateUp::kConsumerWarpgroups == 2,
                "the register budgets are set for three warpgroups");
  static constexpr int kThreads = GateUp::kThreads;
  static constexpr int kReadyColumns = blockReadyColumns(GateUp::kConfig);

  static constexpr unsigned kTilesN = GateUp::kTilesAlongN;

  /// Gate-up: a finished tile raises its flag (zeroed by this CTA at the
  /// kernel's start), which makes its H columns readable for its tokens.
  struct SignalTiles {
    static constexpr bool kStandalone = false;
    static constexpr bool kWaitsForA = false;
    unsigned *ready;
    __device__ __forceinline__ void beforeLoadA(int, int) const {}
    __device__ __forceinline__ unsigned cta() const { return blockIdx.x; }
    template <typename Unit>
    __device__ __forceinline__ void tileDone(const Unit &w, int tid) const {
      // Each thread's stores of H, then one release for the tile.
      ptx::fenceProxyAsyncGlobal();
      __threadfence();
      ptx::consumerBarrier(GateUp::kConsumerThreads);
      if (tid == 0)
        ptx::storeRelease(ready + w.tile, 1u);
    }
  };
  /// Down: a unit's k-tiles of A (H columns [64 kBegin, 64 (kBegin +
  /// kCount))) wait for the flags of the gate-up tiles that write those
  /// columns, every token tile's. All at once: the gate-up tiles span the
  /// whole K, so they finish at about the same time, and one pass of
  /// relaxed loads (four in flight) with one acquire fence costs about one
  /// L2 round trip where an acquire load a k-tile cost one each.
  struct WaitForTiles {
    static constexpr bool kStandalone = false;
    static constexpr bool kWaitsForA = true;
    const unsigned *ready;
    unsigned tokenTiles;
    unsigned shift; // gate-up units mod gridDim.x
    /// Down unit u goes to CTA (u + shift) mod G: first to the CTAs that
    /// had the fewest gate-up units (none, when both fit the grid).
    __device__ __forceinline__ unsigned cta() const {
      return (blockIdx.x + gridDim.x - shift) % gridDim.x;
    }
    __device__ __forceinline__ void beforeLoadA(int kBegin, int kCount) const {
      const unsigned first = unsigned(kBegin * 64 / kReadyColumns);
      const unsigned last =
          unsigned(((kBegin + kCount) * 64 - 1) / kReadyColumns);
      for (;;) {
        unsigned all = 1u;
        for (unsigned t = 0; t < tokenTiles; ++t) {
          const unsigned *row = ready + t * kTilesN;
#pragma unroll 4
          for (unsigned c = first; c <= last; ++c)
            all &= ptx::loadRelaxed(row + c);
        }
        if (all != 0u)
          break;
        __nanosleep(64);
      }
      ptx::fenceAcquireGpu();
      ptx::fenceProxyAsyncGlobal(); // H's stores, then TMA reads of them
    }
    template <typename Unit>
    __device__ __forceinline__ void tileDone(const Unit &, int) const {}
  };

  static __device__ __forceinline__ void run(const abi::MlpBlockParams &p) {
    // Whatever the workspace held: each CTA clears the flags of the gate-up
    // tiles it will compute (so its own raise comes after), and its share of
    // down's split-K counters; down reads either only after every CTA has
    // arrived at the grid barrier below.
    if (threadIdx.x == 0)
      GateUp::forEachUnit(p.gateUp.m, blockIdx.x, 0u, 0, 1,
                          [&](const auto &w) { p.ready[w.tile] = 0u; });
    const int stride = int(gridDim.x) * kThreads;
    for (int i = int(blockIdx.x) * kThreads + int(threadIdx.x);
         i < p.downCounterCount; i += stride)
      p.down.counters[i] = 0u;
    __threadfence();
    // Arrive now, wait between the GEMMs: the gate-up GEMM needs no other
    // CTA, so it starts at once (the barrier is the cooperative launch's).
    const cooperative_groups::grid_group grid = cooperative_groups::this_grid();
    auto arrived = grid.barrier_arrive();

    if (threadIdx.x < 128)
      ptx::setMaxRegistersDec<40>();
    else
      ptx::setMaxRegistersInc<232>();
    GateUp::run(p.gateUp, SignalTiles{p.ready});
    // Down's TMA loads may land where gate-up's threads wrote (the exchange
    // tile): order those writes before them.
    ptx::fenceProxyAsync();
    grid.barrier_wait(std::move(arrived)); // also a __syncthreads
    if (threadIdx.x == 0)
      GateUp::invalidateBarriers();
    __syncthreads();
    const unsigned tokenTiles = unsigned(
        (p.gateUp.m + GateUp::kConfig.tileM - 1) / GateUp::kConfig.tileM);
    const unsigned shift =
        unsigned(workUnits(GateUp::kConfig, p.gateUp.m) % gridDim.x);
    // A down GEMM of one consumer warpgroup leaves the last one idle.
    if (threadIdx.x < Down::kThreads)
      Down::run(p.down, WaitForTiles{p.ready, tokenTiles, shift});
  }
};

} // namespace sm90
} // namespace mlpjit

#endif // MLPJIT_SM90_MLP_BLOCK_CUH
