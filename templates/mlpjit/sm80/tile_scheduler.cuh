//===- sm80/tile_scheduler.cuh - the tile and K split a CTA runs ----------===//
//
// One CTA per output tile and K split: grid x is the tile in grouped order
// (tile_schedule.h's tileCoordinates), grid z the split, each an even share
// of the k-tiles. A tile's splits meet in the workspace: each publishes its
// fp32 partial and the last to arrive sums them in order (reduceSplits).
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_SM80_TILE_SCHEDULER_CUH
#define MLPJIT_SM80_TILE_SCHEDULER_CUH

#include "mlpjit/kernel_abi.h"
#include "mlpjit/sm80/launch.h"

namespace mlpjit {
namespace sm80 {

/// G: GemmTraits.
template <typename G> struct TileScheduler : G {
  using G::kKTiles;
  using G::kKTilesPerSplit;
  using G::kThreads;
  using G::kTileRow;
  using G::kTilesN;
  using G::SplitK;
  using G::TileM;
  using G::TileN;

  /// This CTA's work: an output tile and its split's k-tiles.
  struct Unit {
    int m0, n0; // first token and first weight row
    int split;  // K split (blockIdx.z)
    int kBegin; // first k-tile
    int kCount; // k-tiles (0 when SplitK exceeds the k-tiles)
  };

  static __device__ __forceinline__ Unit unit(int m) {
    unsigned tileRow = 0, tileCol = 0;
    tileCoordinates(blockIdx.x, unsigned((m + TileM - 1) / TileM), kTilesN,
                    tileRow, tileCol);
    Unit w;
    w.m0 = int(tileRow) * TileM;
    w.n0 = int(tileCol) * TileN;
    w.split = blockIdx.z;
    w.kBegin = w.split * kKTilesPerSplit;
    const int kEnd = min(w.kBegin + kKTilesPerSplit, kKTiles);
    w.kCount = kEnd > w.kBegin ? kEnd - w.kBegin : 0;
    return w;
  }

  /// Publishes this split's partial tile; true for the CTA that arrives
  /// last, which then holds the fixed-order sum of all partials in `tile`.
  static __device__ __forceinline__ bool reduceSplits(const abi::GemmParams &p,
                                                      float *tile, int split) {
    __shared__ unsigned arrivedLast;
    constexpr int kTileFloats = TileM * TileN;
    const unsigned tileIndex = blockIdx.x;
    float *partials = p.workspace + (size_t)tileIndex * SplitK * kTileFloats;
    float *mine = partials + (size_t)split * kTileFloats;
    for (int v = threadIdx.x; v < kTileFloats / 4; v += kThreads) {
      int row = (v * 4) / TileN, col = (v * 4) % TileN;
      __stcg(reinterpret_cast<float4 *>(mine + row * TileN + col),
             *reinterpret_cast<const float4 *>(&tile[row * kTileRow + col]));
    }
    __threadfence(); // partials visible device-wide before the arrival
    __syncthreads();
    if (threadIdx.x == 0) {
      unsigned before = atomicAdd(&p.counters[tileIndex], 1u);
      arrivedLast = before == unsigned(SplitK - 1);
    }
    __syncthreads();
    if (!arrivedLast)
      return false;
    __threadfence();
    for (int v = threadIdx.x; v < kTileFloats / 4; v += kThreads) {
      int row = (v * 4) / TileN, col = (v * 4) % TileN;
      float4 sum = make_float4(0.f, 0.f, 0.f, 0.f);
      for (int s = 0; s < SplitK; ++s) {
        float4 x = __ldcg(reinterpret_cast<const float4 *>(
            partials + (size_t)s * kTileFloats + row * TileN + col));
        sum.x += x.x;
        sum.y += x.y;
        sum.z += x.z;
        sum.w += x.w;
      }
      *reinterpret_cast<float4 *>(&tile[row * kTileRow + col]) = sum;
    }
    if (threadIdx.x == 0)
      p.counters[tileIndex] = 0; // ready for the next launch, no memset
    __syncthreads();
    return true;
  }
};

} // namespace sm80
} // namespace mlpjit

#endif // MLPJIT_SM80_TILE_SCHEDULER_CUH
