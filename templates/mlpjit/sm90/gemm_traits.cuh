//===- sm90/gemm_traits.cuh - the compile-time shape of one sm90 GEMM -----===//
//
// Every constant the roles of the GEMM share (mainloop.cuh, epilogue.cuh,
// tile_scheduler.cuh, and the kernel that composes them, gemm_tma_ws.cuh),
// derived once from the template parameters through launch.h's functions, so
// that the host's launch rules and the device code cannot disagree: tile and
// stage bytes, consumer warpgroups and accumulator registers, the TMA-store
// subtiles, clusters, K splits.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_SM90_GEMM_TRAITS_CUH
#define MLPJIT_SM90_GEMM_TRAITS_CUH

#include "mlpjit/element_traits.cuh"
#include "mlpjit/gemm_config.h"
#include "mlpjit/sm90/launch.h"
#include "mlpjit/tile_schedule.h"

namespace mlpjit {
namespace sm90 {

/// The template parameters of GemmTmaWs under their own names, and what
/// follows from them.
template <typename Element_, typename Epi_, int TileM_, int TileN_, int TileK_,
          int Stages_, int ClusterM_, int ClusterN_, int SplitK_, bool SwapAB_,
          bool HasBias_, long long N_, long long K_, int GateUpBlock_,
          bool TmaStore_, bool PingPong_>
struct GemmTraits {
  using Element = Element_;
  using Epi = Epi_;
  static constexpr int TileM = TileM_, TileN = TileN_, TileK = TileK_;
  static constexpr int Stages = Stages_;
  static constexpr int ClusterM = ClusterM_, ClusterN = ClusterN_;
  static constexpr int SplitK = SplitK_;
  static constexpr bool SwapAB = SwapAB_, HasBias = HasBias_;
  static constexpr long long N = N_, K = K_;
  static constexpr int GateUpBlock = GateUpBlock_;
  static constexpr bool TmaStore = TmaStore_, PingPong = PingPong_;

  static constexpr GemmConfig kConfig{TileM,
                                      TileN,
                                      TileK,
                                      Stages,
                                      ClusterM,
                                      ClusterN,
                                      SplitK,
                                      SwapAB,
                                      Epi::kGated,
                                      HasBias,
                                      int(sizeof(Element)),
                                      N,
                                      K,
                                      GateUpBlock,
                                      TmaStore,
                                      PingPong};
  static_assert(supports(kConfig) == nullptr,
                "configuration rejected by sm90::supports (launch.h)");

  using Traits = ElementTraits<Element>;
  static constexpr bool kGated = Epi::kGated;
  static constexpr long long kOutCols = kGated ? N / 2 : N;
  static constexpr int kConsumerWarpgroups = consumerWarpgroups(kConfig);
  static constexpr int kConsumerThreads = 128 * kConsumerWarpgroups;
  static constexpr int kMmaN = mmaCols(kConfig);
  // Wide and ping-pong swapAB (launch.h twoMmaRows): each consumer
  // warpgroup runs two m64 MMAs.
  static constexpr bool kTwoMmaRows = twoMmaRows(kConfig);
  // swapAB tiles that store Dᵀ with TMA (launch.h transposedStore).
  static constexpr bool kTransposedStore =
      transposedStore(kConfig) && storesWithTma(kConfig);
  static constexpr bool kSplitGateUp = splitsGateUp(kConfig);
  static constexpr int kMmas = consumerRows(kConfig) / 64;
  static constexpr int kMmaAccRegs = kMmaN / 2;        // per thread and MMA
  static constexpr int kAccRegs = kMmas * kMmaAccRegs; // per consumer thread
  static constexpr int kThreads = 128 * (1 + kConsumerWarpgroups);
  static constexpr int kSharedBytes = int(sharedBytes(kConfig));
  static_assert(kThreads == int(threads(kConfig)), "launch.h disagrees");
  // Threads holding one tile's accumulators (ping-pong: one warpgroup).
  static constexpr int kTileThreads = PingPong ? 128 : kConsumerThreads;
  static_assert(kTileThreads * kAccRegs == TileM * TileN,
                "the accumulators (and split-K partials) cover the tile");
  static_assert(!(SwapAB && kGated) || TileN >= 128,
                "gated swapAB tiles are 128 or 256 weight rows");
  // Gated: gate rows [2jB, 2jB + B) and up rows [2jB + B, 2(j+1)B) of the
  // weight tile produce output columns [jB, (j+1)B) (supports() checks
  // that B is 8, 16, 32 or 64 and the tile holds whole pairs).
  static constexpr int kBlock = GateUpBlock;
  static_assert(!exchangesGateUp(kConfig) || kConsumerThreads == 256,
                "the gate/up exchange pairs 128 threads with 128");

  static constexpr unsigned kATileBytes = unsigned(TileM) * TileK * 2u;
  static constexpr unsigned kBTileBytes = unsigned(TileN) * TileK * 2u;
  static constexpr unsigned kStageBytes = kATileBytes + kBTileBytes;
  static_assert(kStageBytes == stageBytes(kConfig), "launch.h disagrees");
  static_assert(kATileBytes % 1024 == 0 && kBTileBytes % 1024 == 0,
                "tiles are whole 1024-byte swizzle atoms");
  static constexpr unsigned kBarrierBytes = barrierBytes(kConfig);
  // The TMA-store epilogue (launch.h, storesWithTma): per consumer
  // warpgroup kStoreBuffers subtiles of 64 rows x kStoreCols columns, each
  // row one swizzle span of kSwizzleBytes.
  static constexpr bool kTmaStore = storesWithTma(kConfig);
  static constexpr int kStoreBuffers = storeBuffers(kConfig);
  static constexpr int kStoreCols = storeSubtileCols(kConfig);
  static constexpr int kSwizzleBytes = storeSwizzleBytes(kConfig);
  static constexpr unsigned kSubtileBytes = subtileBytes(kConfig);
  // A subtile holds whole gate/up pairs: the output tile is whole blocks,
  // so its widest power-of-two divisor up to 64 is a multiple of B.
  static_assert(!kTmaStore || !kGated || kTwoMmaRows ||
                    kStoreCols % (kBlock > 0 ? kBlock : 1) == 0,
                "TMA-store subtiles hold whole gate/up blocks");
  static constexpr unsigned kStagingBytes = stagingBytes(kConfig);
  // Threads that issue TMA stores and wait for them: one per consumer
  // warpgroup, or one per warp (transposed stores: each warp its own).
  static constexpr int kStoreIssuerStride = kTransposedStore ? 32 : 128;
  // Clusters (launch.h clusterCtas): ClusterM CTAs on adjacent token tiles
  // share the weight tile, each loading 1/ClusterM of it and multicasting
  // the slice to the others; ClusterN CTAs on adjacent weight tiles share the
  // token tile the same way (slices of kASliceRows, the last one ending at
  // the tile's last row, launch.h boxRowsA).
  static constexpr int kCluster = clusterCtas(kConfig);
  static_assert(ClusterM == 1 || !SwapAB || TileN >= 128,
                "2x1 clusters: swapAB with 128 or 256 weight rows");
  static constexpr unsigned kBSliceBytes = kBTileBytes / ClusterM;
  static_assert(kBSliceBytes % 1024 == 0, "slices are whole swizzle atoms");
  static constexpr int kASliceRows = boxRowsA(kConfig);
  // A's bytes that reach each stage: the tile, or every CTA's slice (the
  // overlapping rows twice).
  static constexpr int kAStageRows =
      (ClusterN > 1) ? kASliceRows * ClusterN : TileM;
  static constexpr unsigned kAStageBytes = unsigned(kAStageRows) * TileK * 2u;
  static constexpr int kKTiles = int((K + TileK - 1) / TileK);
  static constexpr bool kStreamKSchedule = SplitK == mlpjit::kStreamK;
  static_assert(!PingPong ||
                    (SplitK == 1 && (SwapAB ? TileN == 128 : TileM == 64)),
                "ping-pong: whole tiles of 64 tokens or, swapAB, 128 weight "
                "rows (units of kKTiles)");
  // Consumers take every unit (cooperative) or every other (ping-pong).
  static constexpr int kUnitStep = PingPong ? 2 : 1;
  static_assert(!kStreamKSchedule || kCluster == 1,
                "stream-K runs without clusters");
  // Units whose partials are summed through p.workspace exist.
  static constexpr bool kReduces = SplitK != 1;
  static constexpr int kKTilesPerSplit =
      kStreamKSchedule ? kKTiles : (kKTiles + SplitK - 1) / SplitK;

  /// The 64-row block of the tile that consumer warpgroup `consumer` holds
  /// (ping-pong: each holds a whole 64-row tile).
  static __device__ __forceinline__ int rowBlock(int consumer) {
    return PingPong ? 0 : consumer;
  }
  /// Cluster rank (launch.h clusterCtas) -> the CTA's token tile in the
  /// cluster's unit (rankM) and its weight tile (rankN).
  static __device__ __forceinline__ unsigned rankM(unsigned rank) {
    return rank % unsigned(ClusterM);
  }
  static __device__ __forceinline__ unsigned rankN(unsigned rank) {
    return rank / unsigned(ClusterM);
  }
  static constexpr unsigned long long kTileFloats =
      (unsigned long long)TileM * TileN;
};

} // namespace sm90
} // namespace mlpjit

#endif // MLPJIT_SM90_GEMM_TRAITS_CUH
