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
// up to Stages ahead and loads each 64-column k-tile of H once the gate-up
// tile that writes those columns is done: every finished gate-up tile adds 1
// (release) to its column block's counter in p.ready, the producer waits
// (acquire) for one per gate-up token tile. So CTAs without gate-up work
// (56 gate-up tiles on 132 SMs for the tp8 shard at M = 1) start the down
// GEMM's weight stream at once.
//
// No CTA waits for one that never runs: the launch is cooperative (the
// driver refuses it unless the whole grid is resident), and every gate-up
// unit runs before its CTA's first wait.
//
// Start: the counters (and down's split-K counters) must be zero before any
// tile signals or waits, whatever the workspace held, so every CTA zeroes
// its share, then the grid synchronizes (the cooperative launch's barrier).
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

  /// Gate-up: a finished tile makes its H columns readable.
  struct SignalTiles {
    static constexpr bool kStandalone = false;
    static constexpr bool kWaitsForA = false;
    unsigned *ready;
    __device__ __forceinline__ void beforeLoadA(int) const {}
    __device__ __forceinline__ unsigned cta() const { return blockIdx.x; }
    __device__ __forceinline__ void tileDone(int n0, int tid) const {
      // Each thread's stores of H, then one release for the tile.
      ptx::fenceProxyAsyncGlobal();
      __threadfence();
      ptx::consumerBarrier(GateUp::kConsumerThreads);
      if (tid == 0)
        ptx::addRelease(ready + n0 / GateUp::kConfig.tileN, 1u);
    }
  };
  /// Down: k-tile k of A (H columns [64k, 64k + 64)) waits for every
  /// gate-up token tile of its column block.
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
    __device__ __forceinline__ void beforeLoadA(int kTile) const {
      const unsigned *counter = ready + (kTile * 64) / kReadyColumns;
      while (ptx::loadAcquire(counter) < tokenTiles)
        __nanosleep(64);
      ptx::fenceProxyAsyncGlobal(); // H's stores, then TMA reads of them
    }
    __device__ __forceinline__ void tileDone(int, int) const {}
  };

  static __device__ __forceinline__ void run(const abi::MlpBlockParams &p) {
    const int stride = int(gridDim.x) * kThreads;
    for (int i = int(blockIdx.x) * kThreads + int(threadIdx.x);
         i < p.readyCount; i += stride)
      p.ready[i] = 0u;
    for (int i = int(blockIdx.x) * kThreads + int(threadIdx.x);
         i < p.downCounterCount; i += stride)
      p.down.counters[i] = 0u;
    __threadfence();
    cooperative_groups::this_grid().sync();

    if (threadIdx.x < 128)
      ptx::setMaxRegistersDec<40>();
    else
      ptx::setMaxRegistersInc<232>();
    GateUp::run(p.gateUp, SignalTiles{p.ready});
    // Down's TMA loads may land where gate-up's threads wrote (the exchange
    // tile): order those writes before them.
    ptx::fenceProxyAsync();
    __syncthreads();
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
