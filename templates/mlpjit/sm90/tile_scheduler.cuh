//===- sm90/tile_scheduler.cuh - which work units a CTA of the GEMM runs --===//
//
// The persistent grid's schedule: CTA b takes work units b, b + gridDim.x, ...
// (a cluster's CTAs share one), each an output tile in grouped order
// (tile_schedule.h's tileCoordinates) or one K piece of it: SplitK even
// pieces per tile, or stream-K's whole tiles for the full waves and aligned
// pieces of the rest (streamKSplit). The producer and the consumers walk the
// same sequence. A tile's pieces meet in the workspace: each stores its fp32
// partial and the last to arrive sums them in order (storePartial).
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_SM90_TILE_SCHEDULER_CUH
#define MLPJIT_SM90_TILE_SCHEDULER_CUH

#include "mlpjit/kernel_abi.h"
#include "mlpjit/sm90/ptx.cuh"
#include "mlpjit/tile_schedule.h"

namespace mlpjit {
namespace sm90 {

/// G: GemmTraits.
template <typename G> struct TileScheduler : G {
  using G::ClusterM;
  using G::ClusterN;
  using G::kAccRegs;
  using G::kCluster;
  using G::kConsumerThreads;
  using G::kKTiles;
  using G::kKTilesPerSplit;
  using G::kStreamKSchedule;
  using G::kTileFloats;
  using G::N;
  using G::SplitK;
  using G::TileM;
  using G::TileN;

  static constexpr unsigned kTilesAlongN = unsigned((N + TileN - 1) / TileN);
  // Cluster units along N: groups of ClusterN adjacent weight tiles
  // (launch.h's supports() makes the tiles a multiple of ClusterN).
  static constexpr unsigned kGroupsAlongN = kTilesAlongN / unsigned(ClusterN);
  // Token units per rasterization group (launch.h).
  static constexpr unsigned kGroupUnitsM = groupUnitsM(G::kConfig);

  /// One work unit: an output tile, or one piece of its K range.
  struct Unit {
    int m0, n0;    // first token and first weight row
    int kBegin;    // first k-tile
    int kCount;    // k-tiles (0 when splitK exceeds the k-tiles)
    unsigned tile; // linear tile index (split-K counters)
    // The tile's K pieces (1: whole), this unit's, and the workspace slot
    // of piece 0 (the pieces' slots are consecutive).
    int piece, pieces;
    unsigned long long slotBase;
    int ordinal; // among this CTA's units (whole-tile schedules)
  };

  /// Calls f(unit) for each unit of this CTA, in order (the producer and
  /// the consumers walk the same sequence); with first/step (whole-tile
  /// schedules only), for units first, first + step, ... of that sequence.
  template <typename F>
  static __device__ __forceinline__ void
  forEachUnit(int m, unsigned rank, int first, int step, F &&f) {
    // Units are per cluster: a group of ClusterM adjacent token tiles (the
    // last group may reach past m: its loads read zeros, its stores are
    // skipped) by ClusterN adjacent weight tiles, and a K split.
    const unsigned groupsAlongM =
        unsigned((m + TileM * ClusterM - 1) / (TileM * ClusterM));
    if constexpr (kStreamKSchedule) {
      const unsigned ctas = gridDim.x;
      const StreamKSplit s =
          streamKSplit((unsigned long long)groupsAlongM * kTilesAlongN,
                       unsigned(kKTiles), ctas);
      for (unsigned t = blockIdx.x; t < s.wholeTiles; t += ctas)
        f(tileUnit(t, groupsAlongM, 0, kKTiles, 0, 1, 0ull));
      const unsigned units = s.streamTiles * s.pieces;
      for (unsigned q = blockIdx.x; q < units; q += ctas) {
        const StreamKPiece piece = streamKPiece(s, unsigned(kKTiles), q);
        f(tileUnit(s.wholeTiles + piece.tile, groupsAlongM, piece.kBegin,
                   piece.kCount, piece.piece, piece.pieces, piece.slotBase));
      }
    } else {
      const unsigned units = groupsAlongM * kGroupsAlongN * unsigned(SplitK);
      const unsigned stride = gridDim.x / unsigned(kCluster);
      for (int i = first;; i += step) {
        const unsigned u =
            blockIdx.x / unsigned(kCluster) + unsigned(i) * stride;
        if (u >= units)
          break;
        const int split = int(u % unsigned(SplitK));
        const int kBegin = split * kKTilesPerSplit;
        const int kEnd = kBegin + kKTilesPerSplit < kKTiles
                             ? kBegin + kKTilesPerSplit
                             : kKTiles;
        // The splits of a tile use slots tile * SplitK + z, keyed by the
        // CTA's own tile (below tilesM x tilesN when inside m): in clusters
        // the unit names a group of tiles, each with its partials.
        Unit w = tileUnit(u / unsigned(SplitK), groupsAlongM, kBegin,
                          kEnd > kBegin ? kEnd - kBegin : 0, split, SplitK,
                          0ull, rank);
        w.slotBase = (unsigned long long)w.tile * unsigned(SplitK);
        w.ordinal = i;
        f(w);
      }
    }
  }
  /// The unit of grouped tile index `id` (a cluster's group of ClusterM
  /// token tiles by ClusterN weight tiles; this CTA's is the one of its
  /// cluster rank `rank`, launch.h clusterCtas) covering k-tiles [kBegin,
  /// kBegin + kCount) as piece `piece` of `pieces`, whose partials use
  /// workspace slots slotBase + 0, 1, ...
  static __device__ __forceinline__ Unit tileUnit(
      unsigned id, unsigned groupsAlongM, int kBegin, int kCount, int piece,
      int pieces, unsigned long long slotBase, unsigned rank = 0) {
    Unit w;
    unsigned groupM, groupN;
    tileCoordinates(id, groupsAlongM, kGroupsAlongN, groupM, groupN,
                    kGroupUnitsM);
    const unsigned tileM = groupM * unsigned(ClusterM) + G::rankM(rank);
    const unsigned tileN = groupN * unsigned(ClusterN) + G::rankN(rank);
    w.m0 = int(tileM) * TileM;
    w.n0 = int(tileN) * TileN;
    w.kBegin = kBegin;
    w.kCount = kCount;
    w.tile = tileM * kTilesAlongN + tileN;
    w.piece = piece;
    w.pieces = pieces;
    w.slotBase = slotBase;
    w.ordinal = 0;
    return w;
  }

  /// Stores this piece's fp32 partial tile (fragment order, coalesced) and
  /// counts it in; true in the CTA that arrives last, which then sums the
  /// partials of pieces 0, 1, ... in that order (bitwise the same whichever
  /// CTA finishes last) and resets the counter for the next launch.
  static __device__ __forceinline__ bool
  storePartial(const abi::GemmParams &p, const float (&acc)[kAccRegs],
               const Unit &w, int tid, volatile unsigned *lastFlag) {
    const unsigned tile = w.tile;
    float *mine =
        p.workspace + (w.slotBase + unsigned(w.piece)) * kTileFloats + tid;
#pragma unroll
    for (int i = 0; i < kAccRegs; ++i)
      __stcg(mine + i * kConsumerThreads, acc[i]);
    __threadfence();
    ptx::consumerBarrier(kConsumerThreads);
    if (tid == 0) {
      unsigned arrived = atomicAdd(p.counters + tile, 1u);
      bool last = arrived == unsigned(w.pieces - 1);
      if (last)
        p.counters[tile] = 0;
      *lastFlag = last ? 1u : 0u;
    }
    ptx::consumerBarrier(kConsumerThreads);
    const bool last = *lastFlag != 0;
    __threadfence();
    return last;
  }
};

} // namespace sm90
} // namespace mlpjit

#endif // MLPJIT_SM90_TILE_SCHEDULER_CUH
